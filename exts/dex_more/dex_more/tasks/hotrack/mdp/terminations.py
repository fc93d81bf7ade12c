"""ManipTrans' contact-loss termination, beside the shared tracking terminations of :mod:`dex_more.mdp`."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from dex_more.mdp import after_grace, reference_motion

if TYPE_CHECKING:
    from dex_more.envs import DexEnv


def contact_lost(env: DexEnv, side: str, index: int, sensor_name: str, near: float, min_force: float,
                 grace_steps: int) -> torch.Tensor:
    """A fingertip within ``near`` [m] of object ``index`` in the reference has felt no force (> ``min_force`` N)
    over the contact sensor's recent history."""
    cmd = reference_motion(env)
    hist = env.scene[sensor_name].data.net_forces_w_history.torch  # (N, H, B, 3)
    felt = hist.norm(dim=-1).amax(dim=1)[:, env.hands[side].contact_columns(sensor_name)] > min_force
    should = cmd.ref(cmd.tip_surface_distance[(side, index)])[:, : felt.shape[-1]] < near
    return (should & ~felt).any(-1) & after_grace(env, grace_steps)
