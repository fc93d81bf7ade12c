"""HOT's skills as synthetic demonstrations: the procedural human hand of :mod:`.synthetic` grasps, moves, places,
regrasps, rotates, catches, throws and carries (freemove) objects of an object set, at 60 Hz.

A clip is choreographed as a sequence of segments (the hand moving, the fingers closing or opening) while the object
is in one of three states: **resting** (static), **held** (rigid in the wrist frame, from the frame the fingers have
closed on it to the frame they start to open) or **in flight** (ballistic: p(t) = p₀ + v₀t − ½gt²ẑ, constant angular
velocity). :func:`plausibility` measures what makes a clip physically plausible and every clip is checked before it is
returned: no hand point deeper than :data:`MAX_PENETRATION` in the object, nothing below the table.

Every clip is exactly as long as its skill's test episode (:data:`TEST_EPISODE_LENGTH`, HOT's table). Frames: world
z up, the table top at :data:`~dex_more.assets.scene.TABLE_HEIGHT`, the object resting at the origin of the x-y plane
at the start; the hand frame as in :mod:`.synthetic` (x along the fingers, palm facing −z).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import torch
from scipy.spatial.transform import Rotation

from ..assets import mano_hand
from ..assets.scene import TABLE_HEIGHT
from ..objects.geometry import hull_planes, parts_signed_distance
from ..objects.object_set import ObjectAsset
from ..paths import DATA_DIR
from .loaders import HOT_SKILL_LABELS
from .reference_motion import HandTrack, ObjectTrack, ReferenceMotion
from .synthetic import CONTACT, FPS, TIP_RADII, HumanHand, close_fingers

GRAVITY = 9.81
"""[m/s²] along −z."""
TEST_EPISODE_LENGTH = {"grasp": 180, "move": 120, "place": 220, "regrasp": 180, "rotate": 120, "catch": 100,
                       "throw": 50, "freemove": 120}
"""HOT's test episode length [frames at 60 Hz] of each skill; a clip of the skill has exactly this many frames."""
OBJECT_SET_SHAPE = "object_set"
""":attr:`ObjectTrack.shape` of an object of an object set: the task finds it by :attr:`ObjectTrack.name` in the
object set it is configured with (dims = (scale,))."""
MAX_PENETRATION = 0.003
"""Deepest a hand point may be inside the object, or the object or hand below the table top [m]."""
PALM_CLEARANCE = mano_hand.PALM_RADIUS
"""Height [m] of the palm's mid-plane above the object's top surface at a grasp: the palm's skin touches it."""
PREGRASP_HEIGHT = 0.08
"""Distance [m] of the pre-grasp above the grasp, along the back of the hand."""
_PALM_CENTRE = np.array([0.06, 0.0, 0.0])
_PALM_GRID = np.array([[x, y, 0.0] for x in np.linspace(0.0, 0.09, 7) for y in np.linspace(-0.035, 0.035, 5)])
"""Points of the palm (hand frame) checked for penetration beside the finger samples."""
_SKIN_RADII = np.concatenate([HumanHand.finger_radii(f) for f in range(5)] + [np.full(len(_PALM_GRID), PALM_CLEARANCE)])
"""How far the skin lies from each checked point [m]: the finger capsules' radii, the palm's half thickness."""


