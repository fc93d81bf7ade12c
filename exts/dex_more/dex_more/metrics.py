"""The HO-Tracker challenge metrics, as pure torch functions over batched trajectories.

All positions in metres in one common frame (world or env); quaternions (x, y, z, w). Results per
sample/frame, in the challenge's units: centimetres and degrees. Averaging over frames and over
successful rollouts is the caller's (``scripts/evaluate.py``, the tracking command term).
"""
from __future__ import annotations

import math

import torch

from .kinematics import quat_angle
from .mano import FINGERTIP_KEYPOINT_IDS


def translation_error_cm(pos: torch.Tensor, ref_pos: torch.Tensor) -> torch.Tensor:
    """E_t: ||p - p_ref|| [cm] of object positions (..., 3)."""
    return (pos - ref_pos).norm(dim=-1) * 100.0


def rotation_error_deg(quat: torch.Tensor, ref_quat: torch.Tensor) -> torch.Tensor:
    """E_r: geodesic angle [deg] between orientations (..., 4), min(θ, 2π − θ) ∈ [0, 180].

    θ = 2·acos(|<q, q_ref>|) is already the shorter way round; quaternion sign does not matter.
    """
    return torch.rad2deg(quat_angle(quat / quat.norm(dim=-1, keepdim=True), ref_quat / ref_quat.norm(dim=-1, keepdim=True)))


def keypoint_error_cm(kp: torch.Tensor, ref_kp: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """E_j: mean L2 [cm] over keypoints (..., K, 3); ``mask`` (K,) keeps the keypoints the hand maps."""
    d = (kp - ref_kp).norm(dim=-1) * 100.0
    if mask is not None:
        d = d[..., mask]
    return d.mean(dim=-1)


def fingertip_error_cm(kp: torch.Tensor, ref_kp: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """E_ft: :func:`keypoint_error_cm` over the five MANO fingertips (:data:`~dex_more.mano.FINGERTIP_KEYPOINT_IDS`)."""
    tips = list(FINGERTIP_KEYPOINT_IDS)
    m = None if mask is None else mask[tips]
    return keypoint_error_cm(kp[..., tips, :], ref_kp[..., tips, :], m)


def success_rate(successes: torch.Tensor) -> float:
    """SR: successful / all rollouts."""
    return float(successes.float().mean()) if successes.numel() else math.nan
