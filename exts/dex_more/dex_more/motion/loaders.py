"""Loaders for the motion formats users have, converted to :class:`ReferenceMotion`.

Every loader validates what it reads and raises :class:`MotionFormatError` naming the file, the field,
what it found and what it expected; nothing is repaired unless asked (``renormalize_quaternions``).
Positions are taken in metres as stored; pass ``transform`` (4×4, dataset world -> dex_more world,
z up) when a data set uses another world frame. Quaternions come out (x, y, z, w).
"""
from __future__ import annotations

import os
import pickle

import numpy as np
from scipy.spatial.transform import Rotation

from ..errors import (check_rotation_matrices, check_unit_quaternions, describe, is_positive_number, numeric_array,
                      shape_text)
from ..mano import MANO_KEYPOINT_NAMES
from .errors import MotionFormatError
from .reference_motion import SIDES, HandTrack, ObjectTrack, ReferenceMotion

HOT_SKILLS = {1: "grasp", 2: "move", 3: "place", 5: "regrasp", 6: "rotate", 7: "catch", 8: "throw", 9: "freemove"}
"""HOT's skill labels (first three characters of a motion file's name)."""
HOT_SKILL_LABELS = {skill: label for label, skill in HOT_SKILLS.items()}


def _array(src, data, key, shape, min_frames=0):
    """``data[key]`` as float64 of ``shape`` (None entries: any size), finite; errors name ``key`` as stored."""
    if key not in data:
        raise MotionFormatError(src, key, "nothing (missing key)", f"an array of shape {shape_text(shape)}")
    return numeric_array(MotionFormatError, src, key, data[key], shape, min_rows=min_frames, rows="frames")


def _quaternions(src, data, key, T, renormalize: bool) -> np.ndarray:
    """``data[key]`` as (T, 4) quaternions: unit norm unless the caller asked to repair them."""
    q = _array(src, data, key, (T, 4))
    if renormalize:
        n = np.linalg.norm(q, axis=-1)
        if np.any(n < 1e-6):
            raise MotionFormatError(src, key, f"a zero quaternion at frame {int(np.argmin(n))}",
                                    "quaternions that can be normalised")
    else:
        check_unit_quaternions(MotionFormatError, src, key, q, "; pass renormalize_quaternions=True to repair")
    return q


def _same_length(src, fields: dict[str, np.ndarray]):
    lengths = {k: len(v) for k, v in fields.items()}
    first = next(iter(lengths.values()))
    for k, n in lengths.items():
        if n != first:
            raise MotionFormatError(src, k, f"{n} frames", f"{first} frames like {next(iter(lengths))}")


def fps_from_timestamps(src: str, field: str, t, num_frames: int | None = None) -> float:
    """Frame rate from per-frame timestamps [s]: one per frame, strictly increasing and evenly spaced (1 %)."""
    t = numeric_array(MotionFormatError, src, field, t, (num_frames,))
    if len(t) < 2:
        raise MotionFormatError(src, field, f"{len(t)} timestamps", "at least 2 timestamps [s]")
    dt = np.diff(t)
    if np.any(dt <= 0):
        bad = int(np.argmax(dt <= 0))
        raise MotionFormatError(src, field, f"non-increasing timestamps at frame {bad + 1}",
                                "strictly increasing timestamps [s]")
    if np.ptp(dt) > 0.01 * dt.mean():
        raise MotionFormatError(src, field, f"uneven spacing ({dt.min():.5f}-{dt.max():.5f} s)",
                                "a constant frame interval (resample first)")
    return float(1.0 / dt.mean())


def _check_transform(src, transform) -> np.ndarray | None:
    if transform is None:
        return None
    T = numeric_array(MotionFormatError, src, "transform", transform, (4, 4))
    check_rotation_matrices(MotionFormatError, src, "transform", T[:3, :3])
    return T


