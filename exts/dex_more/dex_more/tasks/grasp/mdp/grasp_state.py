"""What ResDex's reward terms, its success and its evaluation read every step, computed once per simulated state.

Positions are in the env frame [m]; quaternions (x, y, z, w). The hand is ``robot_right`` (the task's one hand):
- ``X_hand``, the palm centre: the midpoint of the wrist keypoint and the mean of the finger-base (MCP) keypoints
  (hand-agnostic: every bundled hand maps those MANO keypoints);
- ``X_finger``, the fingertip keypoints the hand maps (Shadow: five);
- ``X_obj``, the object's origin (its bounding-box centre), and ``X_target``, the goal ``lift_height`` above the
  table top over the point the object is dropped at.
Grasp proposals (:mod:`dex_more.objects.proposals`: wrist pose in the object frame, finger joints) are those of
each env's object. Every distance to "the proposal" is to the *nearest* of the object's proposals by that same
measure: one object has 1–14 proposals and the policy does not observe which to take, so any of them may guide it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

import isaaclab.utils.math as math_utils

from dex_more.assets import TABLE_HEIGHT
from dex_more.mano import FINGERTIP_KEYPOINT_IDS, LEVEL1_KEYPOINT_IDS
from dex_more.objects.proposals import load_proposals, proposals_path

if TYPE_CHECKING:
    from dex_more.envs import DexEnv

SIDE = "right"
"""The grasping tasks' hand (``robot_right``)."""
OBJECT_XY = (0.0, 0.0)
"""Where each object is dropped [m, env frame]: the centre of the table top."""
LIFT_HEIGHT = 0.2
"""ResDex's goal: the object's centre 20 cm above the table top [m]."""
PALM_BASE_KEYPOINT_IDS = LEVEL1_KEYPOINT_IDS[1:]
"""The finger-base (MCP) keypoints whose mean, with the wrist keypoint, places the palm centre."""


def target_position(env: DexEnv) -> torch.Tensor:
    """(3,) ``X_target`` in the env frame [m]."""
    return torch.tensor([*OBJECT_XY, TABLE_HEIGHT + LIFT_HEIGHT], device=env.device)


