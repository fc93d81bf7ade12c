"""Termination terms of hand(-object) tracking.

Deviation thresholds are their configured values at the end of the command's threshold curriculum and are
looser before it by ``threshold_factor ** scale_exponent`` (``threshold_factor`` = s / s_final of the
reference-motion command: 1/0.7 → 1 over training, 1 in evaluation); ManipTrans: exponent 3 for the object,
1 for the fingertips, 0 (unscaled) for the other keypoints. None fires during the first ``grace_steps`` steps
of an episode. Distances [m], angles [deg].
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch

from isaaclab.managers import ManagerTermBase, TerminationTermCfg

from dex_more.kinematics import quat_angle
from dex_more.mano import FINGERTIP_KEYPOINT_IDS, LEVEL1_KEYPOINT_IDS, LEVEL2_KEYPOINT_IDS

from .commands import reference_motion
from .rewards import keypoint_errors

if TYPE_CHECKING:
    from dex_more.envs import DexEnv


def after_grace(env: DexEnv, grace_steps: int) -> torch.Tensor:
    """(N,) True for the envs more than ``grace_steps`` steps into their episode."""
    return env.episode_length_buf > grace_steps


def reference_finished(env: DexEnv) -> torch.Tensor:
    """Success: the target frame reached the end of the clip minus its margin (a time-out, not a failure)."""
    return reference_motion(env).at_end


def object_position_deviation(env: DexEnv, index: int, threshold: float, scale_exponent: float,
                              grace_steps: int) -> torch.Tensor:
    """|p - p_ref| of object ``index`` beyond ``threshold`` [m] (scaled, see the module docstring)."""
    cmd = reference_motion(env)
    p = env.scene[f"object_{index}"].data.root_pos_w.torch - env.scene.env_origins
    err = (p - cmd.ref(cmd.object_pose[index])[:, :3]).norm(dim=-1)
    return (err > threshold * cmd.threshold_factor ** scale_exponent) & after_grace(env, grace_steps)


def object_rotation_deviation(env: DexEnv, index: int, threshold_deg: float, scale_exponent: float,
                              grace_steps: int) -> torch.Tensor:
    """Rotation error of object ``index`` beyond ``threshold_deg`` [deg] (scaled, see the module docstring)."""
    cmd = reference_motion(env)
    q = env.scene[f"object_{index}"].data.root_quat_w.torch
    err = quat_angle(q, cmd.ref(cmd.object_pose[index])[:, 3:])
    return (err > math.radians(threshold_deg) * cmd.threshold_factor ** scale_exponent) & after_grace(env, grace_steps)


class fingertip_deviation(ManagerTermBase):
    """Any fingertip the hand maps farther than its threshold [m] (``thresholds``: thumb … pinky), scaled."""

    def __init__(self, cfg: TerminationTermCfg, env: DexEnv):
        super().__init__(cfg, env)
        self._ids = list(FINGERTIP_KEYPOINT_IDS)
        self._thresholds = torch.tensor(cfg.params["thresholds"], device=env.device)
        self._mapped = env.hands[cfg.params["side"]].keypoint_mask[self._ids]

    def __call__(self, env: DexEnv, side: str, thresholds: tuple, scale_exponent: float,
                 grace_steps: int) -> torch.Tensor:
        err = keypoint_errors(env, side)[:, self._ids]
        over = (err > self._thresholds * reference_motion(env).threshold_factor ** scale_exponent) & self._mapped
        return over.any(-1) & after_grace(env, grace_steps)


class keypoint_deviation(ManagerTermBase):
    """Any level-1 keypoint farther than ``level1`` [m] or level-2 keypoint farther than ``level2`` [m]."""

    def __init__(self, cfg: TerminationTermCfg, env: DexEnv):
        super().__init__(cfg, env)
        mask = env.hands[cfg.params["side"]].keypoint_mask
        self._level1 = [k for k in LEVEL1_KEYPOINT_IDS if mask[k]]
        self._level2 = [k for k in LEVEL2_KEYPOINT_IDS if mask[k]]

    def __call__(self, env: DexEnv, side: str, level1: float, level2: float, grace_steps: int) -> torch.Tensor:
        err = keypoint_errors(env, side)
        over = (err[:, self._level1] > level1).any(-1) | (err[:, self._level2] > level2).any(-1)
        return over & after_grace(env, grace_steps)


def mean_keypoint_deviation(env: DexEnv, side: str, threshold: float, grace_steps: int) -> torch.Tensor:
    """The mean distance of the keypoints hand ``side`` maps to the next-frame reference beyond ``threshold`` [m]
    (HOT: 20 cm); unscaled by the threshold curriculum."""
    mask = env.hands[side].keypoint_mask
    return (keypoint_errors(env, side)[:, mask].mean(-1) > threshold) & after_grace(env, grace_steps)


def physics_blowup(env: DexEnv, max_joint_vel: float, max_object_speed: float) -> torch.Tensor:
    """Non-finite state, a hand joint faster than ``max_joint_vel`` [rad/s or m/s], or an object faster than
    ``max_object_speed`` [m/s]."""
    # NaN compares false: "not within the limit" also catches non-finite values
    joint_vel = torch.cat([h.robot.data.joint_vel.torch for h in env.hands.values()], dim=-1)
    joint_pos = torch.cat([h.robot.data.joint_pos.torch for h in env.hands.values()], dim=-1)
    bad = ~(joint_vel.abs() <= max_joint_vel).all(-1) | ~torch.isfinite(joint_pos).all(-1)
    for o in env.scene.rigid_objects.values():
        bad |= ~(o.data.root_lin_vel_w.torch.norm(dim=-1) <= max_object_speed) | ~torch.isfinite(o.data.root_pos_w.torch).all(-1)
    return bad