def _apply_transform(T, pos, quat):
    """``pos`` (..., 3) and ``quat`` (..., 4) mapped by the checked 4×4 ``T`` (None: unchanged)."""
    if T is None:
        return pos, quat
    r = Rotation.from_matrix(T[:3, :3])
    pos = pos @ T[:3, :3].T + T[:3, 3]
    quat = None if quat is None else (r * Rotation.from_quat(quat)).as_quat()
    return pos, quat


def _check_fps(src, fps):
    if not is_positive_number(fps):
        raise MotionFormatError(src, "fps", describe(fps), "a positive frame rate in Hz")
    return float(fps)


def _check_side(src, side):
    if side not in SIDES:
        raise MotionFormatError(src, "side", repr(side), f"one of {SIDES}")
    return side


# ---------------------------------------------------------------------------------------------------------
# ManipTrans-style dicts
# ---------------------------------------------------------------------------------------------------------


def hand_from_maniptrans(src: str, data: dict, transform=None) -> HandTrack:
    """A hand from a ManipTrans loader dict.

    Keys: ``wrist_pos`` (T, 3) [m]; ``wrist_rot`` (T, 3) axis-angle [rad] (world frame);
    ``mano_joints`` {name: (T, 3)} with names from :data:`MANO_KEYPOINT_NAMES` (``wrist`` may be
    absent: ``wrist_pos`` stands in). Missing finger keypoints are an error: a partial hand cannot be
    retargeted or scored.
    """
    transform = _check_transform(src, transform)
    wrist_pos = _array(src, data, "wrist_pos", (None, 3), min_frames=1)
    T = len(wrist_pos)
    rotvec = _array(src, data, "wrist_rot", (T, 3))
    joints = data.get("mano_joints")
    if not isinstance(joints, dict):
        raise MotionFormatError(src, "mano_joints", describe(joints) if "mano_joints" in data else "nothing",
                                "a dict {keypoint name: (T, 3) array}")
    unknown = sorted(str(k) for k in joints if k not in MANO_KEYPOINT_NAMES)
    if unknown:
        raise MotionFormatError(src, "mano_joints", f"unknown names {unknown}",
                                f"names from {list(MANO_KEYPOINT_NAMES)}")
    kps = np.empty((T, len(MANO_KEYPOINT_NAMES), 3))
    for k, name in enumerate(MANO_KEYPOINT_NAMES):
        if name == "wrist" and name not in joints:
            kps[:, k] = wrist_pos
            continue
        if name not in joints:
            raise MotionFormatError(src, f"mano_joints/{name}", "nothing (missing keypoint)",
                                    f"all of {list(MANO_KEYPOINT_NAMES[1:])}")
        kps[:, k] = numeric_array(MotionFormatError, src, f"mano_joints/{name}", joints[name], (T, 3))
    quat = Rotation.from_rotvec(rotvec).as_quat()
    wrist_pos, quat = _apply_transform(transform, wrist_pos, quat)
    kps = _apply_transform(transform, kps.reshape(-1, 3), None)[0].reshape(kps.shape)
    return HandTrack(wrist_pos=wrist_pos, wrist_quat=quat, keypoints=kps)


