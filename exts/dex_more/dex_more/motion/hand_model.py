"""Batched forward kinematics of a bundled robot hand in torch, read from its source MJCF (no simulator).

``HandKinematics(hand)`` follows MuJoCo's own kinematics (body offset, then each joint: slide along its
axis, hinge about its axis through its anchor) from the hand's root body — the frame the virtual wrist
sets — down to every body, and returns the 21 MANO keypoints of the hand's mapping.
"""
from __future__ import annotations

import mujoco
import numpy as np
import torch

from ..assets.hands import WRIST_JOINT_NAMES, DexHand
from ..mano import MANO_KEYPOINT_NAMES

_HINGE, _SLIDE = int(mujoco.mjtJoint.mjJNT_HINGE), int(mujoco.mjtJoint.mjJNT_SLIDE)


def _quat_wxyz_to_matrix(q: np.ndarray) -> np.ndarray:
    w, x, y, z = q
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])


def axis_angle_matrix(axis: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    """Rotation matrices (..., 3, 3) about unit ``axis`` (3,) by ``angle`` (...) [rad] (Rodrigues)."""
    k = axis.to(angle)
    K = torch.zeros(3, 3, dtype=angle.dtype)
    K[0, 1], K[0, 2], K[1, 0], K[1, 2], K[2, 0], K[2, 1] = -k[2], k[1], k[2], -k[0], -k[1], k[0]
    s, c = torch.sin(angle)[..., None, None], torch.cos(angle)[..., None, None]
    return torch.eye(3, dtype=angle.dtype) + s * K + (1 - c) * (K @ K)


def rot6d_to_matrix(r6: torch.Tensor) -> torch.Tensor:
    """Continuous 6-D rotation representation (two columns, Gram-Schmidt) -> rotation matrix (..., 3, 3)."""
    a, b = r6[..., :3], r6[..., 3:]
    x = a / a.norm(dim=-1, keepdim=True)
    y = b - (x * b).sum(-1, keepdim=True) * x
    y = y / y.norm(dim=-1, keepdim=True)
    z = torch.cross(x, y, dim=-1)
    return torch.stack([x, y, z], dim=-1)


def matrix_to_rot6d(R: torch.Tensor) -> torch.Tensor:
    return torch.cat([R[..., :, 0], R[..., :, 1]], dim=-1)


class HandKinematics:
    """FK of ``hand``'s fingers below its root body; joints in MJCF order (:attr:`joint_names`)."""

    def __init__(self, hand: DexHand, dtype: torch.dtype = torch.float64):
        self.hand = hand
        self.dtype = dtype
        m = mujoco.MjModel.from_xml_path(hand.mjcf_path)
        root = m.body(hand.root_body).id
        # bodies strictly below the root, in MuJoCo's topological order (parents first)
        below = {root}
        self.bodies: list[int] = []
        for b in range(root + 1, m.nbody):
            if m.body_parentid[b] in below:
                below.add(b)
                self.bodies.append(b)
        self.body_names = [m.body(b).name for b in self.bodies]
        self._index = {b: i for i, b in enumerate(self.bodies)}
        self._parent = [self._index.get(int(m.body_parentid[b]), -1) for b in self.bodies]
        self._offset_p = torch.tensor(np.stack([m.body_pos[b] for b in self.bodies]), dtype=dtype)
        self._offset_R = torch.tensor(np.stack([_quat_wxyz_to_matrix(m.body_quat[b]) for b in self.bodies]), dtype=dtype)
        self.joint_names: list[str] = []
        self._joints: list[list[tuple[int, int, torch.Tensor, torch.Tensor]]] = []  # per body: (col, type, axis, anchor)
        for b in self.bodies:
            js = []
            for j in range(m.body_jntadr[b], m.body_jntadr[b] + m.body_jntnum[b]):
                if int(m.jnt_type[j]) not in (_HINGE, _SLIDE):
                    raise ValueError(f"{hand.name}: joint {m.joint(j).name} is neither hinge nor slide")
                js.append((len(self.joint_names), int(m.jnt_type[j]), torch.tensor(m.jnt_axis[j], dtype=dtype),
                           torch.tensor(m.jnt_pos[j], dtype=dtype)))
                self.joint_names.append(m.joint(j).name)
            self._joints.append(js)
        assert not set(self.joint_names) & set(WRIST_JOINT_NAMES)
        self.lower = torch.tensor([m.jnt_range[m.joint(n).id, 0] for n in self.joint_names], dtype=dtype)
        self.upper = torch.tensor([m.jnt_range[m.joint(n).id, 1] for n in self.joint_names], dtype=dtype)
        # keypoints: (body index, offset); unmapped MANO keypoints are left out (``keypoint_ids``)
        self.keypoint_ids = list(hand.keypoint_ids)
        self._kp_body = [self._body_index(hand.keypoints[k].body) for k in self.keypoint_ids]
        self._kp_offset = torch.tensor([hand.keypoints[k].offset for k in self.keypoint_ids], dtype=dtype)
        # actuated finger joints (optimised) and mimic followers (derived): q_full = A @ q_act
        act = list(hand.finger_joint_names)
        A = torch.zeros(len(self.joint_names), len(act), dtype=dtype)
        for i, n in enumerate(self.joint_names):
            if n in act:
                A[i, act.index(n)] = 1.0
            else:
                driver, ratio = hand.mimic_joints[n]
                A[i, act.index(driver)] = ratio
        self.actuated_names = act
        self.actuated_to_full = A

    def _body_index(self, name: str) -> int:
        if name == self.hand.root_body:
            return -1
        return self.body_names.index(name)

    def body_poses(self, q: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Poses of every body below the root, in the root frame: (..., B, 3) and (..., B, 3, 3)."""
        batch = q.shape[:-1]
        eye = torch.eye(3, dtype=q.dtype).expand(*batch, 3, 3)
        zero = torch.zeros(*batch, 3, dtype=q.dtype)
        ps, Rs = [], []
        for i in range(len(self.bodies)):
            par = self._parent[i]
            Rp, pp = (eye, zero) if par < 0 else (Rs[par], ps[par])
            R = Rp @ self._offset_R[i]
            p = pp + (Rp @ self._offset_p[i, :, None])[..., 0]
            for col, jtype, axis, anchor in self._joints[i]:
                if jtype == _SLIDE:
                    p = p + (R @ axis[:, None])[..., 0] * q[..., col:col + 1]
                else:
                    a_world = p + (R @ anchor[:, None])[..., 0]
                    R = R @ axis_angle_matrix(axis, q[..., col])
                    p = a_world - (R @ anchor[:, None])[..., 0]
            ps.append(p)
            Rs.append(R)
        return torch.stack(ps, dim=-2), torch.stack(Rs, dim=-3)

    def keypoints(self, q: torch.Tensor, wrist_pos: torch.Tensor | None = None,
                  wrist_R: torch.Tensor | None = None) -> torch.Tensor:
        """Mapped MANO keypoints (..., K, 3) for finger joints ``q`` (..., J) [rad].

        In the root frame, or in the world when the root pose (``wrist_pos`` (..., 3), ``wrist_R``
        (..., 3, 3)) is given. K = len(:attr:`keypoint_ids`).
        """
        p, R = self.body_poses(q)
        batch = q.shape[:-1]
        root_p = torch.zeros(*batch, 1, 3, dtype=q.dtype)
        root_R = torch.eye(3, dtype=q.dtype).expand(*batch, 1, 3, 3)
        p = torch.cat([p, root_p], dim=-2)  # index -1 = the root body itself
        R = torch.cat([R, root_R], dim=-3)
        idx = torch.tensor(self._kp_body)
        kp = p[..., idx, :] + (R[..., idx, :, :] @ self._kp_offset[..., None])[..., 0]
        if wrist_pos is None:
            return kp
        return (wrist_R[..., None, :, :] @ kp[..., None])[..., 0] + wrist_pos[..., None, :]

    def full_from_actuated(self, q_act: torch.Tensor) -> torch.Tensor:
        """All finger joints (..., J) from the actuated ones (..., A): followers = ratio × driver."""
        return q_act @ self.actuated_to_full.T

    @property
    def keypoint_names(self) -> list[str]:
        return [MANO_KEYPOINT_NAMES[k] for k in self.keypoint_ids]
