"""Observation terms of hand(-object) tracking and of object-diverse scenes. Per hand, ``side`` selects ``robot_<side>`` (its
:class:`~dex_more.mdp.HandState`); positions are in the env frame [m], quaternions (x, y, z, w), velocities
[m/s, rad/s] in the world frame unless a term says "wrist frame". Reference ("next frame") terms read the
reference-motion command at ``frame + 1``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

import isaaclab.utils.math as math_utils
from isaaclab.managers import ManagerTermBase, ObservationTermCfg, SceneEntityCfg

from dex_more.mano import FINGERTIP_KEYPOINT_IDS
from dex_more.motion.shapes import sdf_local

from .commands import reference_motion

if TYPE_CHECKING:
    from dex_more.envs import DexEnv

# ------------------------------------------------------------------ proprioception


def hand_joint_pos(env: DexEnv, side: str) -> torch.Tensor:
    """(N, J) joint positions [m or rad], the articulation's joint order."""
    return env.hands[side].robot.data.joint_pos.torch


def hand_joint_pos_cos_sin(env: DexEnv, side: str) -> torch.Tensor:
    """(N, 2J): cos then sin of the joint positions."""
    def compute():
        q = env.hands[side].robot.data.joint_pos.torch
        return torch.cat([torch.cos(q), torch.sin(q)], dim=-1)
    return env.hands[side].memo("joint_pos_cos_sin", None, compute)


def hand_joint_vel(env: DexEnv, side: str) -> torch.Tensor:
    """(N, J) joint velocities [m/s or rad/s]."""
    return env.hands[side].robot.data.joint_vel.torch


def hand_wrist_state(env: DexEnv, side: str) -> torch.Tensor:
    """(N, 13): wrist position, quaternion, linear and angular velocity."""
    h = env.hands[side]
    return h.memo("wrist_state", None, lambda: torch.cat([h.wrist_pos, h.wrist_quat, h.wrist_lin_vel, h.wrist_ang_vel], -1))


# ------------------------------------------------------------------ next-frame hand targets


def next_wrist_delta(env: DexEnv, side: str) -> torch.Tensor:
    """(N, 13): next-frame reference minus current wrist position, quaternion difference q_ref·q⁻¹,
    linear and angular velocity differences."""
    cmd, h = reference_motion(env), env.hands[side]

    def compute():
        dq = math_utils.quat_mul(cmd.ref(cmd.wrist_quat, side), math_utils.quat_conjugate(h.wrist_quat))
        return torch.cat([cmd.ref(cmd.wrist_pos, side) - h.wrist_pos, dq,
                          cmd.ref(cmd.wrist_lin_vel, side) - h.wrist_lin_vel,
                          cmd.ref(cmd.wrist_ang_vel, side) - h.wrist_ang_vel], dim=-1)
    return h.memo("next_wrist_delta", cmd.version, compute)


def next_joint_delta(env: DexEnv, side: str) -> torch.Tensor:
    """(N, 2J): next-frame reference minus current joint positions and velocities."""
    cmd, h = reference_motion(env), env.hands[side]
    d = h.robot.data
    return h.memo("next_joint_delta", cmd.version, lambda: torch.cat(
        [cmd.ref(cmd.joint_pos, side) - d.joint_pos.torch, cmd.ref(cmd.joint_vel, side) - d.joint_vel.torch], dim=-1))


def next_keypoint_delta(env: DexEnv, side: str) -> torch.Tensor:
    """(N, 63): next-frame reference minus current robot keypoints, flattened."""
    cmd, h = reference_motion(env), env.hands[side]
    return h.memo("next_keypoint_delta", cmd.version, lambda: (cmd.ref(cmd.keypoints, side) - h.keypoints).flatten(1))


# ------------------------------------------------------------------ objects (privileged)


def object_state_in_wrist_frame(env: DexEnv, side: str, index: int) -> torch.Tensor:
    """(N, 13): object position and orientation in the wrist frame, linear/angular velocity (world)."""
    obj = env.scene[f"object_{index}"].data
    h = env.hands[side]
    pos_b, quat_b = math_utils.subtract_frame_transforms(h.wrist_pos, h.wrist_quat,
                                                         obj.root_pos_w.torch - env.scene.env_origins,
                                                         obj.root_quat_w.torch)
    return torch.cat([pos_b, quat_b, obj.root_lin_vel_w.torch, obj.root_ang_vel_w.torch], dim=-1)


