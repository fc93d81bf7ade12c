"""ManipTrans' contact reward (REFERENCE.md §1), beside the shared tracking terms of :mod:`dex_more.mdp`."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from dex_more.mdp import reference_motion

if TYPE_CHECKING:
    from dex_more.envs import DexEnv


def fingertip_contact(env: DexEnv, side: str, index: int, sensor_name: str, near: float) -> torch.Tensor:
    """exp(-1 / ΣF): ΣF [N] = contact force on the fingertips whose reference lies within ``near`` [m] of object
    ``index``'s surface; 0 where the reference has no fingertip that close."""
    cmd = reference_motion(env)
    cols = env.hands[side].contact_columns(sensor_name)
    forces = env.scene[sensor_name].data.net_forces_w.torch[:, cols].norm(dim=-1)  # (N, tips), thumb first
    # a four-fingered hand has no pinky column: the reference's tips are cut to the hand's
    near_tips = cmd.ref(cmd.tip_surface_distance[(side, index)])[:, : forces.shape[-1]] < near
    total = (forces * near_tips).sum(-1)
    return torch.where(total > 0, torch.exp(-1.0 / total.clamp_min(1e-6)), torch.zeros_like(total))
