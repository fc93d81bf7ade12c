"""HOT's multiplicative tracking reward (REFERENCE.md §2): r = r_body · r_dof · r_wrist · r_obj · r_ig · r_contact.

Every factor is exp(−k · MSE) ∈ (0, 1], 1 exactly at the next-frame reference, so the product rewards tracking
everything at once (one factor near 0 zeroes the step). Mean squared errors, per component:

* body: hand keypoints [m²] (mean over the keypoints the hand maps of the squared distance);
* dof: finger joints [rad²];
* wrist: (‖Δp‖² + θ²) / 6, position [m] and rotation angle [rad] of the wrist (its 6 degrees of freedom);
* object: ‖Δp‖² / 3 with k_object_pos, θ² / 3 with k_object_rot (two factors multiplied, logged as one);
* interaction graph: the vectors from every mapped hand keypoint to every object keypoint against the
  reference's [m²] (object keypoints: the object's origin, or with ``object_keypoints`` the 8 corners of its
  bounding box, scaled with the env's object: HOT's ``--enable_obj_keypoints --enable_ig_scale``);
* contact: ``k_contact · mean |c − c_ref|`` over the mapped fingertips, c = 1 where a fingertip is within
  ``contact_distance`` [m] of the object's surface, c_ref the reference's contact label (HOT: k = 5).

The factors' episode means are logged as ``Episode_Reward_Factor/<factor>``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from isaaclab.managers import ManagerTermBase, RewardTermCfg
from isaaclab.utils.math import quat_apply

from dex_more.kinematics import quat_angle
from dex_more.mano import FINGERTIP_KEYPOINT_IDS
from dex_more.mdp import fingertip_contacts, keypoint_errors, reference_motion

if TYPE_CHECKING:
    from dex_more.envs import DexEnv

FACTORS = ("body", "dof", "wrist", "object", "interaction", "contact")
"""The reward's factors, in the order they multiply."""
OBJECT = "object_0"
"""The scene entity of the tracked object."""


def object_keypoints_local(env: DexEnv, corners: bool) -> torch.Tensor:
    """(N, K, 3) object keypoints in each env's object frame [m]: its origin (K = 1) or the 8 corners of its
    bounding box scaled with the env's object (K = 8)."""
    bank = env.object_bank
    if not corners:
        return torch.zeros(env.num_envs, 1, 3, device=env.device)
    return bank.box_corners[bank.object_ids] * bank.scale[:, None, None]


def object_keypoint_positions(env: DexEnv, corners: bool, reference: bool) -> torch.Tensor:
    """(N, K, 3) object keypoints in the env frame [m] where the object is (``reference``: where the next reference
    frame has it)."""
    local = object_keypoints_local(env, corners)
    if reference:
        cmd = reference_motion(env)
        pose = cmd.ref(cmd.object_pose[0])
        pos, quat = pose[:, :3], pose[:, 3:]
    else:
        data = env.scene[OBJECT].data
        pos, quat = data.root_pos_w.torch - env.scene.env_origins, data.root_quat_w.torch
    return pos[:, None] + quat_apply(quat[:, None].expand(-1, local.shape[1], -1), local)


class hot_tracking_reward(ManagerTermBase):
    """The product of :data:`FACTORS` (see the module docstring); ``k_*`` and ``contact_distance`` are parameters."""

    def __init__(self, cfg: RewardTermCfg, env: DexEnv):
        super().__init__(cfg, env)
        h = env.hands[cfg.params["side"]]
        self._mask = h.keypoint_mask
        self._fingers = ~h.wrist_joint_mask
        self._tips = h.keypoint_mask[list(FINGERTIP_KEYPOINT_IDS)]
        self.factors: dict[str, torch.Tensor] = {}
        """The factors of the last step, (N,) each."""
        self._sums = {f: torch.zeros(env.num_envs, device=env.device) for f in FACTORS}
        self._steps = torch.zeros(env.num_envs, device=env.device)

    def reset(self, env_ids=None):
        ids = slice(None) if env_ids is None else env_ids
        steps = self._steps[ids].clamp(min=1.0)
        log = self._env.extras.setdefault("log", {})
        for f, s in self._sums.items():
            log[f"Episode_Reward_Factor/{f}"] = (s[ids] / steps).mean().item()
            s[ids] = 0.0
        self._steps[ids] = 0.0

    def __call__(self, env: DexEnv, side: str, k_body: float, k_dof: float, k_wrist: float, k_object_pos: float,
                 k_object_rot: float, k_interaction: float, k_contact: float, contact_distance: float,
                 object_keypoints: bool) -> torch.Tensor:
        cmd, h = reference_motion(env), env.hands[side]
        mse = {"body": (keypoint_errors(env, side)[:, self._mask] ** 2).mean(-1)}
        q, q_ref = h.robot.data.joint_pos.torch, cmd.ref(cmd.joint_pos, side)
        mse["dof"] = ((q - q_ref)[:, self._fingers] ** 2).mean(-1)
        dp = h.wrist_pos - cmd.ref(cmd.wrist_pos, side)
        mse["wrist"] = ((dp ** 2).sum(-1) + quat_angle(h.wrist_quat, cmd.ref(cmd.wrist_quat, side)) ** 2) / 6.0
        data, ref = env.scene[OBJECT].data, cmd.ref(cmd.object_pose[0])
        obj_pos = ((data.root_pos_w.torch - env.scene.env_origins - ref[:, :3]) ** 2).sum(-1) / 3.0
        obj_rot = quat_angle(data.root_quat_w.torch, ref[:, 3:]) ** 2 / 3.0
        kp, kp_ref = h.keypoints[:, self._mask], cmd.ref(cmd.keypoints, side)[:, self._mask]
        edges = kp[:, :, None] - object_keypoint_positions(env, object_keypoints, reference=False)[:, None]
        edges_ref = kp_ref[:, :, None] - object_keypoint_positions(env, object_keypoints, reference=True)[:, None]
        mse["interaction"] = ((edges - edges_ref) ** 2).sum(-1).mean((1, 2))
        contact = fingertip_contacts(env, side, contact_distance)
        miss = (contact - cmd.ref(cmd.contacts, side)).abs()[:, self._tips].mean(-1)
        self.factors = {
            "body": torch.exp(-k_body * mse["body"]), "dof": torch.exp(-k_dof * mse["dof"]),
            "wrist": torch.exp(-k_wrist * mse["wrist"]),
            "object": torch.exp(-k_object_pos * obj_pos - k_object_rot * obj_rot),
            "interaction": torch.exp(-k_interaction * mse["interaction"]),
            "contact": torch.exp(-k_contact * miss),
        }
        reward = torch.ones(env.num_envs, device=env.device)
        for f in FACTORS:
            reward = reward * self.factors[f]
            self._sums[f] += self.factors[f]
        self._steps += 1.0
        return reward
