"""Termination terms of HO tracking: thresholds from REFERENCE.md §1, scaled by the curriculum factor
s = ``motion.threshold_scale`` (1 → 0.7 over training; 0.7 in evaluation); none fire during the first
``grace_steps`` steps of an episode. Distances [m], angles [deg]."""
from __future__ import annotations

import math

import torch

import isaaclab.utils.math as math_utils

from .commands import LEVEL1_KEYPOINTS, LEVEL2_KEYPOINTS, TIP_KEYPOINTS
from .observations import _cmd, hand_keypoints


def _after_grace(env, grace_steps: int) -> torch.Tensor:
    return env.episode_length_buf > grace_steps


def reference_finished(env) -> torch.Tensor:
    """Success: the target frame reached the end of the clip minus its margin (a time-out, not a failure)."""
    return _cmd(env).at_end


def object_position_deviation(env, threshold: float = 0.02, grace_steps: int = 8, index: int = 0) -> torch.Tensor:
    """|p - p_ref| > threshold · s³ / 0.343 (2 cm at s = 0.7)."""
    cmd = _cmd(env)
    p = env.scene[f"object_{index}"].data.root_pos_w.torch - env.scene.env_origins
    err = (p - cmd.ref(cmd.object_pose[index])[:, :3]).norm(dim=-1)
    return (err > threshold * cmd.threshold_scale ** 3 / 0.343) & _after_grace(env, grace_steps)


def object_rotation_deviation(env, threshold_deg: float = 30.0, grace_steps: int = 8, index: int = 0) -> torch.Tensor:
    """Object rotation error > threshold · s³ / 0.343 (30° at s = 0.7)."""
    cmd = _cmd(env)
    q = env.scene[f"object_{index}"].data.root_quat_w.torch
    err = math_utils.quat_error_magnitude(q, cmd.ref(cmd.object_pose[index])[:, 3:])
    limit = math.radians(threshold_deg) * cmd.threshold_scale ** 3 / 0.343
    return (err > limit) & _after_grace(env, grace_steps)


def fingertip_deviation(env, side: str, thresholds=(0.04, 0.045, 0.05, 0.06, 0.06), grace_steps: int = 8) -> torch.Tensor:
    """Any fingertip farther than its threshold · s / 0.7 (thumb … pinky: 4, 4.5, 5, 6, 6 cm at s = 0.7)."""
    cmd = _cmd(env)
    ids = list(TIP_KEYPOINTS)
    err = (hand_keypoints(env, side)[:, ids] - cmd.ref(cmd.keypoints, side)[:, ids]).norm(dim=-1)
    limit = torch.tensor(thresholds, device=env.device) * cmd.threshold_scale / 0.7
    over = (err > limit) & cmd.keypoint_mask[side][ids]
    return over.any(-1) & _after_grace(env, grace_steps)


def keypoint_deviation(env, side: str, level1: float = 0.07, level2: float = 0.08, grace_steps: int = 8) -> torch.Tensor:
    """Any level-1 keypoint farther than 7 cm or level-2 keypoint farther than 8 cm (not scaled)."""
    cmd = _cmd(env)
    err = (hand_keypoints(env, side) - cmd.ref(cmd.keypoints, side)).norm(dim=-1)
    mask = cmd.keypoint_mask[side]
    l1 = torch.tensor(LEVEL1_KEYPOINTS, device=env.device)
    l2 = torch.tensor(LEVEL2_KEYPOINTS, device=env.device)
    over = ((err[:, l1] > level1) & mask[l1]).any(-1) | ((err[:, l2] > level2) & mask[l2]).any(-1)
    return over & _after_grace(env, grace_steps)


def physics_blowup(env, max_joint_vel: float = 100.0, max_object_speed: float = 10.0) -> torch.Tensor:
    """Non-finite state, a joint faster than ``max_joint_vel`` [rad/s or m/s], or an object faster than
    ``max_object_speed`` [m/s]."""
    bad = torch.zeros(env.num_envs, dtype=torch.bool, device=env.device)
    cmd = _cmd(env)
    for s in cmd.sides:
        d = env.scene[f"robot_{s}"].data
        q, qd = d.joint_pos.torch, d.joint_vel.torch
        bad |= ~torch.isfinite(q).all(-1) | ~torch.isfinite(qd).all(-1) | (qd.abs() > max_joint_vel).any(-1)
    for o in cmd.objects:
        v = o.data.root_lin_vel_w.torch
        bad |= ~torch.isfinite(v).all(-1) | ~torch.isfinite(o.data.root_pos_w.torch).all(-1) | (v.norm(dim=-1) > max_object_speed)
    return bad


def contact_lost(env, side: str, index: int = 0, near: float = 0.005, min_force: float = 0.01,
                 grace_steps: int = 8) -> torch.Tensor:
    """A fingertip within ``near`` [m] of the object in the reference has felt no force (> ``min_force`` N)
    over the contact sensor's recent history."""
    from .rewards import _tip_order

    cmd = _cmd(env)
    hist = env.scene[f"contacts_{side}"].data.net_forces_w_history.torch  # (N, H, B, 3)
    felt = hist.norm(dim=-1).amax(dim=1)[:, _tip_order(env, side)] > min_force
    should = cmd.ref(cmd.tip_surface_distance[(side, index)])[:, : felt.shape[-1]] < near
    return (should & ~felt).any(-1) & _after_grace(env, grace_steps)
