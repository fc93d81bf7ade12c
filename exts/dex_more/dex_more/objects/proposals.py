"""Validated grasp proposals of an object set on disk: ``grasps_<hand>.npz`` beside the set's manifest, written by
``scripts/make_grasps.py``, read by :func:`load_proposals`.

The archive holds ``hand`` (the bundled hand's name), ``joint_names`` (A,) (the hand's finger joints, the columns of
``joint_pos``) and, per object ``<name>`` with at least one proposal:

- ``<name>/wrist_pos`` (G, 3) [m] and ``<name>/wrist_quat`` (G, 4) x-y-z-w: the hand root body's pose in the object
  frame; ``<name>/joint_pos`` (G, A) [rad] (:mod:`dex_more.objects.grasps`' proposal);
- its quality: ``<name>/penetration`` (G,) [m] (deepest hand point in the object), ``<name>/tips`` (G, F) [m]
  (each fingertip's distance to the surface, negative inside) and ``<name>/shift`` (G,) [m] (how far the object moved
  in the hand during the simulated hold and shake, :mod:`dex_more.envs.grasp_validation`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from dex_more.assets import get_hand
from dex_more.errors import check_unit_quaternions, numeric_array

from .object_set import DEFAULT_OBJECT_SET, ObjectFormatError, read_npz

POSE_FIELDS = ("wrist_pos", "wrist_quat", "joint_pos")
"""A proposal proper (:mod:`dex_more.objects.grasps`)."""
FIELDS = POSE_FIELDS + ("penetration", "tips", "shift")
"""What the archive holds per object: the proposal and its quality."""


def proposals_path(root: str = DEFAULT_OBJECT_SET, hand: str = "shadow_right") -> str:
    return os.path.join(root, f"grasps_{hand}.npz")


def report_path(root: str = DEFAULT_OBJECT_SET, hand: str = "shadow_right") -> str:
    """The CSV beside the archive: per object the candidates, how many held, and the kept proposals' quality."""
    return os.path.join(root, f"grasps_{hand}_report.csv")


@dataclass
class GraspProposals:
    """One object's proposals (see the module docstring for units and frames)."""

    wrist_pos: np.ndarray
    wrist_quat: np.ndarray
    joint_pos: np.ndarray
    penetration: np.ndarray
    tips: np.ndarray
    shift: np.ndarray

    def __len__(self) -> int:
        return len(self.wrist_pos)


def save_proposals(path: str, hand: str, proposals: dict[str, GraspProposals]) -> None:
    """Write ``proposals`` (objects without any are left out); atomically: a half-written archive never replaces
    a good one."""
    arrays = {"hand": np.array(hand), "joint_names": np.array(get_hand(hand).finger_joint_names)}
    for name, p in proposals.items():
        if len(p):
            arrays.update({f"{name}/{key}": np.asarray(getattr(p, key), dtype=np.float32) for key in FIELDS})
    tmp = path + ".tmp.npz"
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, path)


def load_proposals(root: str = DEFAULT_OBJECT_SET, hand: str = "shadow_right") -> dict[str, GraspProposals]:
    """The proposals of ``hand`` for the objects of the set in ``root``, by object name. Malformed input raises
    :class:`~dex_more.objects.object_set.ObjectFormatError` naming the file and the field."""
    path = proposals_path(root, hand)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no grasp proposals for {hand}; build them with "
                                f"scripts/make_grasps.py --objects {root} --hand {hand}")
    raw = read_npz(path, "the .npz archive scripts/make_grasps.py writes")
    for key in ("hand", "joint_names"):
        if key not in raw:
            raise ObjectFormatError(path, key, "nothing", "the arrays make_grasps.py writes")
    if str(raw["hand"]) != hand:
        raise ObjectFormatError(path, "hand", repr(str(raw["hand"])), repr(hand))
    spec = get_hand(hand)
    names = [str(n) for n in np.asarray(raw["joint_names"]).ravel()]
    if names != list(spec.finger_joint_names):
        raise ObjectFormatError(path, "joint_names", f"{names[:4]}... ({len(names)})",
                                f"the {len(spec.finger_joint_names)} finger joints of {hand} in order")
    objects = sorted({key.split("/")[0] for key in raw if "/" in key})
    out = {}
    A, F = len(names), len(spec.fingertip_body_names)
    for obj in objects:
        fields = {}
        for key in FIELDS:
            field = f"{obj}/{key}"
            if field not in raw:
                raise ObjectFormatError(path, field, "nothing", "every field of a proposal (module docstring)")
            g = len(fields["wrist_pos"]) if fields else None
            shape = {"wrist_pos": (None, 3), "wrist_quat": (g, 4), "joint_pos": (g, A), "penetration": (g,),
                     "tips": (g, F), "shift": (g,)}[key]
            fields[key] = numeric_array(ObjectFormatError, path, field, raw[field], shape, min_rows=1).astype(np.float32)
        check_unit_quaternions(ObjectFormatError, path, f"{obj}/wrist_quat", fields["wrist_quat"])
        out[obj] = GraspProposals(**fields)
    return out