def object_from_maniptrans(src: str, data: dict, transform=None, num_frames: int | None = None) -> ObjectTrack:
    """An object from ``obj_trajectory`` (T, 4, 4) homogeneous poses [m]; ``obj_urdf_path``/``obj_id`` name it.

    num_frames: the hand's frame count, when known (the trajectory must have as many frames).
    """
    transform = _check_transform(src, transform)
    traj = _array(src, data, "obj_trajectory", (num_frames, 4, 4), min_frames=1)
    if not np.allclose(traj[:, 3], [0, 0, 0, 1], atol=1e-6):
        bad = int(np.argmax(np.abs(traj[:, 3] - [0, 0, 0, 1]).max(-1) > 1e-6))
        raise MotionFormatError(src, "obj_trajectory", f"a last row {traj[bad, 3].tolist()} at frame {bad}",
                                "homogeneous 4×4 poses (last row 0, 0, 0, 1)")
    R = traj[:, :3, :3]
    check_rotation_matrices(MotionFormatError, src, "obj_trajectory", R)
    pos, quat = traj[:, :3, 3], Rotation.from_matrix(R).as_quat()
    pos, quat = _apply_transform(transform, pos, quat)
    names = {}
    for key in ("obj_urdf_path", "obj_id"):
        value = data.get(key)
        if value is not None and not isinstance(value, (str, int, np.str_, np.integer)):
            raise MotionFormatError(src, key, describe(value), "a string (the object's name or URDF path)")
        names[key] = "" if value is None else str(value)
    return ObjectTrack(pose=np.concatenate([pos, quat], axis=1), shape=names["obj_urdf_path"] or names["obj_id"]
                       or "mesh", dims=(1.0,), name=names["obj_id"])


def load_maniptrans(path_or_data, fps: float = 60.0, side: str = "right", name: str | None = None,
                    transform=None, renormalize_quaternions: bool = False) -> ReferenceMotion:
    """A ManipTrans-style dict (or a pickle of one): one hand (``side``) and, with ``obj_trajectory``, one object.

    fps: ManipTrans resamples everything to 60 Hz; a ``timestamps`` key [s] (one per frame), when present,
    overrides it.
    """
    src, data = _read_pickle(path_or_data)
    _check_side(src, side)
    hand = hand_from_maniptrans(src, data, transform)
    T = len(hand.wrist_pos)
    if "timestamps" in data:
        fps = fps_from_timestamps(src, "timestamps", data["timestamps"], T)
    objects = [object_from_maniptrans(src, data, transform, T)] if "obj_trajectory" in data else []
    motion = ReferenceMotion(fps=_check_fps(src, fps), hands={side: hand}, objects=objects,
                             name=name or _stem(src), source=src)
    if renormalize_quaternions:
        motion.renormalize_quaternions()
    return motion.validate()


# ---------------------------------------------------------------------------------------------------------
# HO-Tracker challenge layout
# ---------------------------------------------------------------------------------------------------------


def load_hotracker(directory: str, fps: float = 60.0, transform=None,
                   renormalize_quaternions: bool = False) -> ReferenceMotion:
    """One HO-Tracker challenge sequence folder (splits ``h1o1``, ``h2o1``, ``h2o2``; 60 Hz).

    Layout: per side present, ``{side}_hand.pkl`` (a ManipTrans hand dict: ``wrist_pos``, ``wrist_rot``,
    ``mano_joints``), ``{side}_obj.pkl`` (``obj_trajectory`` T×4×4, ``obj_id``) and ``{side}_urdf/``
    (the object's URDF, recorded as the object's shape). Two sides whose object files hold the same
    object (``h2o1``) give one object; different ones (``h2o2``) give two.
    """
    _check_folder(directory, "HO-Tracker sequence folder")
    hands, objects, seen = {}, [], {}
    for side in SIDES:
        hand_file = os.path.join(directory, f"{side}_hand.pkl")
        if not os.path.exists(hand_file):
            continue
        src, data = _read_pickle(hand_file)
        hands[side] = hand_from_maniptrans(src, data, transform)
        _same_length(directory, {f"{s}_hand.pkl": h.wrist_pos for s, h in hands.items()})
        T = len(hands[side].wrist_pos)
        obj_file = os.path.join(directory, f"{side}_obj.pkl")
        if not os.path.exists(obj_file):
            raise MotionFormatError(directory, f"{side}_obj.pkl", "nothing (missing file)",
                                    f"the object trajectory of the {side} hand")
        osrc, odata = _read_pickle(obj_file)
        obj = object_from_maniptrans(osrc, odata, transform, T)
        urdf_dir = os.path.join(directory, f"{side}_urdf")
        if os.path.exists(urdf_dir):
            if not os.path.isdir(urdf_dir):
                raise MotionFormatError(directory, f"{side}_urdf", "a file", "a folder holding the object's URDF")
            urdfs = sorted(f for f in os.listdir(urdf_dir) if f.endswith(".urdf"))
            if not urdfs:
                raise MotionFormatError(directory, f"{side}_urdf/", "no .urdf file", "the object's URDF")
            obj.shape = os.path.join(urdf_dir, urdfs[0])
        key = obj.name or obj.shape
        if key in seen and np.allclose(seen[key].pose, obj.pose, atol=1e-6):
            continue  # h2o1: both hands hold the same object
        seen[key] = obj
        objects.append(obj)
    if not hands:
        raise MotionFormatError(directory, "{side}_hand.pkl", "no hand file",
                                "right_hand.pkl and/or left_hand.pkl")
    motion = ReferenceMotion(fps=_check_fps(directory, fps), hands=hands, objects=objects,
                             name=os.path.basename(os.path.normpath(directory)), source=directory)
    if renormalize_quaternions:
        motion.renormalize_quaternions()
    return motion.validate()


