"""Derived state of one hand that many terms read: MANO keypoints, wrist pose and velocity, joint groups.

Computed at most once per simulated state (:attr:`dex_more.envs.DexEnv.state_version`): a dozen reward,
termination, observation and metric terms read the keypoints of each hand every step, and recomputing
their forward kinematics for each was a large share of the managers' time.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from dex_more.assets import WRIST_JOINT_NAMES, DexHand
from dex_more.kinematics import keypoints_from_bodies
from dex_more.mano import NUM_KEYPOINTS

if TYPE_CHECKING:
    from dex_more.envs import DexEnv


class HandState:
    """The hand ``robot_<side>`` of an env. Positions in the env frame [m], quaternions (x, y, z, w),
    velocities in the world frame [m/s, rad/s]. Returned tensors are shared: read them, do not modify them."""

    def __init__(self, env: DexEnv, side: str, hand: DexHand):
        self.side, self.hand = side, hand
        self._env = env
        self.robot = env.scene[f"robot_{side}"]
        bodies = list(self.robot.body_names)
        slots = hand.keypoint_ids
        self._kp_body_ids = torch.tensor([bodies.index(hand.keypoints[k].body) for k in slots], device=env.device)
        self._kp_offsets = torch.tensor([hand.keypoints[k].offset for k in slots], device=env.device)
        self._kp_slots = torch.tensor(slots, device=env.device)
        self.keypoint_mask = torch.zeros(NUM_KEYPOINTS, dtype=torch.bool, device=env.device)
        """(21,) True for the MANO keypoints the hand maps (Allegro: no pinky)."""
        self.keypoint_mask[self._kp_slots] = True
        self.root_body_id = bodies.index(hand.root_body)
        joints = list(self.robot.joint_names)
        self.wrist_joint_mask = torch.tensor([n in WRIST_JOINT_NAMES for n in joints], device=env.device)
        """(J,) True for the six virtual wrist joints, in the articulation's joint order."""
        self._keypoints = torch.zeros(env.num_envs, NUM_KEYPOINTS, 3, device=env.device)
        self._wrist: tuple[torch.Tensor, ...] = ()
        self._keypoints_version = self._wrist_version = None
        self._contact_columns: dict[str, list[int]] = {}
        self._memo: dict[str, tuple[tuple, torch.Tensor]] = {}

    @property
    def keypoints(self) -> torch.Tensor:
        """(N, 21, 3) MANO keypoints of the robot hand; zeros where the hand maps none (see :attr:`keypoint_mask`)."""
        version = self._env.state_version
        if version != self._keypoints_version:
            d = self.robot.data
            ids = self._kp_body_ids
            kp = keypoints_from_bodies(d.body_pos_w.torch[:, ids], d.body_quat_w.torch[:, ids], self._kp_offsets)
            self._keypoints[:, self._kp_slots] = kp - self._env.scene.env_origins[:, None]
            self._keypoints_version = version
        return self._keypoints

    def _wrist_state(self) -> tuple[torch.Tensor, ...]:
        version = self._env.state_version
        if version != self._wrist_version:
            d, b = self.robot.data, self.root_body_id
            self._wrist = (d.body_pos_w.torch[:, b] - self._env.scene.env_origins, d.body_quat_w.torch[:, b],
                           d.body_lin_vel_w.torch[:, b], d.body_ang_vel_w.torch[:, b])
            self._wrist_version = version
        return self._wrist

    @property
    def wrist_pos(self) -> torch.Tensor:
        """(N, 3) position of the hand's root body (what the six wrist joints set)."""
        return self._wrist_state()[0]

    @property
    def wrist_quat(self) -> torch.Tensor:
        """(N, 4) orientation of the hand's root body."""
        return self._wrist_state()[1]

    @property
    def wrist_lin_vel(self) -> torch.Tensor:
        return self._wrist_state()[2]

    @property
    def wrist_ang_vel(self) -> torch.Tensor:
        return self._wrist_state()[3]

    def memo(self, name: str, reference_version, compute) -> torch.Tensor:
        """``compute()`` for this hand, remembered until the state or ``reference_version`` change: a quantity
        that several observation groups hold (the policy's, an imitator's, a student's) is computed once."""
        version = (self._env.state_version, reference_version)
        entry = self._memo.get(name)
        if entry is None or entry[0] != version:
            entry = self._memo[name] = (version, compute())
        return entry[1]

    def contact_columns(self, sensor_name: str) -> list[int]:
        """Columns of contact sensor ``sensor_name`` in the hand's fingertip order (thumb first)."""
        if sensor_name not in self._contact_columns:
            bodies = list(self._env.scene[sensor_name].body_names)
            self._contact_columns[sensor_name] = [bodies.index(b) for b in self.hand.fingertip_body_names]
        return self._contact_columns[sensor_name]
