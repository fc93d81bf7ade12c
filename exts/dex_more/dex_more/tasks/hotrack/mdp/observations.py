"""Observation terms of HO tracking. Per hand, ``side`` selects ``robot_<side>``; positions are in the env
frame [m], quaternions (x, y, z, w), velocities [m/s, rad/s] in the world frame unless a term says
"wrist frame". Reference ("next frame") terms read the command ``motion`` at ``frame + 1``.
"""
from __future__ import annotations

import torch

import isaaclab.utils.math as math_utils

from dex_more.assets import get_hand
from dex_more.kinematics import keypoints_from_bodies


def _cmd(env):
    return env.command_manager.get_term("motion")


def _keypoint_index(env, side: str):
    """Body ids, offsets and the 21-slot layout of a hand's keypoints (cached on the env)."""
    cache = env.__dict__.setdefault("_dex_keypoint_index", {})
    if side not in cache:
        robot = env.scene[f"robot_{side}"]
        hand = get_hand(_cmd(env).cfg.hands[side])
        slots = [k for k, kp in enumerate(hand.keypoints) if kp is not None]
        ids = torch.tensor([robot.body_names.index(hand.keypoints[k].body) for k in slots], device=env.device)
        off = torch.tensor([hand.keypoints[k].offset for k in slots], device=env.device)
        root = robot.body_names.index(hand.root_body)
        cache[side] = (ids, off, torch.tensor(slots, device=env.device), root)
    return cache[side]


def hand_keypoints(env, side: str) -> torch.Tensor:
    """(N, 21, 3) robot-hand keypoints in the env frame; unmapped MANO keypoints stay at 0."""
    robot = env.scene[f"robot_{side}"]
    ids, off, slots, _ = _keypoint_index(env, side)
    kp = keypoints_from_bodies(robot.data.body_pos_w.torch[:, ids], robot.data.body_quat_w.torch[:, ids], off)
    out = torch.zeros(env.num_envs, 21, 3, device=env.device)
    out[:, slots] = kp - env.scene.env_origins[:, None]
    return out


