"""Reset events of the grasping tasks."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

import isaaclab.utils.math as math_utils
from isaaclab.managers import EventTermCfg, ManagerTermBase, SceneEntityCfg

from dex_more.assets import TABLE_HEIGHT, WRIST_JOINT_NAMES
from dex_more.kinematics import wrist_pose_to_joints

from .grasp_state import OBJECT_XY, SIDE, grasp_state

if TYPE_CHECKING:
    from dex_more.envs import DexEnv


def raise_hand_over_tall_objects(env: DexEnv, env_ids: torch.Tensor, drop_height: float, base_height: float,
                                 clearance: float, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot_right")) -> None:
    """Raise the hand (its wrist z joint) where the dropped object's top would come within ``clearance`` [m] of the
    hand's root: the root stays ``base_height`` [m] above the table (ResDex: 20 cm) unless the object, ``drop_height``
    above the table and as tall as it is, reaches higher. The object set holds objects up to 20 cm tall, which would
    start inside a palm 20 cm above the table."""
    if env_ids is None or isinstance(env_ids, slice):
        env_ids = torch.arange(env.num_envs, device=env.device)
    robot = env.scene[asset_cfg.name]
    col = list(robot.joint_names).index("wrist_z")
    top = drop_height + env.object_bank.env_height[env_ids]
    q = robot.data.joint_pos.torch[env_ids].clone()
    q[:, col] = torch.clamp(top + clearance - base_height, min=0.0)
    robot.write_joint_state_to_sim_index(position=q, velocity=torch.zeros_like(q), env_ids=env_ids)


class start_in_proposal_grasp(ManagerTermBase):
    """A curriculum for CPU-sized runs (off by default: ResDex starts every episode with the hand 20 cm above a dropped
    object): with probability ``probability`` a resetting env starts in one of its object's grasp proposals (drawn
    uniformly), so the policy only has to learn to hold and lift, not to find the grasp. The object is in its
    resting pose over the drop point, its lowest point ``lift_range`` [m] (uniform) above the table top, and higher
    where the proposal's hand would not clear the table top by ``clearance`` [m] (a proposal may reach below the
    object: the synthesis has no table); the hand's wrist joints put its root at the proposal's pose, its fingers at
    the proposal's joints (touching, not yet squeezing), everything at rest. A ``lift_range`` reaching up to the goal
    makes it a reverse curriculum: episodes that start near the goal pay r_move and r_bonus at once for holding on.
    (Measured on the CPU, 70 iterations: it gave successes only with the action's ``finger_offset`` too; without,
    the policy opened its fingers.) Run after the drop and the hand's placement (it overwrites both in the envs it
    starts in a grasp); probability 0 does nothing, not even the proposals' geometry.

    Where the hand reaches: the lowest of the synthesis surface's points (:func:`dex_more.objects.grasps.
    synthesis_surface`) of each proposal, in the object frame, computed once."""

    def __init__(self, cfg: EventTermCfg, env: DexEnv):
        super().__init__(cfg, env)
        self._hand_bottom = None  # the hands and proposals exist once the scene does: see _prepare

    def _prepare(self, env: DexEnv, asset_cfg: SceneEntityCfg) -> None:
        from dex_more.motion.hand_model import HandKinematics
        from dex_more.objects.grasps import hand_points, synthesis_surface

        s = self._state = grasp_state(env)
        self._robot = env.scene[asset_cfg.name]
        names = list(self._robot.joint_names)
        self._wrist_cols = torch.tensor([names.index(n) for n in WRIST_JOINT_NAMES], device=env.device)
        kin = HandKinematics(s.hand.hand, dtype=torch.float32)
        n_obj, g = s.proposal_valid.shape
        pts = hand_points(kin, synthesis_surface(s.hand.hand, kin), s.proposal_joint_pos.reshape(n_obj * g, -1).cpu(),
                          s.proposal_wrist_pos.reshape(-1, 3).cpu(),
                          math_utils.matrix_from_quat(s.proposal_wrist_quat.reshape(-1, 4).cpu()))
        self._hand_bottom = pts[..., 2].min(-1).values.view(n_obj, g).to(env.device)
        """(O, G) the lowest hand point of each proposal, object frame [m]."""

    def __call__(self, env: DexEnv, env_ids: torch.Tensor, probability: float, clearance: float,
                 lift_range: tuple[float, float] = (0.0, 0.0), xy: tuple[float, float] = OBJECT_XY,
                 asset_cfg: SceneEntityCfg = SceneEntityCfg(f"robot_{SIDE}")) -> None:
        if probability <= 0.0:
            return
        if self._hand_bottom is None:
            self._prepare(env, asset_cfg)
        if env_ids is None or isinstance(env_ids, slice):
            env_ids = torch.arange(env.num_envs, device=env.device)
        env_ids = env_ids[torch.rand(len(env_ids), device=env.device) < probability]
        if len(env_ids) == 0:
            return
        s, bank, n = self._state, env.object_bank, len(env_ids)
        objects = bank.object_ids[env_ids]
        valid = s.proposal_valid[objects]
        k = torch.multinomial(valid.float(), 1).squeeze(-1)  # a real proposal of each env's object
        origins = env.scene.env_origins[env_ids]
        lift = torch.empty(n, device=env.device).uniform_(*lift_range)
        rest = torch.maximum(bank.env_half_height[env_ids] + lift, clearance - self._hand_bottom[objects, k])
        pose = torch.zeros(n, 7, device=env.device)
        pose[:, :2] = origins[:, :2] + torch.tensor(xy, device=env.device)
        pose[:, 2] = origins[:, 2] + TABLE_HEIGHT + rest
        pose[:, 6] = 1.0
        obj = env.scene["object"]
        obj.write_root_pose_to_sim_index(root_pose=pose, env_ids=env_ids)
        obj.write_root_velocity_to_sim_index(root_velocity=torch.zeros(n, 6, device=env.device), env_ids=env_ids)
        # the object is in its resting frame (identity), so the proposal's pose in the object frame is a translation
        base = self._robot.data.root_pos_w.torch[env_ids]
        q = self._robot.data.joint_pos.torch[env_ids].clone()
        q[:, self._wrist_cols] = wrist_pose_to_joints(pose[:, :3] + s.proposal_wrist_pos[objects, k] - base,
                                                      s.proposal_wrist_quat[objects, k])
        q[:, s.finger_ids] = s.proposal_joint_pos[objects, k]
        self._robot.write_joint_state_to_sim_index(position=q, velocity=torch.zeros_like(q), env_ids=env_ids)
