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

from ..mano import MANO_KEYPOINT_NAMES
from .errors import MotionFormatError
from .reference_motion import SIDES, HandTrack, ObjectTrack, ReferenceMotion

HOT_SKILLS = {1: "grasp", 2: "move", 3: "place", 5: "regrasp", 6: "rotate", 7: "catch", 8: "throw", 9: "freemove"}
"""HOT's skill labels (first three characters of a motion file's name)."""


def _array(src, data, key, ndim_shape, dtype=float):
    """``data[key]`` as an array of the given shape (None entries = any size, T must agree)."""
    if key not in data:
        raise MotionFormatError(src, key, "nothing (missing key)", f"an array of shape {ndim_shape}")
    try:
        arr = np.asarray(data[key], dtype=dtype)
    except (TypeError, ValueError) as e:
        raise MotionFormatError(src, key, f"{type(data[key]).__name__} ({e})", f"numbers of shape {ndim_shape}") from e
    if hasattr(data[key], "detach"):  # torch tensors
        arr = data[key].detach().cpu().numpy().astype(dtype)
    if arr.ndim != len(ndim_shape) or any(e is not None and a != e for a, e in zip(arr.shape, ndim_shape)):
        raise MotionFormatError(src, key, f"shape {tuple(arr.shape)}", f"shape {ndim_shape}")
    return arr


def _same_length(src, fields: dict[str, np.ndarray]):
    lengths = {k: len(v) for k, v in fields.items()}
    first = next(iter(lengths.values()))
    for k, n in lengths.items():
        if n != first:
            raise MotionFormatError(src, k, f"{n} frames", f"{first} frames like {next(iter(lengths))}")


def fps_from_timestamps(src: str, field: str, t: np.ndarray) -> float:
    """Frame rate from per-frame timestamps [s]: strictly increasing and evenly spaced (1 %)."""
    t = np.asarray(t, dtype=float)
    dt = np.diff(t)
    if len(t) < 2 or np.any(dt <= 0):
        bad = int(np.argmax(dt <= 0)) if len(t) >= 2 else 0
        raise MotionFormatError(src, field, f"non-increasing timestamps at frame {bad + 1}",
                                "strictly increasing timestamps [s]")
    if np.ptp(dt) > 0.01 * dt.mean():
        raise MotionFormatError(src, field, f"uneven spacing ({dt.min():.5f}-{dt.max():.5f} s)",
                                "a constant frame interval (resample first)")
    return float(1.0 / dt.mean())


def _apply_transform(transform, pos, quat):
    if transform is None:
        return pos, quat
    T = np.asarray(transform, dtype=float)
    r = Rotation.from_matrix(T[:3, :3])
    pos = pos @ T[:3, :3].T + T[:3, 3]
    quat = None if quat is None else (r * Rotation.from_quat(quat)).as_quat()
    return pos, quat


def _check_fps(src, fps):
    if fps is None or not np.isfinite(fps) or fps <= 0:
        raise MotionFormatError(src, "fps", repr(fps), "a positive frame rate in Hz")
    return float(fps)


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
    wrist_pos = _array(src, data, "wrist_pos", (None, 3))
    rotvec = _array(src, data, "wrist_rot", (None, 3))
    if "mano_joints" not in data or not isinstance(data["mano_joints"], dict):
        raise MotionFormatError(src, "mano_joints", type(data.get("mano_joints")).__name__,
                                "a dict {keypoint name: (T, 3) array}")
    joints = data["mano_joints"]
    T = len(wrist_pos)
    kps = np.empty((T, len(MANO_KEYPOINT_NAMES), 3))
    for k, name in enumerate(MANO_KEYPOINT_NAMES):
        if name == "wrist" and name not in joints:
            kps[:, k] = wrist_pos
            continue
        if name not in joints:
            raise MotionFormatError(src, f"mano_joints/{name}", "nothing (missing keypoint)",
                                    f"all of {list(MANO_KEYPOINT_NAMES[1:])}")
        kps[:, k] = _array(src, joints, name, (T, 3))
    unknown = set(joints) - set(MANO_KEYPOINT_NAMES)
    if unknown:
        raise MotionFormatError(src, "mano_joints", f"unknown names {sorted(unknown)}",
                                f"names from {list(MANO_KEYPOINT_NAMES)}")
    _same_length(src, {"wrist_pos": wrist_pos, "wrist_rot": rotvec})
    quat = Rotation.from_rotvec(rotvec).as_quat()
    wrist_pos, quat = _apply_transform(transform, wrist_pos, quat)
    kps = _apply_transform(transform, kps.reshape(-1, 3), None)[0].reshape(kps.shape)
    return HandTrack(wrist_pos=wrist_pos, wrist_quat=quat, keypoints=kps)


