"""Tracking reward terms: each returns ``exp(-k · err)`` ∈ (0, 1] (:func:`exp_kernel`), 1 exactly when the state
equals the next-frame reference; the term's weight multiplies it.

Errors: positions [m] (norm), angles [rad] (geodesic), velocities: mean absolute difference [m/s, rad/s];
power [W]: sum over joints of |torque · joint velocity|.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from isaaclab.managers import ManagerTermBase, RewardTermCfg

from dex_more.kinematics import quat_angle
from dex_more.mano import FINGERTIP_KEYPOINT_IDS, LEVEL1_KEYPOINT_IDS, LEVEL2_KEYPOINT_IDS

from .commands import reference_motion

if TYPE_CHECKING:
    from dex_more.envs import DexEnv


def keypoint_errors(env: DexEnv, side: str) -> torch.Tensor:
    """(N, 21) distance [m] of each robot keypoint of hand ``side`` to the next-frame reference (0 where the hand
    maps none); computed once per state and frame for every reward and termination that needs it."""
    cmd, h = reference_motion(env), env.hands[side]
    return h.memo("keypoint_errors", cmd.version, lambda: (h.keypoints - cmd.ref(cmd.keypoints, side)).norm(dim=-1))


def exp_kernel(error: torch.Tensor, k: float) -> torch.Tensor:
    """exp(-k · error): 1 at zero error, 1/e at error 1/k."""
    return torch.exp(-k * error)


def mean_abs(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Mean absolute difference over the last dimension."""
    return (a - b).abs().mean(-1)


def wrist_position_tracking(env: DexEnv, side: str, k: float) -> torch.Tensor:
    cmd = reference_motion(env)
    return exp_kernel((env.hands[side].wrist_pos - cmd.ref(cmd.wrist_pos, side)).norm(dim=-1), k)


def wrist_rotation_tracking(env: DexEnv, side: str, k: float) -> torch.Tensor:
    cmd = reference_motion(env)
    return exp_kernel(quat_angle(env.hands[side].wrist_quat, cmd.ref(cmd.wrist_quat, side)), k)


def wrist_velocity_tracking(env: DexEnv, side: str, k: float) -> torch.Tensor:
    cmd = reference_motion(env)
    return exp_kernel(mean_abs(env.hands[side].wrist_lin_vel, cmd.ref(cmd.wrist_lin_vel, side)), k)


def wrist_angular_velocity_tracking(env: DexEnv, side: str, k: float) -> torch.Tensor:
    cmd = reference_motion(env)
    return exp_kernel(mean_abs(env.hands[side].wrist_ang_vel, cmd.ref(cmd.wrist_ang_vel, side)), k)


def joint_velocity_tracking(env: DexEnv, side: str, k: float) -> torch.Tensor:
    cmd = reference_motion(env)
    return exp_kernel(mean_abs(env.hands[side].robot.data.joint_vel.torch, cmd.ref(cmd.joint_vel, side)), k)


class fingertip_tracking(ManagerTermBase):
    """Fingertip ``finger`` (0 = thumb … 4 = pinky) of hand ``side``; 1 for a hand without that finger
    (Allegro's pinky)."""

    def __init__(self, cfg: RewardTermCfg, env: DexEnv):
        super().__init__(cfg, env)
        self._keypoint = FINGERTIP_KEYPOINT_IDS[cfg.params["finger"]]
        self._mapped = bool(env.hands[cfg.params["side"]].keypoint_mask[self._keypoint])
        self._ones = torch.ones(env.num_envs, device=env.device)

    def __call__(self, env: DexEnv, side: str, finger: int, k: float) -> torch.Tensor:
        if not self._mapped:
            return self._ones
        return exp_kernel(keypoint_errors(env, side)[:, self._keypoint], k)


class keypoint_level_tracking(ManagerTermBase):
    """Mean error over the level-1 (MCP) or level-2 (PIP/DIP) keypoints (:mod:`dex_more.mano`) the hand maps."""

    def __init__(self, cfg: RewardTermCfg, env: DexEnv):
        super().__init__(cfg, env)
        ids = torch.tensor(LEVEL1_KEYPOINT_IDS if cfg.params["level"] == 1 else LEVEL2_KEYPOINT_IDS, device=env.device)
        self._ids = ids[env.hands[cfg.params["side"]].keypoint_mask[ids]]

    def __call__(self, env: DexEnv, side: str, level: int, k: float) -> torch.Tensor:
        return exp_kernel(keypoint_errors(env, side)[:, self._ids].mean(-1), k)


def joint_power(env: DexEnv, side: str, k: float, wrist: bool) -> torch.Tensor:
    """exp(-k · Σ|τ·q̇|) over the wrist joints (``wrist``) or over the finger joints [W]."""
    h = env.hands[side]
    cols = h.wrist_joint_mask if wrist else ~h.wrist_joint_mask
    d = h.robot.data
    return exp_kernel((d.applied_torque.torch * d.joint_vel.torch)[:, cols].abs().sum(-1), k)


def object_position_tracking(env: DexEnv, index: int, k: float) -> torch.Tensor:
    cmd = reference_motion(env)
    p = env.scene[f"object_{index}"].data.root_pos_w.torch - env.scene.env_origins
    return exp_kernel((p - cmd.ref(cmd.object_pose[index])[:, :3]).norm(dim=-1), k)


def object_rotation_tracking(env: DexEnv, index: int, k: float) -> torch.Tensor:
    cmd = reference_motion(env)
    q = env.scene[f"object_{index}"].data.root_quat_w.torch
    return exp_kernel(quat_angle(q, cmd.ref(cmd.object_pose[index])[:, 3:]), k)


def object_velocity_tracking(env: DexEnv, index: int, k: float) -> torch.Tensor:
    cmd = reference_motion(env)
    return exp_kernel(mean_abs(env.scene[f"object_{index}"].data.root_lin_vel_w.torch,
                               cmd.ref(cmd.object_lin_vel[index])), k)


def object_angular_velocity_tracking(env: DexEnv, index: int, k: float) -> torch.Tensor:
    cmd = reference_motion(env)
    return exp_kernel(mean_abs(env.scene[f"object_{index}"].data.root_ang_vel_w.torch,
                               cmd.ref(cmd.object_ang_vel[index])), k)