def object_mass_com(env: DexEnv, index: int) -> torch.Tensor:
    """(N, 4): object mass [kg] and centre of mass in its body frame [m]."""
    obj = env.scene[f"object_{index}"]
    return torch.cat([obj.data.body_mass.torch[:, 0:1], obj.data.body_com_pos_b.torch[:, 0]], dim=-1)


def next_object_delta(env: DexEnv, index: int) -> torch.Tensor:
    """(N, 13): next-frame reference minus current object position, quaternion difference, velocity differences."""
    cmd = reference_motion(env)
    o = env.scene[f"object_{index}"].data
    ref = cmd.ref(cmd.object_pose[index])
    dq = math_utils.quat_mul(ref[:, 3:], math_utils.quat_conjugate(o.root_quat_w.torch))
    return torch.cat([ref[:, :3] - (o.root_pos_w.torch - env.scene.env_origins), dq,
                      cmd.ref(cmd.object_lin_vel[index]) - o.root_lin_vel_w.torch,
                      cmd.ref(cmd.object_ang_vel[index]) - o.root_ang_vel_w.torch], dim=-1)


def object_to_keypoint_distances(env: DexEnv, side: str, index: int) -> torch.Tensor:
    """(N, 21): distance [m] from the object origin to each current hand keypoint."""
    o = env.scene[f"object_{index}"].data.root_pos_w.torch - env.scene.env_origins
    return (env.hands[side].keypoints - o[:, None]).norm(dim=-1)


def reference_tip_to_object_distances(env: DexEnv, side: str, index: int) -> torch.Tensor:
    """(N, 5): next-frame reference distances [m] from the fingertips to the object origin."""
    cmd = reference_motion(env)
    kp = cmd.ref(cmd.keypoints, side)[:, list(FINGERTIP_KEYPOINT_IDS)]
    return (kp - cmd.ref(cmd.object_pose[index])[:, None, :3]).norm(dim=-1)


def fingertip_contacts(env: DexEnv, side: str, contact_distance: float) -> torch.Tensor:
    """(N, 5) 1.0 where a fingertip keypoint of hand ``side`` is within ``contact_distance`` [m] of its env's object's
    surface (0 for a fingertip the hand does not map); tasks with an object bank."""
    h = env.hands[side]
    ids = list(FINGERTIP_KEYPOINT_IDS)
    return ((env.object_bank.surface_distance(h.keypoints[:, ids]) < contact_distance) & h.keypoint_mask[ids]).float()


def fingertip_forces(env: DexEnv, side: str, sensor_name: str) -> torch.Tensor:
    """(N, 15): net contact force [N] on each fingertip (world frame), thumb first (privileged)."""
    cols = env.hands[side].contact_columns(sensor_name)
    return env.scene[sensor_name].data.net_forces_w.torch[:, cols].flatten(1)


def imitator_action(env: DexEnv, side: str) -> torch.Tensor:
    """(N, A): the frozen imitator's action for the current state (what the residual is added to)."""
    return env.action_manager.get_term(f"hand_{side}").imitator_action()


def _fibonacci_sphere(n: int, radius: float) -> np.ndarray:
    """(n, 3) near-uniform, deterministic points on a sphere of ``radius`` [m]."""
    k = np.arange(n) + 0.5
    phi, z = np.pi * (3 - np.sqrt(5)) * k, 1 - 2 * k / n
    return radius * np.stack([np.sqrt(1 - z * z) * np.cos(phi), np.sqrt(1 - z * z) * np.sin(phi), z], 1)


class object_shape_code(ManagerTermBase):
    """(N, num_points): basis-point-set code of object ``index`` — signed distances [m] from ``num_points``
    points on a sphere of ``radius`` around the object origin to its surface, in the object frame. Constant per
    task (every env holds the clips' object), so it is computed once."""

    def __init__(self, cfg: ObservationTermCfg, env: DexEnv):
        super().__init__(cfg, env)
        o = reference_motion(env).clips[0].objects[cfg.params["index"]]
        pts = _fibonacci_sphere(cfg.params["num_points"], cfg.params["radius"])
        self._code = torch.tensor(sdf_local(o.shape, o.dims, pts), dtype=torch.float32, device=env.device)

    def __call__(self, env: DexEnv, index: int, num_points: int = 128, radius: float = 0.2) -> torch.Tensor:
        return self._code.expand(env.num_envs, -1)


