"""Numpy helpers for motion data: quaternions (x, y, z, w, Isaac Lab 3 order), smoothing, differences.

Kept in numpy so that the data layer loads and validates files without the simulator; the formulas
are the ones of ``isaaclab.utils.math`` (tests check them against it).
"""
from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.transform import Rotation, Slerp


def quat_normalize(q: np.ndarray) -> np.ndarray:
    return q / np.linalg.norm(q, axis=-1, keepdims=True)


def quat_continuous(q: np.ndarray) -> np.ndarray:
    """Flip signs along time (axis 0) so that consecutive quaternions lie in the same hemisphere."""
    q = q.copy()
    for t in range(1, len(q)):
        if np.dot(q[t], q[t - 1]) < 0:
            q[t] = -q[t]
    return q


def smooth(x: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing along time (axis 0), sigma in frames; edges reflect (no shrink toward 0)."""
    return x if sigma <= 0 else gaussian_filter1d(x, sigma=sigma, axis=0, mode="nearest")


def linear_velocity(x: np.ndarray, fps: float, sigma: float = 2.0) -> np.ndarray:
    """d/dt of positions (T, ...) [unit/s]: central differences (one-sided at the ends), then smoothing."""
    if len(x) < 2:
        return np.zeros_like(x)
    return smooth(np.gradient(x, 1.0 / fps, axis=0), sigma)


def angular_velocity(q: np.ndarray, fps: float, sigma: float = 2.0) -> np.ndarray:
    """World-frame angular velocity (T, 3) [rad/s] of orientations q (T, 4) (x, y, z, w).

    Central difference of rotations: w_t = log(R_{t+1} R_{t-1}^T) / (2 dt) (one-sided at the ends),
    exact for a constant-rate rotation; then Gaussian smoothing of sigma frames.
    """
    T = len(q)
    if T < 2:
        return np.zeros((T, 3))
    r = Rotation.from_quat(q)
    w = np.empty((T, 3))
    dt = 1.0 / fps
    w[1:-1] = (r[2:] * r[:-2].inv()).as_rotvec() / (2 * dt)
    w[0] = (r[1] * r[0].inv()).as_rotvec() / dt
    w[-1] = (r[-1] * r[-2].inv()).as_rotvec() / dt
    return smooth(w, sigma)


def slerp(times: np.ndarray, q: np.ndarray, new_times: np.ndarray) -> np.ndarray:
    """Spherical interpolation of orientations q (T, 4) sampled at ``times`` onto ``new_times``."""
    return Slerp(times, Rotation.from_quat(q))(new_times).as_quat()


def mirror_quat(q: np.ndarray) -> np.ndarray:
    """Orientation mirrored across the world y-z plane (x -> -x): R' = M R M with M = diag(-1, 1, 1)."""
    out = q.copy()
    out[..., 1] = -out[..., 1]
    out[..., 2] = -out[..., 2]
    return out
