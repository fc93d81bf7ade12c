"""Reward terms of HO tracking (ManipTrans, REFERENCE.md §1): each returns exp(-k · err) ∈ (0, 1],
1 exactly when the state equals the next-frame reference; the term's weight w multiplies it.

Errors: positions [m] (norm), angles [rad] (geodesic), velocities: mean absolute difference
[m/s, rad/s]; power [W]: sum over joints of |torque · joint velocity|.
"""
from __future__ import annotations

import torch

import isaaclab.utils.math as math_utils

from .commands import LEVEL1_KEYPOINTS, LEVEL2_KEYPOINTS, TIP_KEYPOINTS
from .observations import _cmd, hand_keypoints, wrist_state


def wrist_position(env, side: str, k: float) -> torch.Tensor:
    cmd = _cmd(env)
    return torch.exp(-k * (wrist_state(env, side)[0] - cmd.ref(cmd.wrist_pos, side)).norm(dim=-1))


def wrist_rotation(env, side: str, k: float) -> torch.Tensor:
    cmd = _cmd(env)
    return torch.exp(-k * math_utils.quat_error_magnitude(wrist_state(env, side)[1], cmd.ref(cmd.wrist_quat, side)))


def fingertip(env, side: str, finger: int, k: float) -> torch.Tensor:
    """Fingertip ``finger`` (0 = thumb … 4 = pinky); 1 for a hand without that finger (Allegro pinky)."""
    cmd = _cmd(env)
    kid = TIP_KEYPOINTS[finger]
    if not bool(cmd.keypoint_mask[side][kid]):
        return torch.ones(env.num_envs, device=env.device)
    err = (hand_keypoints(env, side)[:, kid] - cmd.ref(cmd.keypoints, side)[:, kid]).norm(dim=-1)
    return torch.exp(-k * err)


def keypoint_level(env, side: str, level: int, k: float) -> torch.Tensor:
    """Mean error over the level-1 (MCP) or level-2 (PIP/DIP) keypoints the hand maps."""
    cmd = _cmd(env)
    ids = torch.tensor(LEVEL1_KEYPOINTS if level == 1 else LEVEL2_KEYPOINTS, device=env.device)
    ids = ids[cmd.keypoint_mask[side][ids]]
    err = (hand_keypoints(env, side)[:, ids] - cmd.ref(cmd.keypoints, side)[:, ids]).norm(dim=-1).mean(-1)
    return torch.exp(-k * err)


def wrist_velocity(env, side: str, k: float, angular: bool = False) -> torch.Tensor:
    cmd = _cmd(env)
    _, _, v, w = wrist_state(env, side)
    cur, ref = (w, cmd.ref(cmd.wrist_ang_vel, side)) if angular else (v, cmd.ref(cmd.wrist_lin_vel, side))
    return torch.exp(-k * (cur - ref).abs().mean(-1))


def joint_velocity(env, side: str, k: float) -> torch.Tensor:
    cmd = _cmd(env)
    qd = env.scene[f"robot_{side}"].data.joint_vel.torch
    return torch.exp(-k * (qd - cmd.ref(cmd.joint_vel, side)).abs().mean(-1))


def object_position(env, k: float, index: int = 0) -> torch.Tensor:
    cmd = _cmd(env)
    p = env.scene[f"object_{index}"].data.root_pos_w.torch - env.scene.env_origins
    return torch.exp(-k * (p - cmd.ref(cmd.object_pose[index])[:, :3]).norm(dim=-1))


def object_rotation(env, k: float, index: int = 0) -> torch.Tensor:
    cmd = _cmd(env)
    q = env.scene[f"object_{index}"].data.root_quat_w.torch
    return torch.exp(-k * math_utils.quat_error_magnitude(q, cmd.ref(cmd.object_pose[index])[:, 3:]))


def object_velocity(env, k: float, index: int = 0, angular: bool = False) -> torch.Tensor:
    cmd = _cmd(env)
    d = env.scene[f"object_{index}"].data
    cur, ref = ((d.root_ang_vel_w.torch, cmd.ref(cmd.object_ang_vel[index])) if angular
                else (d.root_lin_vel_w.torch, cmd.ref(cmd.object_lin_vel[index])))
    return torch.exp(-k * (cur - ref).abs().mean(-1))


def power(env, side: str, k: float, wrist: bool) -> torch.Tensor:
    """exp(-k · Σ|τ·q̇|) over the wrist joints or over the finger joints [W]."""
    from dex_more.assets import WRIST_JOINT_NAMES

    robot = env.scene[f"robot_{side}"]
    cache = env.__dict__.setdefault("_dex_wrist_cols", {})
    if side not in cache:
        names = list(robot.joint_names)
        w = torch.tensor([n in WRIST_JOINT_NAMES for n in names], device=env.device)
        cache[side] = w
    cols = cache[side] if wrist else ~cache[side]
    p = (robot.data.applied_torque.torch * robot.data.joint_vel.torch)[:, cols].abs().sum(-1)
    return torch.exp(-k * p)


def contact(env, side: str, index: int = 0, near: float = 0.03) -> torch.Tensor:
    """exp(-1 / ΣF): ΣF [N] = contact force on the fingertips whose reference lies within ``near`` [m] of the
    object's surface (ManipTrans' contact term); 0 where the reference has no fingertip that close."""
    cmd = _cmd(env)
    forces = env.scene[f"contacts_{side}"].data.net_forces_w.torch.norm(dim=-1)  # (N, 5) in sensor body order
    forces = forces[:, _tip_order(env, side)]
    # fingertip bodies are thumb-first like the MANO tips; a four-fingered hand has no pinky column
    near_tips = cmd.ref(cmd.tip_surface_distance[(side, index)])[:, : forces.shape[-1]] < near
    total = (forces * near_tips).sum(-1)
    return torch.where(total > 0, torch.exp(-1.0 / total.clamp_min(1e-6)), torch.zeros_like(total))


def _tip_order(env, side: str) -> list[int]:
    """Columns of the contact sensor in the hand's fingertip order (thumb … pinky)."""
    from dex_more.assets import get_hand

    cache = env.__dict__.setdefault("_dex_tip_order", {})
    if side not in cache:
        sensor = env.scene[f"contacts_{side}"]
        tips = get_hand(_cmd(env).cfg.hands[side]).fingertip_body_names
        cache[side] = [sensor.body_names.index(b) for b in tips]
    return cache[side]
