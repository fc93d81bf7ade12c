"""``ReferenceMotion``: one hand–object clip, its derived quantities and its file format.

Conventions (every loader converts to these):

* time: ``fps`` frames per second, frame ``t`` at ``t / fps`` seconds;
* lengths in metres, in one **world frame** (z up) shared by hands and objects;
* quaternions (x, y, z, w) — Isaac Lab 3's order (``isaaclab.utils.math``);
* hands by side, ``"right"`` / ``"left"``; ``wrist_pos`` / ``wrist_quat`` is the pose of the MANO
  wrist (human clips) or of the robot hand's root body (robot-only clips);
* ``keypoints``: the 21 MANO keypoints in :data:`dex_more.mano.MANO_KEYPOINT_NAMES` order;
* ``joint_pos[robot]``: joint positions [rad or m] of a bundled robot hand, columns named by
  ``joint_names[robot]`` (the virtual wrist joints first), once retargeted;
* objects: ``pose`` (T, 7) = position + quaternion of the object frame, ``shape`` a primitive kind of
  :mod:`dex_more.assets.objects` (``dims`` its dimensions) or a mesh file (``dims`` = (scale,)).

File format (version :data:`FORMAT_VERSION`): a single ``.npz``; arrays under slash-separated keys
(``hands/right/wrist_pos``, ``hands/right/joint_pos/inspire_right``, ``objects/0/pose``, ...), plus
``meta``: a JSON string with ``format_version, name, fps, skill, hands, objects, joint_names``.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace

import numpy as np

from .errors import MotionFormatError
from .geometry import angular_velocity, linear_velocity, mirror_quat, quat_continuous, slerp

FORMAT_VERSION = 1
SIDES = ("right", "left")
NUM_KEYPOINTS = 21
NUM_FINGERTIPS = 5
UNIT_QUAT_TOL = 1e-3


@dataclass
class HandTrack:
    """One hand over T frames (see the module docstring for frames and units)."""

    wrist_pos: np.ndarray  # (T, 3)
    wrist_quat: np.ndarray  # (T, 4) x, y, z, w
    keypoints: np.ndarray | None = None  # (T, 21, 3)
    joint_pos: dict[str, np.ndarray] = field(default_factory=dict)  # robot -> (T, J)
    joint_names: dict[str, list[str]] = field(default_factory=dict)  # robot -> J names
    contacts: np.ndarray | None = None  # (T, 5) bool, thumb..pinky tip touching an object

    def map_frames(self, fn_pos, fn_quat, fn_discrete) -> "HandTrack":
        return HandTrack(
            wrist_pos=fn_pos(self.wrist_pos),
            wrist_quat=fn_quat(self.wrist_quat),
            keypoints=None if self.keypoints is None else fn_pos(self.keypoints),
            joint_pos={k: fn_pos(v) for k, v in self.joint_pos.items()},
            joint_names={k: list(v) for k, v in self.joint_names.items()},
            contacts=None if self.contacts is None else fn_discrete(self.contacts),
        )


@dataclass
class ObjectTrack:
    """One rigid object over T frames."""

    pose: np.ndarray  # (T, 7) position [m] + quaternion (x, y, z, w)
    shape: str  # primitive kind ("box", ...) or mesh path
    dims: tuple[float, ...] = ()
    name: str = ""
    mass: float | None = None  # [kg], when known


@dataclass
class ReferenceMotion:
    """One clip: hands by side, 0-2 objects, a skill label. Arrays are numpy, first axis = time."""

    fps: float
    hands: dict[str, HandTrack]
    objects: list[ObjectTrack] = field(default_factory=list)
    skill: str = ""
    name: str = ""
    source: str = "<memory>"  # where it was loaded from, for error messages

    # ------------------------------------------------------------------ basic facts
    @property
    def num_frames(self) -> int:
        return len(next(iter(self.hands.values())).wrist_pos) if self.hands else len(self.objects[0].pose)

    @property
    def duration(self) -> float:
        """Seconds from the first to the last frame."""
        return (self.num_frames - 1) / self.fps

    @property
    def sides(self) -> tuple[str, ...]:
        return tuple(s for s in SIDES if s in self.hands)

    # ------------------------------------------------------------------ validation
    def validate(self, min_frames: int = 2) -> "ReferenceMotion":
        """Check shapes, finiteness, unit quaternions, fps and length; raise :class:`MotionFormatError`."""
        src = self.source

        def check(arr, fld, shape, *, quat=False):
            if arr is None:
                return
            arr = np.asarray(arr)
            if arr.ndim != len(shape) or any(e is not None and a != e for a, e in zip(arr.shape, shape)):
                want = "(" + ", ".join("T" if e is None and i == 0 else str(e) for i, e in enumerate(shape)) + ")"
                raise MotionFormatError(src, fld, f"shape {tuple(arr.shape)}", f"shape {want} with T={T}")
            if not np.issubdtype(arr.dtype, np.number) and arr.dtype != bool:
                raise MotionFormatError(src, fld, f"dtype {arr.dtype}", "a numeric array")
            if arr.dtype != bool and not np.all(np.isfinite(arr)):
                bad = np.argwhere(~np.isfinite(arr))[0]
                raise MotionFormatError(src, fld, f"a non-finite value at index {tuple(int(i) for i in bad)}",
                                        "finite numbers only")
            if quat:
                n = np.linalg.norm(arr, axis=-1)
                worst = int(np.argmax(np.abs(n - 1)))
                if abs(n.flat[worst] - 1) > UNIT_QUAT_TOL:
                    raise MotionFormatError(src, fld, f"quaternion norm {n.flat[worst]:.4f} at frame {worst}",
                                            f"unit quaternions (|norm - 1| <= {UNIT_QUAT_TOL}; "
                                            "pass renormalize_quaternions=True to repair)")

        if not np.isfinite(self.fps) or self.fps <= 0:
            raise MotionFormatError(src, "fps", repr(self.fps), "a positive frame rate in Hz")
        if not self.hands and not self.objects:
            raise MotionFormatError(src, "hands", "no hands and no objects", "at least one hand or object")
        for s in self.hands:
            if s not in SIDES:
                raise MotionFormatError(src, "hands", f"side '{s}'", f"one of {SIDES}")
        T = self.num_frames
        if T < min_frames:
            raise MotionFormatError(src, "frames", f"{T} frames ({T / self.fps:.3f} s)",
                                    f"at least {min_frames} frames for this use")
        for s, h in self.hands.items():
            p = f"hands/{s}"
            check(h.wrist_pos, f"{p}/wrist_pos", (T, 3))
            check(h.wrist_quat, f"{p}/wrist_quat", (T, 4), quat=True)
            check(h.keypoints, f"{p}/keypoints", (T, NUM_KEYPOINTS, 3))
            check(h.contacts, f"{p}/contacts", (T, NUM_FINGERTIPS))
            for robot, q in h.joint_pos.items():
                names = h.joint_names.get(robot)
                if names is None:
                    raise MotionFormatError(src, f"{p}/joint_names/{robot}", "nothing", "one name per joint_pos column")
                check(q, f"{p}/joint_pos/{robot}", (T, len(names)))
        if len(self.objects) > 2:
            raise MotionFormatError(src, "objects", f"{len(self.objects)} objects", "0, 1 or 2 objects")
        for i, o in enumerate(self.objects):
            check(o.pose, f"objects/{i}/pose", (T, 7))
            check(o.pose[:, 3:], f"objects/{i}/pose[:, 3:7]", (T, 4), quat=True)
        return self

    def renormalize_quaternions(self) -> "ReferenceMotion":
        """Normalise every quaternion (only on request: loaders never repair silently)."""
        for h in self.hands.values():
            h.wrist_quat = h.wrist_quat / np.linalg.norm(h.wrist_quat, axis=-1, keepdims=True)
        for o in self.objects:
            o.pose = o.pose.copy()
            o.pose[:, 3:] /= np.linalg.norm(o.pose[:, 3:], axis=-1, keepdims=True)
        return self

    # ------------------------------------------------------------------ derived quantities
    def wrist_velocity(self, side: str, sigma: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
        """Linear [m/s] and angular [rad/s] wrist velocity (world frame), smoothed with sigma frames."""
        h = self.hands[side]
        return linear_velocity(h.wrist_pos, self.fps, sigma), angular_velocity(h.wrist_quat, self.fps, sigma)

    def object_velocity(self, index: int = 0, sigma: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
        """Linear [m/s] and angular [rad/s] velocity of object ``index`` (world frame)."""
        pose = self.objects[index].pose
        return linear_velocity(pose[:, :3], self.fps, sigma), angular_velocity(pose[:, 3:], self.fps, sigma)

    def joint_velocity(self, side: str, robot: str, sigma: float = 2.0) -> np.ndarray:
        return linear_velocity(self.hands[side].joint_pos[robot], self.fps, sigma)

    # ------------------------------------------------------------------ editing
    def slice(self, start: int, stop: int | None = None) -> "ReferenceMotion":
        """Frames ``[start, stop)`` as a new clip."""
        sl = slice(start, stop)
        return self._map(lambda x: x[sl], lambda q: q[sl], lambda c: c[sl], self.fps)

    def resample(self, fps: float) -> "ReferenceMotion":
        """The clip at ``fps``: positions and joints linearly, orientations by slerp, contacts by nearest frame.

        First and last frames are kept exactly; the new clip spans ``floor(duration · fps)`` intervals.
        """
        if fps <= 0:
            raise MotionFormatError(self.source, "fps", repr(fps), "a positive target frame rate")
        t_old = np.arange(self.num_frames) / self.fps
        n_new = int(np.floor(self.duration * fps + 1e-9)) + 1
        t_new = np.arange(n_new) / fps

        def lin(x):
            flat = x.reshape(len(x), -1)
            out = np.stack([np.interp(t_new, t_old, flat[:, k]) for k in range(flat.shape[1])], axis=1)
            return out.reshape((n_new,) + x.shape[1:])

        def sl(q):
            return slerp(t_old, quat_continuous(q), t_new)

        def nearest(c):
            idx = np.clip(np.rint(t_new * self.fps).astype(int), 0, self.num_frames - 1)
            return c[idx]

        return self._map(lin, sl, nearest, fps)

    def _map(self, fn_pos, fn_quat, fn_discrete, fps) -> "ReferenceMotion":
        hands = {s: h.map_frames(fn_pos, fn_quat, fn_discrete) for s, h in self.hands.items()}
        objects = [replace(o, pose=np.concatenate([fn_pos(o.pose[:, :3]), fn_quat(o.pose[:, 3:])], axis=1))
                   for o in self.objects]
        return ReferenceMotion(fps=fps, hands=hands, objects=objects, skill=self.skill, name=self.name,
                               source=self.source)

    def mirrored(self) -> "ReferenceMotion":
        """The clip reflected across the world y-z plane (x -> -x): right hands become left hands.

        Robot joint trajectories are dropped (a mirrored right hand is not a left robot hand's joint
        vector); retarget the mirrored keypoints instead.
        """
        def mpos(x):
            y = x.copy()
            y[..., 0] = -y[..., 0]
            return y

        hands = {}
        for s, h in self.hands.items():
            other = "left" if s == "right" else "right"
            hands[other] = HandTrack(wrist_pos=mpos(h.wrist_pos), wrist_quat=mirror_quat(h.wrist_quat),
                                     keypoints=None if h.keypoints is None else mpos(h.keypoints),
                                     contacts=None if h.contacts is None else h.contacts.copy())
        objects = [replace(o, pose=np.concatenate([mpos(o.pose[:, :3]), mirror_quat(o.pose[:, 3:])], axis=1))
                   for o in self.objects]
        return ReferenceMotion(fps=self.fps, hands=hands, objects=objects, skill=self.skill,
                               name=self.name, source=self.source)

    # ------------------------------------------------------------------ files
    def save(self, path: str) -> str:
        """Write the clip to ``path`` (.npz, format :data:`FORMAT_VERSION`); never overwrites by accident.

        The file is written to a temporary name and renamed, so an interrupted save leaves any
        previous file intact.
        """
        self.validate(min_frames=1)
        arrays: dict[str, np.ndarray] = {}
        meta = {"format_version": FORMAT_VERSION, "name": self.name, "fps": float(self.fps), "skill": self.skill,
                "hands": {}, "objects": []}
        for s, h in self.hands.items():
            p = f"hands/{s}"
            arrays[f"{p}/wrist_pos"] = h.wrist_pos.astype(np.float64)
            arrays[f"{p}/wrist_quat"] = h.wrist_quat.astype(np.float64)
            if h.keypoints is not None:
                arrays[f"{p}/keypoints"] = h.keypoints.astype(np.float64)
            if h.contacts is not None:
                arrays[f"{p}/contacts"] = h.contacts.astype(bool)
            for robot, q in h.joint_pos.items():
                arrays[f"{p}/joint_pos/{robot}"] = q.astype(np.float64)
            meta["hands"][s] = {"joint_names": h.joint_names}
        for i, o in enumerate(self.objects):
            arrays[f"objects/{i}/pose"] = o.pose.astype(np.float64)
            meta["objects"].append({"shape": o.shape, "dims": list(o.dims), "name": o.name, "mass": o.mass})
        arrays["meta"] = np.array(json.dumps(meta))
        tmp = path + ".tmp.npz"
        np.savez_compressed(tmp, **arrays)
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path: str, renormalize_quaternions: bool = False, min_frames: int = 2) -> "ReferenceMotion":
        """Read a clip written by :meth:`save`; validates it (see :meth:`validate`)."""
        if not os.path.isfile(path):
            raise FileNotFoundError(f"motion file {path} does not exist")
        try:
            data = np.load(path, allow_pickle=False)
            keys = set(data.files)
        except Exception as e:  # noqa: BLE001 - any unreadable file is reported the same way
            raise MotionFormatError(path, "<file>", f"an unreadable file ({e.__class__.__name__}: {e})",
                                    "a .npz written by ReferenceMotion.save") from e
        if "meta" not in keys:
            raise MotionFormatError(path, "meta", "no 'meta' entry", "a .npz written by ReferenceMotion.save")
        meta = json.loads(str(data["meta"]))
        version = meta.get("format_version")
        if version != FORMAT_VERSION:
            raise MotionFormatError(path, "meta.format_version", repr(version), f"{FORMAT_VERSION}")

        def need(key):
            if key not in keys:
                raise MotionFormatError(path, key, "nothing (missing)", "an array")
            return data[key]

        hands = {}
        for s, hm in meta.get("hands", {}).items():
            p = f"hands/{s}"
            names = {r: list(n) for r, n in hm.get("joint_names", {}).items()}
            hands[s] = HandTrack(
                wrist_pos=need(f"{p}/wrist_pos"), wrist_quat=need(f"{p}/wrist_quat"),
                keypoints=data[f"{p}/keypoints"] if f"{p}/keypoints" in keys else None,
                contacts=data[f"{p}/contacts"] if f"{p}/contacts" in keys else None,
                joint_pos={r: need(f"{p}/joint_pos/{r}") for r in names}, joint_names=names,
            )
        objects = [ObjectTrack(pose=need(f"objects/{i}/pose"), shape=om["shape"], dims=tuple(om.get("dims", ())),
                               name=om.get("name", ""), mass=om.get("mass"))
                   for i, om in enumerate(meta.get("objects", []))]
        motion = cls(fps=meta.get("fps", 0.0), hands=hands, objects=objects, skill=meta.get("skill", ""),
                     name=meta.get("name", os.path.basename(path)), source=path)
        if renormalize_quaternions:
            motion.renormalize_quaternions()
        return motion.validate(min_frames=min_frames)
