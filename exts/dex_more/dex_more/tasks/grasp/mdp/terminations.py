"""ResDex's success, as a termination term so that RSL-RL logs its rate (``Episode_Termination/success``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from .grasp_state import grasp_state

if TYPE_CHECKING:
    from dex_more.envs import DexEnv


def lifted_to_target(env: DexEnv, radius: float) -> torch.Tensor:
    """(N,) bool: the episode's last step, with the object's centre within ``radius`` [m] of the goal (UniDexGrasp's
    success: the object held 20 cm above the table when time runs out). Configured with ``time_out=True``: it ends
    the episode exactly when the time-out does, and is logged as the share of ended episodes that succeeded."""
    last = env.episode_length_buf >= env.max_episode_length
    return last & (grasp_state(env).target_distance <= radius)