class object_point_cloud(ManagerTermBase):
    """(N, num_points · 3): points on object ``index``'s surface in the env frame [m] (a depth camera's view of
    the object, without occlusion): sampled once in the object frame (seeded), moved by its pose each step."""

    def __init__(self, cfg: ObservationTermCfg, env: DexEnv):
        super().__init__(cfg, env)
        index, n = cfg.params["index"], cfg.params["num_points"]
        o = reference_motion(env).clips[0].objects[index]
        rng = np.random.default_rng(index)
        # project random directions onto the surface by bisection along the ray from the origin
        d = rng.normal(size=(n, 3))
        d /= np.linalg.norm(d, axis=1, keepdims=True)
        lo, hi = np.zeros(n), np.full(n, 1.0)
        for _ in range(40):
            mid = (lo + hi) / 2
            inside = sdf_local(o.shape, o.dims, d * mid[:, None]) < 0
            lo, hi = np.where(inside, mid, lo), np.where(inside, hi, mid)
        self._points = torch.tensor(d * lo[:, None], dtype=torch.float32, device=env.device)

    def __call__(self, env: DexEnv, index: int, num_points: int = 128) -> torch.Tensor:
        obj = env.scene[f"object_{index}"].data
        q = obj.root_quat_w.torch[:, None].expand(-1, self._points.shape[0], -1)
        world = math_utils.quat_apply(q, self._points.expand(env.num_envs, -1, -1))
        return (world + (obj.root_pos_w.torch - env.scene.env_origins)[:, None]).flatten(1)


# ------------------------------------------------------------------ object-diverse scenes (env.object_bank)

class object_bank_shape_code(ManagerTermBase):
    """(N, D): the shape code of each env's object (ResDex's c^ω: the PointNet code of :mod:`dex_more.objects.shape_code`),
    read once from the object set's ``shape_codes.npz`` and looked up by the object each env holds."""

    def __init__(self, cfg: ObservationTermCfg, env: DexEnv):
        from dex_more.objects.shape_code import CODES_FILE, load_shape_codes

        super().__init__(cfg, env)
        bank = env.object_bank
        codes = load_shape_codes(bank.cfg.object_set)
        row = {n: i for i, n in enumerate(codes["names"].tolist())}
        missing = [o.name for o in bank.objects if o.name not in row]
        if missing:
            raise ValueError(f"{bank.cfg.object_set}/{CODES_FILE} has no code for {missing[:5]}; rebuild it with "
                             f"scripts/make_shape_codes.py --objects {bank.cfg.object_set}")
        self._codes = torch.tensor(codes["codes"][[row[o.name] for o in bank.objects]], device=env.device)

    def __call__(self, env: DexEnv) -> torch.Tensor:
        return self._codes[env.object_bank.object_ids]


class object_bank_point_cloud(ManagerTermBase):
    """(N, num_points · 3): points on each env's object's surface in the env frame [m] (a depth camera's view without
    occlusion): ``num_points`` of the object set's stored surface samples per object (a seeded choice), moved by the
    object's pose each step."""

    def __init__(self, cfg: ObservationTermCfg, env: DexEnv):
        super().__init__(cfg, env)
        n, rng = cfg.params.get("num_points", 512), np.random.default_rng(cfg.params.get("seed", 0))
        points = []
        for obj in env.object_bank.objects:
            replace = len(obj.points) < n
            points.append(obj.points[rng.choice(len(obj.points), n, replace=replace)])
        self._points = torch.tensor(np.stack(points), dtype=torch.float32, device=env.device)

    def __call__(self, env: DexEnv, num_points: int = 512, seed: int = 0,
                 asset_cfg: SceneEntityCfg = SceneEntityCfg("object")) -> torch.Tensor:
        obj = env.scene[asset_cfg.name].data
        local = self._points[env.object_bank.object_ids]
        q = obj.root_quat_w.torch[:, None].expand(-1, local.shape[1], -1)
        world = math_utils.quat_apply(q, local) + (obj.root_pos_w.torch - env.scene.env_origins)[:, None]
        return world.flatten(1)
