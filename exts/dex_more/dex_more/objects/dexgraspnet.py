"""DexGraspNet-style grasp data: per object a mesh and grasp poses ``(R, t, q)``, loaded as an object set and
grasp proposals (:mod:`dex_more.objects.grasps`' format) for the hands of this package.

Layout of a data set folder::

    <root>/meshes/<object>.obj      any mesh trimesh reads (.obj, .stl, .ply, .glb), metres, the object frame
    <root>/grasps/<object>.npz      or .npy (DexGraspNet's config dict, saved with np.save)

A grasp file holds ``trans`` (G, 3) [m] and ``rot`` (G, 3, 3): the pose of the hand's root body
(:attr:`DexHand.root_body`) in the object frame; ``joint_angles`` (G, J) [rad]; optionally ``joint_names`` (J,)
naming its columns (a dataset prefix such as ``robot0:`` is ignored: ``robot0:FFJ3`` is the hand's ``rh_FFJ3``;
without names the columns are the hand's :attr:`~DexHand.finger_joint_names` order) and ``scale`` (a number: the
mesh is scaled by it, and the grasps' translations with it). Objects without a grasp file are an error: a grasping
data set without grasps is a mistake worth hearing about.
"""
from __future__ import annotations

import os
import zipfile

import numpy as np
import torch

import isaaclab.utils.math as math_utils

from dex_more.assets import DexHand
from dex_more.errors import check_rotation_matrices, numeric_array

from .object_set import ObjectFormatError, ObjectSet

MESH_SUFFIXES = (".obj", ".stl", ".ply", ".glb")


def _array(blob, key: str, source: str, shape: tuple, what: str, min_rows: int = 0) -> np.ndarray:
    """``blob[key]`` as float64 of ``shape`` (None: any size), finite, or a :class:`ObjectFormatError`."""
    if key not in blob:
        raise ObjectFormatError(source, key, "nothing", what)
    return numeric_array(ObjectFormatError, source, key, blob[key], shape, expected=what, min_rows=min_rows)


