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

from ..errors import check_unit_quaternions, describe, is_positive_number, numeric_array, shape_text
from .errors import MotionFormatError
from .geometry import angular_velocity, linear_velocity, mirror_quat, quat_continuous, slerp

FORMAT_VERSION = 1
SIDES = ("right", "left")
NUM_KEYPOINTS = 21
NUM_FINGERTIPS = 5


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
    def object_signature(self) -> tuple:
        """The objects as a task spawns them: (shape, dims rounded to 1 µm) each. Clips with equal signatures can be
        tracked by one task (same hands permitting)."""
        return tuple((o.shape, tuple(np.round(o.dims, 6).tolist())) for o in self.objects)

    @property
    def sides(self) -> tuple[str, ...]:
        return tuple(s for s in SIDES if s in self.hands)

    # ------------------------------------------------------------------ validation
    def validate(self, min_frames: int = 2) -> "ReferenceMotion":
        """Check shapes, finiteness, unit quaternions, fps and length; raise :class:`MotionFormatError`."""
        src = self.source
        if not is_positive_number(self.fps):
            raise MotionFormatError(src, "fps", describe(self.fps), "a positive frame rate in Hz")
        if not self.hands and not self.objects:
            raise MotionFormatError(src, "hands", "no hands and no objects", "at least one hand or object")
        for s in self.hands:
            if s not in SIDES:
                raise MotionFormatError(src, "hands", f"side '{s}'", f"one of {SIDES}")
        first = next(iter(self.hands.values())).wrist_pos if self.hands else self.objects[0].pose
        T = len(first) if hasattr(first, "__len__") else 0
        if T < min_frames:
            raise MotionFormatError(src, "frames", f"{T} frames ({T / self.fps:.3f} s)",
                                    f"at least {min_frames} frames for this use")

        def check(arr, fld, shape, *, quat=False):
            if arr is not None:
                arr = numeric_array(MotionFormatError, src, fld, arr, shape)
                if quat:
                    check_unit_quaternions(MotionFormatError, src, fld, arr,
                                           "; pass renormalize_quaternions=True to repair")

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
    def save(self, path: str, overwrite: bool = False) -> str:
        """Write the clip to ``path`` (.npz, format :data:`FORMAT_VERSION`); an existing file is replaced only
        with ``overwrite``.

        The file is written to a temporary name beside ``path`` and renamed, so an interrupted or failed save
        leaves any previous file intact and no temporary file behind.
        """
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"cannot save {path}: its folder {folder} does not exist")
        if os.path.isdir(path):
            raise IsADirectoryError(f"cannot save {path}: it is a folder, not a file")
        if os.path.exists(path) and not overwrite:
            raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
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
            meta["hands"][s] = {"joint_names": {r: [str(n) for n in v] for r, v in h.joint_names.items()}}
        for i, o in enumerate(self.objects):
            arrays[f"objects/{i}/pose"] = o.pose.astype(np.float64)
            meta["objects"].append({"shape": o.shape, "dims": [float(d) for d in o.dims], "name": o.name,
                                    "mass": None if o.mass is None else float(o.mass)})
        arrays["meta"] = np.array(json.dumps(meta))
        tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp.npz")
        try:
            np.savez_compressed(tmp, **arrays)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        return path

    @classmethod
    def load(cls, path: str, renormalize_quaternions: bool = False, min_frames: int = 2) -> "ReferenceMotion":
        """Read a clip written by :meth:`save`; validates it (see :meth:`validate`).

        Every stored array and ``meta`` field is checked before anything is computed from it: a malformed file
        raises :class:`MotionFormatError` naming the file and the stored key (``meta.fps``, ``hands/right/wrist_pos``).
        """
        arrays = _read_npz(path)
        if "meta" not in arrays:
            raise MotionFormatError(path, "meta", "no 'meta' entry", "a .npz written by ReferenceMotion.save")
        meta = _read_meta(path, arrays["meta"])

        def need(key, shape):
            if key not in arrays:
                raise MotionFormatError(path, key, "nothing (missing)", f"an array of shape {shape_text(shape)}")
            return numeric_array(MotionFormatError, path, key, arrays[key], shape)

        used = {"meta"}
        hands = {}
        for s, hm in meta["hands"].items():
            p = f"hands/{s}"
            wrist_pos = need(f"{p}/wrist_pos", (None, 3))
            T = len(wrist_pos)
            optional = {k: need(f"{p}/{k}", shape) if f"{p}/{k}" in arrays else None
                        for k, shape in (("keypoints", (T, NUM_KEYPOINTS, 3)), ("contacts", (T, NUM_FINGERTIPS)))}
            names = hm["joint_names"]
            hands[s] = HandTrack(
                wrist_pos=wrist_pos, wrist_quat=need(f"{p}/wrist_quat", (T, 4)), keypoints=optional["keypoints"],
                contacts=None if optional["contacts"] is None else optional["contacts"] > 0.5,
                joint_pos={r: need(f"{p}/joint_pos/{r}", (T, len(n))) for r, n in names.items()}, joint_names=names,
            )
            used |= {f"{p}/wrist_pos", f"{p}/wrist_quat", f"{p}/keypoints", f"{p}/contacts"}
            used |= {f"{p}/joint_pos/{r}" for r in names}
        objects = []
        for i, om in enumerate(meta["objects"]):
            objects.append(ObjectTrack(pose=need(f"objects/{i}/pose", (None, 7)), shape=om["shape"],
                                       dims=tuple(om["dims"]), name=om["name"], mass=om["mass"]))
            used.add(f"objects/{i}/pose")
        stray = sorted(set(arrays) - used)
        if stray:
            raise MotionFormatError(path, stray[0], "an array that meta does not describe",
                                    "only the arrays of the hands and objects listed in meta")
        motion = cls(fps=meta["fps"], hands=hands, objects=objects, skill=meta["skill"],
                     name=meta["name"] or os.path.splitext(os.path.basename(path))[0], source=path)
        if renormalize_quaternions:
            motion.renormalize_quaternions()
        return motion.validate(min_frames=min_frames)