def wrist_state(env, side: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pose (env frame) and velocity (world) of the hand's root body."""
    robot = env.scene[f"robot_{side}"]
    root = _keypoint_index(env, side)[3]
    d = robot.data
    return (d.body_pos_w.torch[:, root] - env.scene.env_origins, d.body_quat_w.torch[:, root],
            d.body_lin_vel_w.torch[:, root], d.body_ang_vel_w.torch[:, root])


# ------------------------------------------------------------------ proprioception


def hand_joint_pos(env, side: str) -> torch.Tensor:
    return env.scene[f"robot_{side}"].data.joint_pos.torch


def hand_joint_pos_cos_sin(env, side: str) -> torch.Tensor:
    q = env.scene[f"robot_{side}"].data.joint_pos.torch
    return torch.cat([torch.cos(q), torch.sin(q)], dim=-1)


def hand_joint_vel(env, side: str) -> torch.Tensor:
    return env.scene[f"robot_{side}"].data.joint_vel.torch


def hand_wrist_state(env, side: str) -> torch.Tensor:
    """(N, 13): wrist position, quaternion, linear and angular velocity."""
    return torch.cat(wrist_state(env, side), dim=-1)


# ------------------------------------------------------------------ next-frame hand targets


def next_wrist_delta(env, side: str) -> torch.Tensor:
    """(N, 13): next-frame reference minus current wrist position, quaternion difference q_ref·q⁻¹,
    linear and angular velocity differences."""
    cmd = _cmd(env)
    p, q, v, w = wrist_state(env, side)
    dq = math_utils.quat_mul(cmd.ref(cmd.wrist_quat, side), math_utils.quat_conjugate(q))
    return torch.cat([cmd.ref(cmd.wrist_pos, side) - p, dq, cmd.ref(cmd.wrist_lin_vel, side) - v,
                      cmd.ref(cmd.wrist_ang_vel, side) - w], dim=-1)


def next_joint_delta(env, side: str) -> torch.Tensor:
    """(N, 2J): next-frame reference minus current joint positions and velocities."""
    cmd = _cmd(env)
    d = env.scene[f"robot_{side}"].data
    return torch.cat([cmd.ref(cmd.joint_pos, side) - d.joint_pos.torch,
                      cmd.ref(cmd.joint_vel, side) - d.joint_vel.torch], dim=-1)


def next_keypoint_delta(env, side: str) -> torch.Tensor:
    """(N, 63): next-frame reference minus current robot keypoints, flattened."""
    cmd = _cmd(env)
    return (cmd.ref(cmd.keypoints, side) - hand_keypoints(env, side)).flatten(1)


# ------------------------------------------------------------------ objects (privileged)


def object_state_in_wrist_frame(env, side: str, index: int = 0) -> torch.Tensor:
    """(N, 13): object position and orientation in the wrist frame, linear/angular velocity (world)."""
    obj = env.scene[f"object_{index}"].data
    p, q, _, _ = wrist_state(env, side)
    pos_b, quat_b = math_utils.subtract_frame_transforms(p, q, obj.root_pos_w.torch - env.scene.env_origins,
                                                         obj.root_quat_w.torch)
    return torch.cat([pos_b, quat_b, obj.root_lin_vel_w.torch, obj.root_ang_vel_w.torch], dim=-1)


def object_mass_com(env, index: int = 0) -> torch.Tensor:
    """(N, 4): object mass [kg] and centre of mass in its body frame [m]."""
    obj = env.scene[f"object_{index}"]
    mass = obj.data.body_mass.torch[:, 0:1]
    com = obj.data.body_com_pos_b.torch[:, 0]
    return torch.cat([mass, com], dim=-1)


def next_object_delta(env, index: int = 0) -> torch.Tensor:
    """(N, 13): next-frame reference minus current object position, quaternion difference, velocity differences."""
    cmd = _cmd(env)
    o = env.scene[f"object_{index}"].data
    ref = cmd.ref(cmd.object_pose[index])
    dq = math_utils.quat_mul(ref[:, 3:], math_utils.quat_conjugate(o.root_quat_w.torch))
    return torch.cat([ref[:, :3] - (o.root_pos_w.torch - env.scene.env_origins), dq,
                      cmd.ref(cmd.object_lin_vel[index]) - o.root_lin_vel_w.torch,
                      cmd.ref(cmd.object_ang_vel[index]) - o.root_ang_vel_w.torch], dim=-1)


def object_to_keypoint_distances(env, side: str, index: int = 0) -> torch.Tensor:
    """(N, 21): distance [m] from the object origin to each current hand keypoint."""
    o = env.scene[f"object_{index}"].data.root_pos_w.torch - env.scene.env_origins
    return (hand_keypoints(env, side) - o[:, None]).norm(dim=-1)


def reference_tip_to_object_distances(env, side: str, index: int = 0) -> torch.Tensor:
    """(N, 5): next-frame reference distances [m] from the fingertips to the object origin."""
    cmd = _cmd(env)
    kp = cmd.ref(cmd.keypoints, side)[:, [4, 8, 12, 16, 20]]
    return (kp - cmd.ref(cmd.object_pose[index])[:, None, :3]).norm(dim=-1)


def object_shape_code(env, index: int = 0) -> torch.Tensor:
    """(N, 128): basis-point-set code — signed distances [m] from 128 points on a sphere (r = 0.2 m)
    around the object origin to its surface, in the object frame (constant per task)."""
    cache = env.__dict__.setdefault("_dex_shape_code", {})
    if index not in cache:
        import numpy as np

        from dex_more.motion.shapes import sdf_local

        clip = _cmd(env).clips[0].objects[index]
        k = np.arange(128) + 0.5  # Fibonacci sphere: near-uniform, deterministic
        phi, z = np.pi * (3 - np.sqrt(5)) * k, 1 - 2 * k / 128
        pts = 0.2 * np.stack([np.sqrt(1 - z * z) * np.cos(phi), np.sqrt(1 - z * z) * np.sin(phi), z], 1)
        code = torch.tensor(sdf_local(clip.shape, clip.dims, pts), dtype=torch.float32, device=env.device)
        cache[index] = code
    return cache[index].expand(env.num_envs, -1)


def progress(env) -> torch.Tensor:
    """(N, 1): fraction of the clip done."""
    return _cmd(env).command


def imitator_action(env, side: str) -> torch.Tensor:
    """(N, A): the frozen imitator's action for the current state (what the residual is added to)."""
    return env.action_manager.get_term(f"hand_{side}").imitator_action()


def object_point_cloud(env, index: int = 0, num_points: int = 128) -> torch.Tensor:
    """(N, num_points · 3): points on the object's surface in the env frame [m] (a depth camera's view of
    the object, without occlusion): sampled once in the object frame (seeded), moved by its pose."""
    cache = env.__dict__.setdefault("_dex_point_cloud", {})
    if index not in cache:
        import numpy as np

        from dex_more.motion.shapes import sdf_local

        o = _cmd(env).clips[0].objects[index]
        rng = np.random.default_rng(index)
        # project random directions onto the surface by bisection along the ray from the origin
        d = rng.normal(size=(num_points, 3))
        d /= np.linalg.norm(d, axis=1, keepdims=True)
        lo, hi = np.zeros(num_points), np.full(num_points, 1.0)
        for _ in range(40):
            mid = (lo + hi) / 2
            inside = sdf_local(o.shape, o.dims, d * mid[:, None]) < 0
            lo, hi = np.where(inside, mid, lo), np.where(inside, hi, mid)
        cache[index] = torch.tensor(d * lo[:, None], dtype=torch.float32, device=env.device)
    pts = cache[index]
    obj = env.scene[f"object_{index}"].data
    q = obj.root_quat_w.torch[:, None].expand(-1, pts.shape[0], -1)
    world = math_utils.quat_apply(q, pts.expand(env.num_envs, -1, -1))
    return (world + (obj.root_pos_w.torch - env.scene.env_origins)[:, None]).flatten(1)


def fingertip_forces(env, side: str) -> torch.Tensor:
    """(N, 15): net contact force [N] on each fingertip (world frame), thumb first (privileged)."""
    from .rewards import _tip_order

    f = env.scene[f"contacts_{side}"].data.net_forces_w.torch[:, _tip_order(env, side)]
    return f.flatten(1)