def object_from_maniptrans(src: str, data: dict, transform=None) -> ObjectTrack:
    """An object from ``obj_trajectory`` (T, 4, 4) homogeneous poses [m]; ``obj_urdf_path``/``obj_id`` name it."""
    traj = _array(src, data, "obj_trajectory", (None, 4, 4))
    if not np.allclose(traj[:, 3], [0, 0, 0, 1], atol=1e-6):
        raise MotionFormatError(src, "obj_trajectory", "a last row other than (0, 0, 0, 1)", "homogeneous 4×4 poses")
    R = traj[:, :3, :3]
    err = np.abs(R @ np.swapaxes(R, 1, 2) - np.eye(3)).max()
    if err > 1e-3:
        raise MotionFormatError(src, "obj_trajectory", f"a rotation block off orthonormal by {err:.2e}",
                                "rotation matrices (R R^T = I)")
    pos, quat = traj[:, :3, 3], Rotation.from_matrix(R).as_quat()
    pos, quat = _apply_transform(transform, pos, quat)
    shape = str(data.get("obj_urdf_path") or data.get("obj_id") or "mesh")
    return ObjectTrack(pose=np.concatenate([pos, quat], axis=1), shape=shape, dims=(1.0,),
                       name=str(data.get("obj_id", "")))