class GraspState:
    """The grasp quantities of every env (see the module docstring); one per env, from :func:`grasp_state`."""

    def __init__(self, env: DexEnv):
        self._env = env
        self.hand = env.hands[SIDE]
        self.robot = self.hand.robot
        self.object = env.scene["object"]
        bank = env.object_bank
        if bank is None:
            raise ValueError("the grasping tasks need an object-diverse scene (DexEnvCfg.object_bank)")
        names = list(self.robot.joint_names)
        self.finger_ids = torch.tensor([names.index(n) for n in self.hand.hand.finger_joint_names], device=env.device)
        mask = self.hand.keypoint_mask.cpu().numpy()
        self._tip_ids = [k for k in FINGERTIP_KEYPOINT_IDS if mask[k]]
        self._base_ids = [k for k in PALM_BASE_KEYPOINT_IDS if mask[k]]
        self.target = target_position(env)
        self._load_proposals(bank)

    def _load_proposals(self, bank) -> None:
        """Each bank object's proposals as padded (O, G, ·) tensors; ``proposal_valid`` marks the real ones."""
        hand = self.hand.hand.name
        root = bank.cfg.object_set
        try:
            table = load_proposals(root, hand)
        except FileNotFoundError:
            raise FileNotFoundError(f"{proposals_path(root, hand)}: no grasp proposals for the hand '{hand}'; make "
                                    f"them with scripts/make_grasps.py --objects {root} --hand {hand}") from None
        missing = [o.name for o in bank.objects if o.name not in table or len(table[o.name]) == 0]
        if missing:
            raise ValueError(f"{proposals_path(root, hand)} has no proposal for {missing[:5]}: every object of a "
                             "grasping task needs one (scripts/make_grasps.py --names ...)")
        g = max(len(table[o.name]) for o in bank.objects)
        n_obj, a = bank.num_objects, len(self.finger_ids)
        pos, quat = np.zeros((n_obj, g, 3), np.float32), np.tile(np.float32([0, 0, 0, 1]), (n_obj, g, 1))
        joints, valid = np.zeros((n_obj, g, a), np.float32), np.zeros((n_obj, g), bool)
        for o, obj in enumerate(bank.objects):
            p = table[obj.name]
            if p.joint_pos.shape[1] != a:
                raise ValueError(f"{proposals_path(root, hand)}: '{obj.name}' joint_pos has {p.joint_pos.shape[1]} "
                                 f"columns; the hand '{hand}' has {a} finger joints")
            k = len(p)
            pos[o, :k], quat[o, :k], joints[o, :k], valid[o, :k] = p.wrist_pos, p.wrist_quat, p.joint_pos, True
        t = lambda x: torch.as_tensor(x, device=self._env.device)  # noqa: E731
        self.proposal_wrist_pos, self.proposal_wrist_quat = t(pos), t(quat)
        self.proposal_joint_pos, self.proposal_valid = t(joints), t(valid)

    def _memo(self, name, compute) -> torch.Tensor:
        return self.hand.memo(f"grasp/{name}", None, compute)

    # ------------------------------------------------------------------ positions
    @property
    def object_pos(self) -> torch.Tensor:
        """(N, 3) ``X_obj``."""
        return self._memo("object_pos", lambda: self.object.data.root_pos_w.torch - self._env.scene.env_origins)

    @property
    def hand_pos(self) -> torch.Tensor:
        """(N, 3) ``X_hand``: the palm centre."""
        def compute():
            kp = self.hand.keypoints
            return 0.5 * (kp[:, 0] + kp[:, self._base_ids].mean(1))
        return self._memo("hand_pos", compute)

    @property
    def fingertips(self) -> torch.Tensor:
        """(N, F, 3) ``X_finger``: the fingertip keypoints the hand maps."""
        return self._memo("fingertips", lambda: self.hand.keypoints[:, self._tip_ids])

    @property
    def finger_joint_pos(self) -> torch.Tensor:
        """(N, A) the finger joints [rad], in the order of the proposals' ``joint_pos``."""
        return self.robot.data.joint_pos.torch[:, self.finger_ids]

    # ------------------------------------------------------------------ distances
    @property
    def hand_distance(self) -> torch.Tensor:
        """(N,) ‖X_obj − X_hand‖ [m]."""
        return self._memo("hand_distance", lambda: (self.object_pos - self.hand_pos).norm(dim=-1))

    @property
    def finger_distance_sum(self) -> torch.Tensor:
        """(N,) Σ_f ‖X_obj − X_finger,f‖ [m]."""
        return self._memo("finger_distance_sum",
                          lambda: (self.fingertips - self.object_pos[:, None]).norm(dim=-1).sum(-1))

    @property
    def target_distance(self) -> torch.Tensor:
        """(N,) d_obj = ‖X_obj − X_target‖ [m]."""
        return self._memo("target_distance", lambda: (self.object_pos - self.target).norm(dim=-1))

    def _env_proposals(self):
        ids = self._env.object_bank.object_ids
        return (self.proposal_wrist_pos[ids], self.proposal_wrist_quat[ids], self.proposal_joint_pos[ids],
                self.proposal_valid[ids])

    @property
    def pose_error(self) -> torch.Tensor:
        """(N,) min over the object's proposals of ‖q − X_joint‖₁ [rad] (r_pose, f2)."""
        def compute():
            _, _, joints, valid = self._env_proposals()
            err = (self.finger_joint_pos[:, None] - joints).abs().sum(-1)
            return err.masked_fill(~valid, float("inf")).min(-1).values
        return self._memo("pose_error", compute)

    def wrist_in_object_frame(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The hand root's pose in the object's frame: (N, 3) position [m], (N, 4) quaternion (the proposals' frame)."""
        d, o = self.robot.data, self.object.data
        b = self.hand.root_body_id
        q_o = o.root_quat_w.torch
        pos = math_utils.quat_apply_inverse(q_o, d.body_pos_w.torch[:, b] - o.root_pos_w.torch)
        return pos, math_utils.quat_mul(math_utils.quat_conjugate(q_o), d.body_quat_w.torch[:, b])

    def proposal_distance(self, rot_weight: float, joint_weight: float) -> torch.Tensor:
        """(N,) ‖g − g_t‖ to the nearest proposal: ‖t − t_g‖ [m] + rot_weight · angle(R, R_g) [rad] +
        joint_weight · ‖q − q_g‖₁ [rad]."""
        def compute():
            pos, quat = self.wrist_in_object_frame()
            p_g, q_g, j_g, valid = self._env_proposals()
            n, g = valid.shape
            angle = math_utils.quat_error_magnitude(quat[:, None].expand(-1, g, -1).reshape(-1, 4),
                                                    q_g.reshape(-1, 4)).view(n, g)
            d = ((pos[:, None] - p_g).norm(dim=-1) + rot_weight * angle
                 + joint_weight * (self.finger_joint_pos[:, None] - j_g).abs().sum(-1))
            return d.masked_fill(~valid, float("inf")).min(-1).values
        return self._memo(f"proposal_distance/{rot_weight}/{joint_weight}", compute)


def grasp_state(env: DexEnv) -> GraspState:
    """The env's :class:`GraspState`, made on first use."""
    state = getattr(env, "_grasp_state", None)
    if state is None:
        state = env._grasp_state = GraspState(env)
    return state