# ---------------------------------------------------------------------------------------------------------
# HOT (.pt) motions
# ---------------------------------------------------------------------------------------------------------


def load_hot(path: str, robot: str = "hot_hand", side: str = "right", fps: float = 60.0,
             transform=None, renormalize_quaternions: bool = False) -> ReferenceMotion:
    """A HOT motion file: a ``torch.save``d dict at 60 fps; the skill label is the file name's first 3 characters.

    Keys: ``root_pos`` (T, 3) [m] and ``root_rot`` (T, 4) (x, y, z, w, Isaac Gym's order) of the hand
    root; ``wrist_dof`` (T, W) and ``fingers_dof`` (T, F) [rad] of HOT's own hand model, stored as the
    joint trajectory of ``robot``; ``body_pos`` (T, B, 3) [m] (the 21 MANO keypoints when B = 21);
    ``obj_pos`` (T, 3), ``obj_rot`` (T, 4); ``contact1`` (T,) or (T, 1) hand–object contact in [0, 1]
    (> 0.5: touching), given to all five fingertips. ``obj_pos_vel`` is ignored (velocities are derived).
    """
    import torch

    _check_file(path, "HOT motion file")
    _check_side(path, side)
    transform = _check_transform(path, transform)
    stem = os.path.basename(path)
    try:
        label = int(stem[:3])
    except ValueError:
        raise MotionFormatError(path, "file name", f"'{stem}'",
                                f"a name starting with a 3-digit skill label, one of {HOT_SKILLS}") from None
    if label not in HOT_SKILLS:
        raise MotionFormatError(path, "file name", f"skill label {label}", f"one of {HOT_SKILLS}")
    try:
        data = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as e:  # noqa: BLE001
        raise MotionFormatError(path, "<file>", f"an unreadable file ({e.__class__.__name__}: {str(e)[:80]})",
                                "a torch.save'd dict") from None
    if not isinstance(data, dict):
        raise MotionFormatError(path, "<file>", describe(data), "a dict of tensors")
    root_pos = _array(path, data, "root_pos", (None, 3), min_frames=1)
    T = len(root_pos)
    root_rot = _quaternions(path, data, "root_rot", T, renormalize_quaternions)
    wrist = _array(path, data, "wrist_dof", (T, None))
    fingers = _array(path, data, "fingers_dof", (T, None))
    body = _array(path, data, "body_pos", (T, None, 3))
    obj_pos = _array(path, data, "obj_pos", (T, 3))
    obj_rot = _quaternions(path, data, "obj_rot", T, renormalize_quaternions)
    contact = np.zeros(T)
    if "contact1" in data:
        raw = data["contact1"]
        try:
            one_d = np.ndim(raw) == 1
        except ValueError:  # a ragged list: numeric_array names it
            one_d = True
        contact = numeric_array(MotionFormatError, path, "contact1", raw, (T,) if one_d else (T, 1)).reshape(T)
        if np.any((contact < 0) | (contact > 1)):
            raise MotionFormatError(path, "contact1", f"values from {contact.min():g} to {contact.max():g}",
                                    "contact labels in [0, 1]")
    obj_name = data.get("obj_name", "")
    if not isinstance(obj_name, str):
        raise MotionFormatError(path, "obj_name", describe(obj_name), "a string")
    # what dex_more's writer (save_hot) adds beyond HOT's keys, so that its clips read back equal
    obj_shape = data.get("obj_shape", "mesh")
    if not isinstance(obj_shape, str) or not obj_shape:
        raise MotionFormatError(path, "obj_shape", describe(obj_shape), "a non-empty string")
    tip_contacts = None
    if "contacts" in data:
        tip_contacts = numeric_array(MotionFormatError, path, "contacts", data["contacts"], (T, 5)) > 0.5
    clip_name = data.get("clip_name", _stem(path))
    if not isinstance(clip_name, str) or not clip_name:
        raise MotionFormatError(path, "clip_name", describe(clip_name), "a non-empty string")
    robot = data.get("robot", robot)
    if not isinstance(robot, str) or not robot:
        raise MotionFormatError(path, "robot", describe(robot), "a hand name")
    root_pos, root_rot = _apply_transform(transform, root_pos, root_rot)
    obj_p, obj_q = _apply_transform(transform, obj_pos, obj_rot)
    keypoints = None
    if body.shape[1] == 21:
        keypoints = _apply_transform(transform, body.reshape(-1, 3), None)[0].reshape(body.shape)
    q = np.concatenate([wrist, fingers], axis=1)
    names = [f"wrist_dof_{i}" for i in range(wrist.shape[1])] + [f"fingers_dof_{i}" for i in range(fingers.shape[1])]
    if "joint_names" in data:
        names = data["joint_names"]
        if not isinstance(names, (list, tuple)) or len(names) != q.shape[1] or not all(isinstance(n, str) for n in names):
            raise MotionFormatError(path, "joint_names", describe(names),
                                    f"{q.shape[1]} joint names (wrist_dof then fingers_dof columns)")
        names = list(names)
    hand = HandTrack(wrist_pos=root_pos, wrist_quat=root_rot, keypoints=keypoints,
                     joint_pos={robot: q}, joint_names={robot: names},
                     contacts=np.repeat(contact[:, None] > 0.5, 5, axis=1) if tip_contacts is None else tip_contacts)
    obj = ObjectTrack(pose=np.concatenate([obj_p, obj_q], axis=1), shape=obj_shape, dims=(1.0,), name=obj_name)
    motion = ReferenceMotion(fps=_check_fps(path, fps), hands={side: hand}, objects=[obj],
                             skill=HOT_SKILLS[label], name=clip_name, source=path)
    if renormalize_quaternions:
        motion.renormalize_quaternions()
    return motion.validate()


