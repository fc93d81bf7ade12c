"""Reset events of the grasping tasks."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from isaaclab.managers import SceneEntityCfg

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