class SolidObject:
    """Signed distances to an :class:`ObjectAsset` (the union of its convex collision parts) at a pose."""

    def __init__(self, obj: ObjectAsset):
        self.asset = obj
        self.planes = hull_planes([v for v, _ in obj.parts], dtype=torch.float64)
        self.vertices = np.concatenate([v for v, _ in obj.parts]).astype(np.float64)

    def sdf(self, pose: np.ndarray, points: np.ndarray) -> np.ndarray:
        """Signed distance [m] of world ``points`` (n, 3) with the object at ``pose`` (7,) (< 0 inside; exact inside,
        a lower bound outside near edges)."""
        local = Rotation.from_quat(pose[3:]).inv().apply(np.asarray(points, dtype=np.float64) - pose[:3])
        return parts_signed_distance(torch.from_numpy(local), self.planes).numpy()

    def lowest_z(self, pose: np.ndarray) -> float:
        """World height [m] of the object's lowest point at ``pose``."""
        return float((Rotation.from_quat(pose[3:]).apply(self.vertices)[:, 2] + pose[2]).min())

    def top_z(self, pose: np.ndarray, x: float, y: float) -> float:
        """World height [m] of the object's top surface (at ``pose``) above the world point (x, y)."""
        reach = np.linalg.norm(self.vertices, axis=1).max()
        zs = np.linspace(pose[2] + reach + 0.01, pose[2] - reach, 400)
        column = lambda z: np.stack([np.full_like(z, x), np.full_like(z, y), z], axis=1)  # noqa: E731
        inside = np.flatnonzero(self.sdf(pose, column(zs)) <= 0)
        if not len(inside):
            raise ValueError(f"{self.asset.name}: no surface above ({x:.3f}, {y:.3f})")
        a, b = zs[inside[0] - 1], zs[inside[0]]  # a outside, b inside
        for _ in range(30):
            m = (a + b) / 2
            if self.sdf(pose, column(np.array([m])))[0] <= 0:
                b = m
            else:
                a = m
        return float(b)


@dataclass
class GraspSite:
    """Where the palm goes on an object: the point (x, y) [m] under the palm, relative to the object's origin in a
    frame that turns with the object about the vertical, and the fingers' yaw [rad] in that frame (0: along x)."""

    x: float = 0.0
    y: float = 0.0
    yaw: float = 0.0
    reach: float = 0.0
    """How far [m] along the fingers the point lies ahead of the palm centre: a thin handle is gripped under the
    finger bases, where the fingers curl down around it before they meet the table."""