def load_maniptrans(path_or_data, fps: float = 60.0, side: str = "right", name: str | None = None,
                    transform=None, renormalize_quaternions: bool = False) -> ReferenceMotion:
    """A ManipTrans-style dict (or a pickle of one): one hand (``side``) and, with ``obj_trajectory``, one object.

    fps: ManipTrans resamples everything to 60 Hz; a ``timestamps`` key [s], when present, overrides it.
    """
    src, data = _read_pickle(path_or_data)
    if side not in SIDES:
        raise MotionFormatError(src, "side", repr(side), f"one of {SIDES}")
    if "timestamps" in data:
        fps = fps_from_timestamps(src, "timestamps", data["timestamps"])
    hand = hand_from_maniptrans(src, data, transform)
    objects = [object_from_maniptrans(src, data, transform)] if "obj_trajectory" in data else []
    if objects:
        _same_length(src, {"wrist_pos": hand.wrist_pos, "obj_trajectory": objects[0].pose})
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
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"HO-Tracker sequence folder {directory} does not exist")
    hands, objects, seen = {}, [], {}
    for side in SIDES:
        hand_file = os.path.join(directory, f"{side}_hand.pkl")
        if not os.path.exists(hand_file):
            continue
        src, data = _read_pickle(hand_file)
        hands[side] = hand_from_maniptrans(src, data, transform)
        obj_file = os.path.join(directory, f"{side}_obj.pkl")
        if not os.path.exists(obj_file):
            raise MotionFormatError(directory, f"{side}_obj.pkl", "nothing (missing file)",
                                    f"the object trajectory of the {side} hand")
        osrc, odata = _read_pickle(obj_file)
        obj = object_from_maniptrans(osrc, odata, transform)
        urdf_dir = os.path.join(directory, f"{side}_urdf")
        if os.path.isdir(urdf_dir):
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
    _same_length(directory, {f"{s}_hand.pkl": h.wrist_pos for s, h in hands.items()}
                 | {f"object {i}": o.pose for i, o in enumerate(objects)})
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
    ``obj_pos`` (T, 3), ``obj_rot`` (T, 4); ``contact1`` (T,) or (T, 1) hand–object contact, given to
    all five fingertips. ``obj_pos_vel`` is ignored (velocities are derived).
    """
    import torch

    if not os.path.isfile(path):
        raise FileNotFoundError(f"HOT motion file {path} does not exist")
    try:
        data = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as e:  # noqa: BLE001
        raise MotionFormatError(path, "<file>", f"an unreadable file ({e.__class__.__name__})",
                                "a torch.save'd dict") from e
    if not isinstance(data, dict):
        raise MotionFormatError(path, "<file>", type(data).__name__, "a dict of tensors")
    stem = os.path.basename(path)
    try:
        label = int(stem[:3])
    except ValueError:
        raise MotionFormatError(path, "file name", f"'{stem}'",
                                f"a name starting with a 3-digit skill label, one of {HOT_SKILLS}") from None
    if label not in HOT_SKILLS:
        raise MotionFormatError(path, "file name", f"skill label {label}", f"one of {HOT_SKILLS}")
    root_pos = _array(path, data, "root_pos", (None, 3))
    T = len(root_pos)
    root_rot = _array(path, data, "root_rot", (T, 4))
    wrist = _array(path, data, "wrist_dof", (T, None))
    fingers = _array(path, data, "fingers_dof", (T, None))
    body = _array(path, data, "body_pos", (T, None, 3))
    obj_pos = _array(path, data, "obj_pos", (T, 3))
    obj_rot = _array(path, data, "obj_rot", (T, 4))
    contact = np.asarray(data["contact1"] if "contact1" in data else np.zeros(T))
    if hasattr(data.get("contact1"), "detach"):
        contact = data["contact1"].detach().cpu().numpy()
    contact = contact.reshape(len(contact), -1)
    if contact.shape != (T, 1):
        raise MotionFormatError(path, "contact1", f"shape {contact.shape}", f"shape ({T},) or ({T}, 1)")
    root_pos, root_rot = _apply_transform(transform, root_pos, root_rot)
    obj_p, obj_q = _apply_transform(transform, obj_pos, obj_rot)
    keypoints = None
    if body.shape[1] == 21:
        keypoints = _apply_transform(transform, body.reshape(-1, 3), None)[0].reshape(body.shape)
    q = np.concatenate([wrist, fingers], axis=1)
    names = [f"wrist_dof_{i}" for i in range(wrist.shape[1])] + [f"fingers_dof_{i}" for i in range(fingers.shape[1])]
    hand = HandTrack(wrist_pos=root_pos, wrist_quat=root_rot, keypoints=keypoints,
                     joint_pos={robot: q}, joint_names={robot: names},
                     contacts=np.repeat(contact > 0.5, 5, axis=1))
    obj = ObjectTrack(pose=np.concatenate([obj_p, obj_q], axis=1), shape="mesh", dims=(1.0,),
                      name=str(data.get("obj_name", "")))
    motion = ReferenceMotion(fps=_check_fps(path, fps), hands={side: hand}, objects=[obj],
                             skill=HOT_SKILLS[label], name=_stem(path), source=path)
    if renormalize_quaternions:
        motion.renormalize_quaternions()
    return motion.validate()


# ---------------------------------------------------------------------------------------------------------


def _stem(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def _read_pickle(path_or_data) -> tuple[str, dict]:
    if isinstance(path_or_data, dict):
        return "<dict>", path_or_data
    path = str(path_or_data)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"motion file {path} does not exist")
    try:
        with open(path, "rb") as f:
            data = pickle.load(f)
    except Exception as e:  # noqa: BLE001
        raise MotionFormatError(path, "<file>", f"an unreadable pickle ({e.__class__.__name__}: {e})",
                                "a pickled dict") from e
    if not isinstance(data, dict):
        raise MotionFormatError(path, "<file>", type(data).__name__, "a pickled dict")
    return path, data