def save_hot(motion: ReferenceMotion, folder: str, robot: str, side: str = "right", overwrite: bool = False) -> str:
    """Write one hand and the first object of ``motion`` as a HOT motion file in ``folder``; returns its path.

    The file is named ``<label>_<clip name>.pt`` (HOT's 3-digit skill label first) and holds HOT's keys:
    ``root_pos, root_rot`` (the wrist pose), ``wrist_dof`` (the six virtual wrist joints of ``robot``),
    ``fingers_dof`` (its finger joints), ``body_pos`` (the 21 keypoints), ``obj_pos, obj_pos_vel, obj_rot`` and
    ``contact1`` (1 while any fingertip touches). dex_more adds ``obj_name, obj_shape, robot, joint_names, clip_name`` and the
    per-fingertip ``contacts``, which HOT ignores and :func:`load_hot` reads back, so the clip loads back equal.
    """
    import torch

    from ..assets.hands import WRIST_JOINT_NAMES

    if motion.skill not in HOT_SKILL_LABELS:
        raise ValueError(f"clip '{motion.name}' has skill '{motion.skill}'; HOT's skills: {list(HOT_SKILL_LABELS)}")
    if side not in motion.hands:
        raise ValueError(f"clip '{motion.name}' has no {side} hand (it has {list(motion.sides)})")
    hand = motion.hands[side]
    if robot not in hand.joint_pos:
        raise ValueError(f"clip '{motion.name}' has no joint trajectory for {robot}; retarget it first")
    if hand.keypoints is None or hand.contacts is None or not motion.objects:
        raise ValueError(f"clip '{motion.name}' needs keypoints, contacts and an object for HOT's format")
    names = hand.joint_names[robot]
    missing = [n for n in WRIST_JOINT_NAMES if n not in names]
    if missing:
        raise ValueError(f"clip '{motion.name}': the joints of {robot} lack the wrist joints {missing}")
    wrist_cols = [names.index(n) for n in WRIST_JOINT_NAMES]
    finger_cols = [i for i, n in enumerate(names) if n not in WRIST_JOINT_NAMES]
    q, obj = hand.joint_pos[robot], motion.objects[0]

    def f32(x):
        return torch.tensor(np.asarray(x), dtype=torch.float32)

    data = {"root_pos": f32(hand.wrist_pos), "root_rot": f32(hand.wrist_quat), "wrist_dof": f32(q[:, wrist_cols]),
            "fingers_dof": f32(q[:, finger_cols]), "body_pos": f32(hand.keypoints), "obj_pos": f32(obj.pose[:, :3]),
            "obj_pos_vel": f32(motion.object_velocity(0)[0]), "obj_rot": f32(obj.pose[:, 3:]),
            "contact1": f32(hand.contacts.any(axis=1)[:, None]), "contacts": f32(hand.contacts),
            "obj_name": obj.name, "obj_shape": obj.shape, "robot": robot, "clip_name": motion.name,
            "joint_names": [names[i] for i in wrist_cols + finger_cols]}
    path = os.path.join(folder, f"{HOT_SKILL_LABELS[motion.skill]:03d}_{motion.name}.pt")
    if os.path.exists(path) and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    tmp = f"{path}.{os.getpid()}.tmp"
    torch.save(data, tmp)
    os.replace(tmp, path)
    return path


