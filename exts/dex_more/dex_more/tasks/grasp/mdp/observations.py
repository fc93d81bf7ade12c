"""Observation terms of the grasping tasks (the shared layer has the hand's joints and the object bank's terms)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from .grasp_state import grasp_state

if TYPE_CHECKING:
    from dex_more.envs import DexEnv


def fingertip_positions(env: DexEnv) -> torch.Tensor:
    """(N, 3F) the fingertips' positions in the env frame [m] (ResDex's fingertip states)."""
    return grasp_state(env).fingertips.flatten(1)


def object_position(env: DexEnv) -> torch.Tensor:
    """(N, 3) the object's origin in the env frame [m] (b^p)."""
    return grasp_state(env).object_pos


def target_minus_object(env: DexEnv) -> torch.Tensor:
    """(N, 3) X_target − X_obj [m]: the goal, relative to the object."""
    s = grasp_state(env)
    return s.target - s.object_pos
