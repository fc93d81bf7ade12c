"""Observation terms of HOT tracking beyond the shared layer: reference contacts and the object's keypoints."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from isaaclab.utils.math import quat_apply_inverse

from dex_more.mdp import reference_motion

from .rewards import object_keypoint_positions

if TYPE_CHECKING:
    from dex_more.envs import DexEnv


def reference_contacts(env: DexEnv, side: str) -> torch.Tensor:
    """(N, 5) the next reference frame's fingertip contact labels (1 = touching), thumb first."""
    cmd = reference_motion(env)
    return cmd.ref(cmd.contacts, side)


def object_keypoints_in_wrist_frame(env: DexEnv, side: str, corners: bool) -> torch.Tensor:
    """(N, 3K) the object keypoints (see :func:`~.rewards.object_keypoints_local`) in the wrist frame [m]."""
    h = env.hands[side]
    kp = object_keypoint_positions(env, corners, reference=False) - h.wrist_pos[:, None]
    return quat_apply_inverse(h.wrist_quat[:, None].expand(-1, kp.shape[1], -1), kp).flatten(1)


def next_object_keypoint_delta(env: DexEnv, corners: bool) -> torch.Tensor:
    """(N, 3K) the next reference frame's object keypoints minus the current ones, env frame [m]."""
    return (object_keypoint_positions(env, corners, reference=True)
            - object_keypoint_positions(env, corners, reference=False)).flatten(1)


def object_scale(env: DexEnv) -> torch.Tensor:
    """(N, 1) the uniform scale of each env's object (HOT's noisy stage randomises it)."""
    return env.object_bank.scale[:, None]
