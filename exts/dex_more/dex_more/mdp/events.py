"""Event terms of object-diverse scenes (:class:`~dex_more.envs.object_bank.ObjectBank`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from isaaclab.managers import SceneEntityCfg

from dex_more.assets import TABLE_HEIGHT

if TYPE_CHECKING:
    from dex_more.envs import DexEnv


def assign_random_objects(env: DexEnv, env_ids: torch.Tensor) -> None:
    """Give each resetting env an object of the bank drawn uniformly (torch's generator: seeded runs repeat)."""
    bank = env.object_bank
    if env_ids is None or isinstance(env_ids, slice):
        env_ids = torch.arange(env.num_envs, device=env.device)
    bank.assign(env_ids, torch.randint(0, bank.num_objects, (len(env_ids),), device=env.device))


def drop_objects_above_table(env: DexEnv, env_ids: torch.Tensor, xy: tuple[float, float], height: float,
                             asset_cfg: SceneEntityCfg = SceneEntityCfg("object")) -> None:
    """Put each resetting env's object in its resting pose (the object frame) with its lowest point ``height`` [m]
    above the table top, its origin over ``xy`` [m] in the env frame, at rest; it falls from there (ResDex: 10 cm)."""
    if env_ids is None or isinstance(env_ids, slice):
        env_ids = torch.arange(env.num_envs, device=env.device)
    obj = env.scene[asset_cfg.name]
    pose = torch.zeros(len(env_ids), 7, device=env.device)
    pose[:, :2] = env.scene.env_origins[env_ids, :2] + torch.tensor(xy, device=env.device)
    pose[:, 2] = env.scene.env_origins[env_ids, 2] + TABLE_HEIGHT + height + env.object_bank.env_half_height[env_ids]
    pose[:, 6] = 1.0
    obj.write_root_pose_to_sim_index(root_pose=pose, env_ids=env_ids)
    obj.write_root_velocity_to_sim_index(root_velocity=torch.zeros(len(env_ids), 6, device=env.device), env_ids=env_ids)