def _read_npz(path: str) -> dict[str, np.ndarray]:
    """Every member of a clip file, read now, so that a corrupt member is reported by its key."""
    if os.path.isdir(path):
        raise MotionFormatError(path, "<file>", "a folder", "a .npz file written by ReferenceMotion.save")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"motion file {path} does not exist")
    try:
        archive = np.load(path, allow_pickle=False)
        keys = list(archive.files)
    except Exception as e:  # noqa: BLE001 - any unreadable file is reported the same way
        raise MotionFormatError(path, "<file>", f"an unreadable file ({e.__class__.__name__}: {str(e)[:80]})",
                                "a .npz written by ReferenceMotion.save") from None
    if not hasattr(archive, "files"):
        raise MotionFormatError(path, "<file>", f"a single {type(archive).__name__}",
                                "a .npz archive written by ReferenceMotion.save")
    arrays = {}
    with archive:
        for key in keys:
            try:
                arrays[key] = archive[key]
            except Exception as e:  # noqa: BLE001 - zlib, zipfile, pickle refusal: all a corrupt member
                raise MotionFormatError(path, key, f"corrupt or unreadable data ({e.__class__.__name__}: "
                                        f"{str(e)[:80]})", "an array readable without pickle") from None
    return arrays


def _read_meta(path: str, raw: np.ndarray) -> dict:
    """``meta`` parsed and type-checked; every field the loader uses is present afterwards."""
    def bad(field, value, expected):
        return MotionFormatError(path, f"meta.{field}", describe(value), expected)

    if raw.shape != () or raw.dtype.kind != "U":
        raise MotionFormatError(path, "meta", describe(raw), "a JSON string (0-d unicode array)")
    try:
        meta = json.loads(str(raw))
    except json.JSONDecodeError as e:
        raise MotionFormatError(path, "meta", f"invalid JSON ({e})", "a JSON object") from None
    if not isinstance(meta, dict):
        raise MotionFormatError(path, "meta", f"JSON {type(meta).__name__}", "a JSON object")
    if meta.get("format_version") != FORMAT_VERSION or isinstance(meta.get("format_version"), bool):
        raise bad("format_version", meta.get("format_version"), f"{FORMAT_VERSION}")
    if not is_positive_number(meta.get("fps")):
        raise bad("fps", meta.get("fps"), "a positive frame rate in Hz")
    for key in ("name", "skill"):
        meta.setdefault(key, "")
        if not isinstance(meta[key], str):
            raise bad(key, meta[key], "a string")
    hands = meta.setdefault("hands", {})
    if not isinstance(hands, dict):
        raise bad("hands", hands, "an object {side: {joint_names: {robot: [names]}}}")
    for side, hm in hands.items():
        if side not in SIDES:
            raise MotionFormatError(path, "meta.hands", f"side {side!r}", f"sides from {SIDES}")
        if not isinstance(hm, dict):
            raise bad(f"hands.{side}", hm, "an object {joint_names: {robot: [names]}}")
        names = hm.setdefault("joint_names", {})
        if not isinstance(names, dict):
            raise bad(f"hands.{side}.joint_names", names, "an object {robot: [joint names]}")
        for robot, n in names.items():
            if not isinstance(n, list) or not all(isinstance(x, str) for x in n):
                raise bad(f"hands.{side}.joint_names.{robot}", n, "a list of joint names")
    objects = meta.setdefault("objects", [])
    if not isinstance(objects, list):
        raise bad("objects", objects, "a list of objects {shape, dims, name, mass}")
    for i, om in enumerate(objects):
        if not isinstance(om, dict):
            raise bad(f"objects[{i}]", om, "an object {shape, dims, name, mass}")
        if not isinstance(om.get("shape"), str):
            raise bad(f"objects[{i}].shape", om.get("shape"), "a primitive kind or a mesh path")
        dims = om.setdefault("dims", [])
        if not isinstance(dims, list) or not all(is_positive_number(d) for d in dims):
            raise bad(f"objects[{i}].dims", dims, "a list of positive dimensions [m]")
        if not isinstance(om.setdefault("name", ""), str):
            raise bad(f"objects[{i}].name", om["name"], "a string")
        mass = om.setdefault("mass", None)
        if mass is not None and not is_positive_number(mass):
            raise bad(f"objects[{i}].mass", mass, "null or a positive mass [kg]")
    return meta
