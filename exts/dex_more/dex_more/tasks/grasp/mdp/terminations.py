"""ResDex's success, as a termination term so that RSL-RL logs its rate (``Episode_Termination/success``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from .grasp_state import grasp_state
from .rewards import near_object

if TYPE_CHECKING:
    from dex_more.envs import DexEnv


def grasp_succeeded(env: DexEnv, radius: float, finger_threshold: float, hand_threshold: float) -> torch.Tensor:
    """(N,) bool: the object's centre within ``radius`` [m] of the goal, in the hand (f1 = 2)."""
    return (grasp_state(env).target_distance <= radius) & near_object(env, finger_threshold, hand_threshold)


def lifted_to_target(env: DexEnv, radius: float, finger_threshold: float, hand_threshold: float) -> torch.Tensor:
    """(N,) bool: the episode's last step, with :func:`grasp_succeeded` (UniDexGrasp's success: the object held 20 cm
    above the table when time runs out). Configured with ``time_out=True``: it ends the episode exactly when the
    time-out does, and is logged as the share of ended episodes that succeeded.

    Why "in the hand": a tall object is dropped with its centre within 5 cm of the goal, and Isaac Lab's RSL-RL
    training starts the first episodes at random lengths, so without it an object falling past the goal in a
    truncated first episode counts as lifted. After a full episode an object at the goal is held, so the condition
    changes nothing there."""
    last = env.episode_length_buf >= env.max_episode_length
    return last & grasp_succeeded(env, radius, finger_threshold, hand_threshold)