def _read_grasp_file(path: str) -> dict:
    try:
        if path.endswith(".npy"):
            blob = np.load(path, allow_pickle=True)  # DexGraspNet saves a dict: its own format needs pickle
            blob = blob.item() if blob.dtype == object and blob.shape == () else None
        else:
            with np.load(path) as f:
                blob = {k: f[k] for k in f.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        raise ObjectFormatError(path, "(file)", f"unreadable ({str(e)[:100]})", "an .npz archive or a .npy dict") from None
    if not isinstance(blob, dict):
        raise ObjectFormatError(path, "(file)", "not a dict of arrays", "keys trans, rot, joint_angles")
    return blob


def _column_order(names, num_columns: int, hand: DexHand, source: str) -> list[int]:
    """Column of each of the hand's finger joints in a file whose ``num_columns`` columns are ``names``."""
    wanted = list(hand.finger_joint_names)
    if len(names) != num_columns:
        raise ObjectFormatError(source, "joint_names", f"{len(names)} names",
                                f"one name per column of joint_angles ({num_columns})")
    tail = lambda n: str(n).split(":")[-1]  # noqa: E731  (robot0:FFJ3 -> FFJ3)
    short = {n.split("_", 1)[-1]: n for n in wanted}  # FFJ3 -> rh_FFJ3
    columns = {}
    for c, name in enumerate(names):
        full = str(name) if str(name) in wanted else short.get(tail(name))
        if full is None:
            raise ObjectFormatError(source, "joint_names", repr(str(name)), f"joints of {hand.name}: {wanted}")
        if full in columns:
            raise ObjectFormatError(source, "joint_names", f"{full} in columns {columns[full]} and {c}",
                                    "each joint named once")
        columns[full] = c
    missing = [n for n in wanted if n not in columns]
    if missing:
        raise ObjectFormatError(source, "joint_names", f"no column for {missing}", f"every finger joint of {hand.name}")
    return [columns[n] for n in wanted]


def load_grasps(path: str, hand: DexHand, scale: float = 1.0) -> dict[str, np.ndarray]:
    """One grasp file as proposals: ``wrist_pos`` (G, 3) [m], ``wrist_quat`` (G, 4) x-y-z-w, ``joint_pos`` (G, A)
    in ``hand``'s finger-joint order. Malformed input raises :class:`ObjectFormatError` naming file and field."""
    blob = _read_grasp_file(path)
    t = _array(blob, "trans", path, (None, 3), "(G, 3) translations [m], G >= 1", min_rows=1)
    g = len(t)
    R = _array(blob, "rot", path, (g, 3, 3), f"({g}, 3, 3) rotation matrices")
    check_rotation_matrices(ObjectFormatError, path, "rot", R, tol=1e-4)
    q = _array(blob, "joint_angles", path, (g, None), f"({g}, J) joint angles [rad]")
    if "joint_names" in blob:
        q = q[:, _column_order(list(np.asarray(blob["joint_names"]).ravel()), q.shape[1], hand, path)]
    elif q.shape[1] != len(hand.finger_joint_names):
        raise ObjectFormatError(path, "joint_angles", f"{q.shape[1]} columns",
                                f"{len(hand.finger_joint_names)} (the finger joints of {hand.name}), or joint_names")
    if "scale" in blob:
        scale = float(_array(blob, "scale", path, (), "a number > 0 (the mesh's scale)"))
        if scale <= 0:
            raise ObjectFormatError(path, "scale", str(scale), "a number > 0 (the mesh's scale)")
    quat = math_utils.quat_from_matrix(torch.from_numpy(R)).numpy()
    return {"wrist_pos": (t * scale).astype(np.float32), "wrist_quat": quat.astype(np.float32),
            "joint_pos": q.astype(np.float32), "scale": scale}


def load_dexgraspnet(root: str, hand: DexHand, split: str = "train", seed: int = 0
                     ) -> tuple[ObjectSet, dict[str, dict[str, np.ndarray]]]:
    """A DexGraspNet-style folder as an object set (convex parts, mass, points: as the bundled set's) and each
    object's grasp proposals. Objects keep their files' frames."""
    import trimesh

    from .build import object_from_solid, solid_from_mesh

    mesh_dir, grasp_dir = os.path.join(root, "meshes"), os.path.join(root, "grasps")
    for d in (mesh_dir, grasp_dir):
        if not os.path.isdir(d):
            raise FileNotFoundError(f"{root}: no '{os.path.basename(d)}/' folder (layout: see dex_more.objects.dexgraspnet)")
    mesh_files: dict[str, str] = {}
    for f in sorted(os.listdir(mesh_dir)):
        if f.lower().endswith(MESH_SUFFIXES):
            mesh_files.setdefault(os.path.splitext(f)[0], os.path.join(mesh_dir, f))
    names = sorted(mesh_files)
    if not names:
        raise FileNotFoundError(f"{mesh_dir}: no meshes ({', '.join(MESH_SUFFIXES)})")
    objects, grasps = [], {}
    rng = np.random.default_rng(seed)
    for name in names:
        grasp_path = next((os.path.join(grasp_dir, name + s) for s in (".npz", ".npy")
                           if os.path.isfile(os.path.join(grasp_dir, name + s))), None)
        if grasp_path is None:
            raise FileNotFoundError(f"{grasp_dir}: no {name}.npz or {name}.npy for the mesh of '{name}'")
        proposals = load_grasps(grasp_path, hand)
        mesh_path = mesh_files[name]
        try:
            mesh = trimesh.load(mesh_path, force="mesh")
        except Exception as e:  # noqa: BLE001  (trimesh raises many kinds for a bad file)
            raise ObjectFormatError(mesh_path, "(file)", f"unreadable ({str(e)[:100]})", "a triangle mesh") from None
        if not isinstance(mesh, trimesh.Trimesh) or len(mesh.faces) == 0 or not mesh.is_volume:
            raise ObjectFormatError(mesh_path, "(mesh)", "no closed volume (open, empty or inconsistently wound)",
                                    "a watertight triangle mesh")
        mesh.apply_scale(proposals.pop("scale"))
        solid, parts = solid_from_mesh(mesh, convex=False)
        if solid is None:
            raise ObjectFormatError(mesh_path, "(mesh)", "a shape whose convex decomposition is not one solid",
                                    "a single connected object")
        objects.append(object_from_solid(name, "dexgraspnet", split, solid, parts, rng))
        grasps[name] = proposals
    return ObjectSet(objects, {"dexgraspnet": "seen"}), grasps
