"""Signed distances [m] to the primitive objects of the library, in the object's frame (numpy, batched)."""
from __future__ import annotations

import numpy as np


def sdf_local(kind: str, dims: tuple[float, ...], p: np.ndarray) -> np.ndarray:
    """Signed distance of points ``p`` (..., 3) in the object frame: < 0 inside, > 0 outside.

    dims as in :class:`dex_more.assets.ObjectSpec`: box (x, y, z) edges, cylinder/capsule (radius,
    height along z), sphere (radius,); for a URDF/mesh file ``kind``, (scale,).
    """
    if kind == "box":
        q = np.abs(p) - np.asarray(dims) / 2
        return np.linalg.norm(np.maximum(q, 0), axis=-1) + np.minimum(q.max(-1), 0)
    if kind == "sphere":
        return np.linalg.norm(p, axis=-1) - dims[0]
    if kind == "cylinder":
        r, h = dims
        d = np.stack([np.linalg.norm(p[..., :2], axis=-1) - r, np.abs(p[..., 2]) - h / 2], axis=-1)
        return np.minimum(d.max(-1), 0) + np.linalg.norm(np.maximum(d, 0), axis=-1)
    if kind == "capsule":
        r, h = dims
        z = np.clip(p[..., 2], -h / 2, h / 2)
        return np.linalg.norm(p - np.stack([np.zeros_like(z), np.zeros_like(z), z], -1), axis=-1) - r
    from ..assets.meshes import is_mesh_source, object_mesh

    if is_mesh_source(kind):  # a data set's mesh, scaled by dims[0]; trimesh counts inside as positive
        import trimesh

        s = dims[0] if dims else 1.0
        flat = np.asarray(p, dtype=float).reshape(-1, 3) / s
        return (-trimesh.proximity.signed_distance(object_mesh(kind), flat) * s).reshape(np.shape(p)[:-1])
    raise ValueError(f"no signed distance for object kind '{kind}' (box, sphere, cylinder, capsule or a mesh file)")


def sdf_world(kind: str, dims, pose: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Signed distance of world points ``p`` (..., 3) to an object at ``pose`` (7,) = pos + quat (x, y, z, w)."""
    from scipy.spatial.transform import Rotation

    local = Rotation.from_quat(pose[3:]).inv().apply((p - pose[:3]).reshape(-1, 3)).reshape(p.shape)
    return sdf_local(kind, dims, local)