# ---------------------------------------------------------------------------------------------------------


def _stem(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def _check_file(path: str, what: str) -> None:
    """FileNotFoundError for a missing path; a :class:`MotionFormatError` for a folder where a file belongs."""
    if os.path.isdir(path):
        raise MotionFormatError(path, "<file>", "a folder", f"a {what}")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{what} {path} does not exist")


def _check_folder(path: str, what: str) -> None:
    """FileNotFoundError for a missing path; a :class:`MotionFormatError` for a file where a folder belongs."""
    if os.path.isfile(path):
        raise MotionFormatError(path, "<folder>", "a file", f"a {what}")
    if not os.path.isdir(path):
        raise FileNotFoundError(f"{what} {path} does not exist")


def _read_pickle(path_or_data) -> tuple[str, dict]:
    if isinstance(path_or_data, dict):
        return "<dict>", path_or_data
    path = str(path_or_data)
    _check_file(path, "motion file")
    try:
        with open(path, "rb") as f:
            data = pickle.load(f)
    except Exception as e:  # noqa: BLE001
        raise MotionFormatError(path, "<file>", f"an unreadable pickle ({e.__class__.__name__}: {str(e)[:80]})",
                                "a pickled dict") from None
    if not isinstance(data, dict):
        raise MotionFormatError(path, "<file>", describe(data), "a pickled dict")
    return path, data