class _Choreography:
    """The clip being built: hand and object state, frames emitted so far (see the module docstring)."""

    def __init__(self, solid: SolidObject, obj_pose: np.ndarray):
        self.solid, self.hand = solid, HumanHand()
        self.obj = np.asarray(obj_pose, dtype=float)
        self.wp, self.wq, self.c = np.zeros(3), np.array([0.0, 0.0, 0.0, 1.0]), np.zeros(5)
        self.mode, self.rel, self.flight = "rest", None, None
        self.frames: list[tuple[np.ndarray, ...]] = []

    # ------------------------------------------------------------------ state
    def grasp_pose(self, site: GraspSite, obj_pose: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Wrist pose putting the palm centre :data:`PALM_CLEARANCE` above the top at ``site``, palm down."""
        pose = self.obj if obj_pose is None else obj_pose
        heading = _heading(Rotation.from_quat(pose[3:]))
        xy = pose[:3] + heading.apply([site.x, site.y, 0.0])
        top = np.array([xy[0], xy[1], self.solid.top_z(pose, xy[0], xy[1]) + PALM_CLEARANCE])
        quat = (heading * Rotation.from_euler("z", site.yaw)).as_quat()
        palm = _PALM_CENTRE + np.array([site.reach, 0.0, 0.0])
        return top - Rotation.from_quat(quat).apply(palm), quat

    def place_hand(self, pos, quat, closure=None):
        self.wp, self.wq = np.asarray(pos, float), np.asarray(quat, float)
        if closure is not None:
            self.c = np.asarray(closure, float)

    def emit(self):
        self._update_object()
        self.frames.append((self.wp.copy(), self.wq.copy(), self.c.copy(), self.obj.copy()))

    def _update_object(self):
        if self.mode == "held":
            R_w = Rotation.from_quat(self.wq)
            self.obj = np.concatenate([self.wp + R_w.apply(self.rel[1]), (R_w * self.rel[0]).as_quat()])
        elif self.mode == "flight":
            p0, v0, w0, q0, k0 = self.flight
            t = (len(self.frames) - k0) / FPS
            pos = p0 + v0 * t - 0.5 * GRAVITY * t * t * np.array([0.0, 0.0, 1.0])
            self.obj = np.concatenate([pos, (Rotation.from_rotvec(w0 * t) * Rotation.from_quat(q0)).as_quat()])

    # ------------------------------------------------------------------ segments
    def go(self, n: int, pos=None, quat=None, closure=None, pivot=None):
        """``n`` frames easing (smoothstep) from the current hand to the targets; ``pivot``: the wrist turns about
        this world point (a rotation of the held object about its centre) instead of its own origin."""
        p0, q0, c0 = self.wp, Rotation.from_quat(self.wq), self.c
        p1 = p0 if pos is None else np.asarray(pos, float)
        q1 = q0 if quat is None else Rotation.from_quat(quat)
        c1 = c0 if closure is None else np.asarray(closure, float)
        turn = (q1 * q0.inv()).as_rotvec()
        for s in _smoothstep(n + 1)[1:]:
            R = Rotation.from_rotvec(s * turn)
            if pivot is None:
                wp = p0 + s * (p1 - p0)
            else:  # rotate about the pivot, then translate: the end pose is p1 when p1 = pivot + R(p0 - pivot) + shift
                wp = pivot + R.apply(p0 - pivot) + s * (p1 - (pivot + Rotation.from_rotvec(turn).apply(p0 - pivot)))
            self.place_hand(wp, (R * q0).as_quat(), c0 + s * (c1 - c0))
            self.emit()

    def follow(self, positions: np.ndarray, closures: np.ndarray | None = None):
        """One frame per row of ``positions`` (wrist [m]), orientation unchanged; closures per frame if given."""
        for k, p in enumerate(positions):
            self.place_hand(p, self.wq, None if closures is None else closures[k])
            self.emit()

    def close_on_object(self) -> np.ndarray:
        """The closure at which every finger touches the object (thumb and two fingers at least)."""
        # the fingers stop at the object or at the table top, whichever they meet first
        g = close_fingers(self.hand, self.wp, self.wq,
                          lambda pts: np.minimum(self.solid.sdf(self.obj, pts), pts[:, 2] - TABLE_HEIGHT))
        R = Rotation.from_quat(self.wq)
        skin = [R.apply(self.hand.finger_samples(g.closure, f, skin=True)) + self.wp for f in range(5)]
        touching = np.array([(self.solid.sdf(self.obj, skin[f]) - self.hand.finger_radii(f)).min() < CONTACT
                             for f in range(5)])
        if not touching[0] or touching.sum() < 3:
            raise ValueError(f"{self.solid.asset.name}: the grasp touches the object with {touching.tolist()} "
                             "(thumb … pinky); it needs the thumb and two fingers")
        return g.closure

    def attach(self):
        R_w = Rotation.from_quat(self.wq)
        self.rel = (R_w.inv() * Rotation.from_quat(self.obj[3:]), R_w.inv().apply(self.obj[:3] - self.wp))
        self.mode = "held"

    def launch(self, velocity: np.ndarray, angular_velocity: np.ndarray = np.zeros(3)):
        """Free flight from the current object pose (the last frame) with ``velocity`` [m/s]."""
        self.flight = (self.obj[:3].copy(), np.asarray(velocity, float), np.asarray(angular_velocity, float),
                       self.obj[3:].copy(), len(self.frames) - 1)
        self.mode = "flight"

    def rest(self):
        self.mode = "rest"


def _heading(R: Rotation) -> Rotation:
    """The rotation about the vertical that an object turned by ``R`` faces: the horizontal direction of its x axis
    (of its y axis, turned back by 90°, when x points up or down)."""
    x, y = R.apply([1.0, 0.0, 0.0]), R.apply([0.0, 1.0, 0.0])
    yaw = np.arctan2(x[1], x[0]) if np.hypot(x[0], x[1]) > 0.1 else np.arctan2(y[1], y[0]) - np.pi / 2
    return Rotation.from_euler("z", yaw)


def _smoothstep(n: int) -> np.ndarray:
    s = np.linspace(0.0, 1.0, n)
    return s * s * (3 - 2 * s)


def _resting_pose(solid: SolidObject, quat: np.ndarray) -> np.ndarray:
    """The object at the x-y origin, turned by ``quat``, its lowest point on the table."""
    pose = np.concatenate([[0.0, 0.0, 0.0], quat])
    pose[2] = TABLE_HEIGHT - solid.lowest_z(pose)
    return pose


def _lift(ch: _Choreography, n: int, height: float):
    ch.go(n, pos=ch.wp + np.array([0.0, 0.0, height]))


def _approach_and_grasp(ch: _Choreography, site: GraspSite, n_approach: int, n_close: int):
    """From the pre-grasp above ``site`` (one frame) down to the grasp, then close and hold."""
    g_pos, g_quat = ch.grasp_pose(site)
    back = Rotation.from_quat(g_quat).apply([0.0, 0.0, 1.0])
    ch.place_hand(g_pos + PREGRASP_HEIGHT * back, g_quat, np.zeros(5))
    ch.emit()
    ch.go(n_approach, pos=g_pos)
    ch.go(n_close, closure=ch.close_on_object())
    ch.attach()


def _start_held(ch: _Choreography, site: GraspSite, height: float):
    """The first frame: the object held ``height`` [m] above where it rested (the grasp made there)."""
    ch.obj = ch.obj + np.array([0.0, 0.0, height, 0.0, 0.0, 0.0, 0.0])
    g_pos, g_quat = ch.grasp_pose(site)
    ch.place_hand(g_pos, g_quat)
    ch.c = ch.close_on_object()
    ch.attach()
    ch.emit()


def _release_and_retreat(ch: _Choreography, n_open: int, n_retreat: int, distance: float = PREGRASP_HEIGHT):
    ch.rest()
    ch.go(n_open, closure=np.zeros(5))
    ch.go(n_retreat, pos=ch.wp + distance * Rotation.from_quat(ch.wq).apply([0.0, 0.0, 1.0]))


def _constant_acceleration(p0: np.ndarray, v0: np.ndarray, v1: np.ndarray, n: int) -> np.ndarray:
    """``n`` wrist positions (frames 1..n) going from velocity v0 to v1 [m/s] at constant acceleration."""
    t = np.arange(1, n + 1)[:, None] / FPS
    a = (v1 - v0) / (n / FPS)
    return p0 + v0 * t + 0.5 * a * t * t


def skill_clip(skill: str, obj: ObjectAsset, site: GraspSite, rng: np.random.Generator, name: str | None = None,
               rest_quat=(0.0, 0.0, 0.0, 1.0)) -> ReferenceMotion:
    """One right-hand clip of ``skill`` on ``obj`` (grasped at ``site``), :data:`TEST_EPISODE_LENGTH` frames long;
    the random parts (directions, distances, angles) drawn from ``rng``. The object starts (or, thrown and caught,
    would rest) turned by ``rest_quat`` (x, y, z, w) from its object frame, on the table. Raises ValueError when the
    grasp does not hold or the clip would not be plausible (:func:`plausibility`)."""
    if skill not in TEST_EPISODE_LENGTH:
        raise ValueError(f"unknown skill '{skill}'; HOT's skills: {list(TEST_EPISODE_LENGTH)}")
    solid = SolidObject(obj)
    ch = _Choreography(solid, _resting_pose(solid, np.asarray(rest_quat, float)))
    heading = rng.uniform(-np.pi, np.pi)
    shift = rng.uniform(0.08, 0.14) * np.array([np.cos(heading), np.sin(heading), 0.0])
    if skill == "grasp":
        _approach_and_grasp(ch, site, 50, 30)
        _lift(ch, 40, rng.uniform(0.10, 0.14))
        ch.go(59)
    elif skill == "move":
        _approach_and_grasp(ch, site, 25, 15)
        _lift(ch, 25, 0.10)
        ch.go(54, pos=ch.wp + shift)
    elif skill == "place":
        _approach_and_grasp(ch, site, 35, 20)
        lift = rng.uniform(0.08, 0.12)
        _lift(ch, 30, lift)
        ch.go(45, pos=ch.wp + shift)
        ch.go(35, pos=ch.wp - np.array([0.0, 0.0, lift]))
        _release_and_retreat(ch, 20, 34)
    elif skill == "regrasp":
        _approach_and_grasp(ch, site, 25, 15)
        _lift(ch, 20, 0.08)
        ch.go(20, pos=ch.wp - np.array([0.0, 0.0, 0.08]))
        _release_and_retreat(ch, 12, 15, distance=0.06)
        other = GraspSite(site.x, site.y, site.yaw + np.pi)  # the same place from the other side
        g_pos, g_quat = ch.grasp_pose(other)
        ch.go(25, pos=g_pos + np.array([0.0, 0.0, 0.06]), quat=g_quat)
        ch.go(15, pos=g_pos)
        ch.go(15, closure=ch.close_on_object())
        ch.attach()
        _lift(ch, 17, 0.10)
    elif skill == "rotate":
        _approach_and_grasp(ch, site, 25, 15)
        _lift(ch, 20, 0.10)
        yaw = rng.choice([-1.0, 1.0]) * rng.uniform(np.pi / 3, np.pi / 2)
        turn = Rotation.from_euler("z", yaw)
        centre = ch.obj[:3]
        ch.go(59, pos=centre + turn.apply(ch.wp - centre), quat=(turn * Rotation.from_quat(ch.wq)).as_quat(),
              pivot=centre)
    elif skill == "catch":
        _catch(ch, site, rng)
    elif skill == "throw":
        _start_held(ch, site, 0.20)
        ch.go(4)
        direction = np.array([np.cos(site.yaw), np.sin(site.yaw), 0.0])  # forward: along the fingers
        v = rng.uniform(1.0, 1.4) * direction + np.array([0.0, 0.0, rng.uniform(2.2, 2.5)])
        ch.follow(_constant_acceleration(ch.wp, np.zeros(3), v, 12))
        # the object leaves with the hand's velocity; the hand keeps it while the fingers open
        ch.launch(v)
        opening = ch.c[None] * (1.0 - _smoothstep(5)[1:, None])
        ch.follow(_constant_acceleration(ch.wp, v, v, 4), closures=opening)
        ch.follow(_constant_acceleration(ch.wp, v, np.zeros(3), 18))
        ch.go(11)
    elif skill == "freemove":
        _start_held(ch, site, 0.15)
        start_p, start_q, centre = ch.wp.copy(), Rotation.from_quat(ch.wq), ch.obj[:3].copy()
        amp = rng.uniform(0.04, 0.08, 3) * np.array([1.0, 1.0, 0.6])
        angles = rng.uniform(0.25, 0.45, 3) * rng.choice([-1.0, 1.0], 3)
        s = _smoothstep(120)[1:]
        for k in range(119):
            phase = np.sin(np.pi * s[k]) * np.array([1.0, np.sin(np.pi * s[k]), 1.0])
            R = Rotation.from_rotvec(angles * np.sin(2 * np.pi * s[k]) * 0.5)
            offset = amp * phase * np.array([np.cos(heading), np.sin(heading), 1.0])
            ch.place_hand(centre + offset + R.apply(start_p - centre), (R * start_q).as_quat())
            ch.emit()
    motion = _to_motion(ch, obj, skill, name or f"{skill}_{obj.name}")
    report = plausibility(motion, obj)
    if report["penetration"] > MAX_PENETRATION or report["below_table"] > MAX_PENETRATION:
        raise ValueError(f"{motion.name}: not plausible ({report})")
    return motion


def _catch(ch: _Choreography, site: GraspSite, rng: np.random.Generator):
    """The object flies in under the open hand (ballistic, tossed from the side: its apex at the grasp at frame 12,
    moving toward the wrist); the hand catches it there, closes and gives way with it, then sets it down."""
    n_flight, n_give, t_c = 13, 20, 12 / FPS
    up = np.array([0.0, 0.0, 1.0])
    apex = ch.obj.copy()
    apex[2] += rng.uniform(0.24, 0.28)
    g_pos, g_quat = ch.grasp_pose(site, apex)
    toward_wrist = -Rotation.from_quat(g_quat).apply([1.0, 0.0, 0.0])
    toward_wrist[2] = 0.0
    v_c = rng.uniform(0.8, 1.1) * toward_wrist / np.linalg.norm(toward_wrist)
    # the flight, written backwards from its apex: p(t) = p0 + v0 t - g t^2 / 2, horizontal velocity v_c at t_c
    ch.flight = (apex[:3] - v_c * t_c - 0.5 * GRAVITY * t_c * t_c * up, v_c + GRAVITY * t_c * up, np.zeros(3),
                 apex[3:].copy(), 0)
    ch.mode = "flight"
    ch.place_hand(g_pos, g_quat, np.zeros(5))
    for _ in range(n_flight):
        ch.emit()
    closure = ch.close_on_object()
    ch.attach()
    speeds = np.linspace(1.0, 0.0, n_give + 1)[1:, None] * v_c  # the hand gives way, slowing linearly to rest
    positions = ch.wp + np.cumsum(speeds, axis=0) / FPS
    ch.follow(positions, closures=np.minimum(1.0, np.arange(1, n_give + 1) / 8.0)[:, None] * closure)
    ch.go(35, pos=ch.wp - np.array([0.0, 0.0, ch.solid.lowest_z(ch.obj) - TABLE_HEIGHT]))  # set it down
    _release_and_retreat(ch, 15, 17)


def _to_motion(ch: _Choreography, obj: ObjectAsset, skill: str, name: str) -> ReferenceMotion:
    wrist_p, wrist_q, closure, pose = (np.stack(x) for x in zip(*ch.frames))
    if len(wrist_p) != TEST_EPISODE_LENGTH[skill]:
        raise AssertionError(f"{name}: {len(wrist_p)} frames, not {TEST_EPISODE_LENGTH[skill]}")
    local = np.stack([ch.hand.local_keypoints(c) for c in closure])
    kps = np.einsum("tij,tkj->tki", Rotation.from_quat(wrist_q).as_matrix(), local) + wrist_p[:, None]
    pads = np.einsum("tij,tkj->tki", Rotation.from_quat(wrist_q).as_matrix(),
                     np.stack([ch.hand.pad_centres(c) for c in closure])) + wrist_p[:, None]
    pad_sdf = np.stack([ch.solid.sdf(pose[t], pads[t]) for t in range(len(pose))])
    hand = HandTrack(wrist_pos=wrist_p, wrist_quat=wrist_q, keypoints=kps, contacts=pad_sdf - TIP_RADII < CONTACT)
    track = ObjectTrack(pose=pose, shape=OBJECT_SET_SHAPE, dims=(1.0,), name=obj.name, mass=float(obj.mass))
    motion = ReferenceMotion(fps=FPS, hands={"right": hand}, objects=[track], skill=skill, name=name).validate()
    motion.closure = closure  # the synthetic hand's finger closures (not saved): for the checks and HOT's format
    return motion


def plausibility(motion: ReferenceMotion, obj: ObjectAsset) -> dict[str, float]:
    """Measures of a right-hand clip of ``obj`` [m]: ``penetration``, the deepest the hand's skin (finger capsules and
    palm, with the synthetic clip's closures; else its keypoints) is inside the object; ``below_table``, how far the
    object or the hand reaches below the table top."""
    hand, solid = HumanHand(), SolidObject(obj)
    track, pose = motion.hands["right"], motion.objects[0].pose
    closure = getattr(motion, "closure", None)
    deepest, below = 0.0, 0.0
    for t in range(motion.num_frames):
        R = Rotation.from_quat(track.wrist_quat[t])
        if closure is not None:
            local = np.concatenate([hand.finger_samples(closure[t], f, skin=True) for f in range(5)] + [_PALM_GRID])
            points = R.apply(local) + track.wrist_pos[t]
            radii = _SKIN_RADII
        else:
            points, radii = track.keypoints[t], 0.0
        deepest = max(deepest, float((radii - solid.sdf(pose[t], points)).max()))
        below = max(below, TABLE_HEIGHT - solid.lowest_z(pose[t]), TABLE_HEIGHT - float((points[:, 2] - radii).min()))
    return {"penetration": max(deepest, 0.0), "below_table": max(below, 0.0)}


HOT_DIR = os.path.join(DATA_DIR, "hot")
HOT_OBJECT_SET = os.path.join(HOT_DIR, "objects")
"""The objects of the bundled HOT clips (an object set: ``manifest.json`` + ``geometry.npz``)."""
HOT_MANIFEST = os.path.join(HOT_DIR, "demos", "manifest.json")
"""The bundled HOT clips (``scripts/make_hot_demos.py``)."""
HOT_SET_OBJECTS = ("bottle_01", "box_07", "cylinder_01")
"""Objects of the bundled object set among the HOT clips' objects (beside the tools of :data:`HOT_TOOLS`)."""
HOT_TOOLS = (("hammer", 0), ("sword", 0))
"""Tool-like objects built for the HOT clips: (family, index) of :func:`dex_more.objects.build.build_tool`."""
_FLAT = (0.0, 0.0, 0.0, 1.0)
_UPRIGHT = tuple(Rotation.from_euler("y", np.pi / 2).as_quat())  # a hammer standing on its head, handle up
_ACROSS = GraspSite(yaw=np.pi / 2)
_SWORD_GRIP = GraspSite(x=-0.07, yaw=np.pi / 2, reach=0.02)  # fingers around the grip, the palm clear of the guard
HOT_PLAN: dict[str, list[tuple[str, GraspSite, tuple]]] = {
    "grasp": [("hammer_00", GraspSite(), _UPRIGHT), ("bottle_01", _ACROSS, _FLAT)],
    "move": [("box_07", GraspSite(), _FLAT), ("cylinder_01", GraspSite(), _FLAT)],
    "place": [("hammer_00", GraspSite(), _UPRIGHT), ("box_07", GraspSite(), _FLAT)],
    "regrasp": [("bottle_01", _ACROSS, _FLAT), ("cylinder_01", GraspSite(), _FLAT)],
    "rotate": [("hammer_00", GraspSite(), _UPRIGHT), ("box_07", GraspSite(), _FLAT)],
    "catch": [("bottle_01", _ACROSS, _FLAT), ("cylinder_01", GraspSite(), _FLAT)],
    "throw": [("sword_00", _SWORD_GRIP, _FLAT), ("hammer_00", _ACROSS, _FLAT)],
    "freemove": [("sword_00", _SWORD_GRIP, _FLAT), ("bottle_01", _ACROSS, _FLAT)],
}
"""The bundled clips: per skill, (object, grasp site, resting orientation) of each clip. A flat sword or hammer is
grasped only in the air (a hand closing over it on the table meets the table first); the hammer stands on its head
for the skills that start on the table."""


def hot_objects(seed: int = 0) -> list[ObjectAsset]:
    """The objects of the bundled HOT clips: :data:`HOT_SET_OBJECTS` from the bundled object set and the tools."""
    from ..objects.build import build_tool
    from ..objects.object_set import load_object_set

    bundled = load_object_set()
    return [bundled[n] for n in HOT_SET_OBJECTS] + [build_tool(f, i, seed) for f, i in HOT_TOOLS]


def default_hot_clips(objects: list[ObjectAsset], seed: int = 0) -> list[ReferenceMotion]:
    """Every clip of :data:`HOT_PLAN` (deterministic by ``seed``), named ``<skill>_<object>``."""
    by_name = {o.name: o for o in objects}
    clips = []
    for skill, entries in HOT_PLAN.items():
        for k, (name, site, rest) in enumerate(entries):
            rng = np.random.default_rng([seed, HOT_SKILL_LABELS[skill], k])
            clips.append(skill_clip(skill, by_name[name], site, rng, name=f"{skill}_{name}", rest_quat=rest))
    return clips
