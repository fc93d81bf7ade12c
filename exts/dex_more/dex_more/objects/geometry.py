"""Geometry of an object: convex collision parts, mass properties, surface samples, and signed distances.

Frames and units: the object frame is the mesh's (origin at its bounding-box centre, z up); metres, kilograms.
"""
from __future__ import annotations

import numpy as np
import torch
import trimesh

MAX_PARTS = 8
"""Convex parts per object at most: the collision slots every env of an object-diverse scene holds."""
MAX_PART_VERTICES = 64
"""Vertices per convex part at most (the support-function cost of a contact query grows with them)."""


def convex_parts(mesh: trimesh.Trimesh, convex: bool) -> list[trimesh.Trimesh]:
    """The collision shape of ``mesh``: its hull if it is convex, else a VHACD decomposition (at most
    :data:`MAX_PARTS` hulls of at most :data:`MAX_PART_VERTICES` vertices), sorted by centroid (stable order)."""
    if convex:
        return [mesh.convex_hull]
    raw = trimesh.decomposition.convex_decomposition(mesh, maxConvexHulls=MAX_PARTS, resolution=200000,
                                                     maxNumVerticesPerCH=MAX_PART_VERTICES // 2)
    parts = [trimesh.Trimesh(**p).convex_hull for p in (raw if isinstance(raw, list) else [raw])]
    parts = [p for p in parts if p.volume > 1e-9]  # VHACD can emit flat slivers: no volume, no use
    return sorted(parts, key=lambda m: tuple(np.round(m.centroid, 5)))


def inflate(part: trimesh.Trimesh, distance: float) -> trimesh.Trimesh:
    """The convex ``part`` grown by about ``distance`` [m]: each vertex moved along its normal (same vertex count).
    Closes the sub-millimetre gaps and cracks VHACD leaves between neighbouring hulls."""
    return trimesh.convex.convex_hull(part.vertices + distance * part.vertex_normals)


def solid_union(parts: list[trimesh.Trimesh], seed: int = 0) -> trimesh.Trimesh | None:
    """The union of ``parts`` if it is one clean solid, else ``None``: one watertight body whose surface has no
    faces inside the parts (a crack or cavity between hulls would put surface points and grasp contacts inside the
    object). Checked on surface samples stepped 0.3 mm outward: at most 0.5 % may land inside (concave creases)."""
    if len(parts) == 1:
        return parts[0].copy()  # a copy: moving the solid must not move its part a second time
    union = trimesh.boolean.union(parts, engine="manifold")
    if len(union.split(only_watertight=False)) != 1 or not union.is_watertight:
        return None
    points, faces = trimesh.sample.sample_surface(union, 2000, seed=seed)
    outside = points + 3e-4 * union.face_normals[faces]
    planes = hull_planes([p.vertices for p in parts], dtype=torch.float64)
    inside = parts_signed_distance(torch.from_numpy(outside), planes) < 0
    return union if float(inside.double().mean()) <= 0.005 else None


def resting_transform(mesh: trimesh.Trimesh) -> np.ndarray:
    """(4, 4) rotation that sets ``mesh`` down on a table as it rests: the identity if it was authored in one of its
    stable poses (a mug, a bottle upright), else its most probable stable pose (a capsule or an ellipsoid on its
    side): an object spawned upright on a rounded end would topple at every reset."""
    transforms, _ = trimesh.poses.compute_stable_poses(mesh)  # most probable first
    if any(t[2, 2] > 0.999 for t in transforms):
        return np.eye(4)
    rotation = np.eye(4)
    rotation[:3, :3] = transforms[0][:3, :3]
    return rotation


def mass_properties(mesh: trimesh.Trimesh, density: float) -> tuple[float, np.ndarray, np.ndarray]:
    """Mass [kg], centre of mass (3,) [m] and inertia (3, 3) [kg m²] about the centre of mass (object axes) of a
    watertight ``mesh`` of uniform ``density`` [kg/m³]."""
    props = trimesh.triangles.mass_properties(mesh.triangles, density=density)
    return float(props.mass), np.asarray(props.center_mass), np.asarray(props.inertia)


def surface_points(mesh: trimesh.Trimesh, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` points uniformly on the surface (area-weighted) and their outward normals, reproducible by seed."""
    points, faces = trimesh.sample.sample_surface(mesh, count, seed=seed)
    return points.astype(np.float32), mesh.face_normals[faces].astype(np.float32)


def hull_planes(parts: list[np.ndarray], dtype=torch.float32) -> torch.Tensor:
    """(K, F, 4) face planes (n, d) of each part's convex hull, n·x = d on the face, n outward; padded with planes
    that never bind (n = 0, d = 1e6)."""
    planes = []
    for vertices in parts:
        hull = trimesh.convex.convex_hull(vertices)
        n = hull.face_normals
        planes.append(np.concatenate([n, (n * hull.triangles[:, 0]).sum(-1, keepdims=True)], axis=1))
    out = np.zeros((len(planes), max(len(p) for p in planes), 4))
    out[..., 3] = 1e6
    for k, p in enumerate(planes):
        out[k, : len(p)] = p
    return torch.tensor(out, dtype=dtype)


def stack_hull_planes(per_object: list[torch.Tensor]) -> torch.Tensor:
    """(n, K, F, 4) the :func:`hull_planes` of n objects, padded to the most parts and faces: a padding face never
    binds, a padding part is outside everywhere (one plane n = 0, d = -1e6)."""
    K, F = max(p.shape[0] for p in per_object), max(p.shape[1] for p in per_object)
    out = torch.zeros(len(per_object), K, F, 4, dtype=per_object[0].dtype)
    out[..., 3] = 1e6
    for o, p in enumerate(per_object):
        out[o, : p.shape[0], : p.shape[1]] = p
        out[o, p.shape[0]:, 0, 3] = -1e6
    return out


def parts_signed_distance(points: torch.Tensor, planes: torch.Tensor) -> torch.Tensor:
    """Signed distance-like field (...,) of the union of convex parts at ``points`` (..., 3) [m]: min over parts of
    the largest face-plane distance. Exact inside and on the surface (its zero level set is the surface); outside,
    a lower bound of the distance that is exact over faces and smaller near edges and corners. Differentiable.

    ``planes``: (K, F, 4) of one object (:func:`hull_planes`), or with leading dimensions that broadcast against
    the points' (one object per batch entry, :func:`stack_hull_planes`)."""
    d = torch.einsum("...c,...kfc->...kf", points, planes[..., :3]) - planes[..., 3]
    return d.max(-1).values.min(-1).values


def binding_normals(points: torch.Tensor, planes: torch.Tensor) -> torch.Tensor:
    """(..., 3) outward normal of the face that sets :func:`parts_signed_distance` at ``points`` (..., 3): the
    field's gradient wherever it is differentiable."""
    d = torch.einsum("...c,kfc->...kf", points, planes[..., :3]) - planes[..., 3]
    face = d.argmax(-1)  # (..., K) binding face of each part
    part = d.max(-1).values.argmin(-1, keepdim=True)  # (..., 1) the part that sets the minimum
    return planes[part[..., 0], torch.gather(face, -1, part)[..., 0], :3]
