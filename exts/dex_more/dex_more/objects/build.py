"""Build the bundled object set deterministically: each object is a function of (family, index, seed).

A family draws a shape; a non-convex shape is decomposed into at most eight convex parts, and the object is the
union of its parts (watertight): its surface, surface points, mass and inertia are those of the shape the
simulation collides with. The object frame has the object resting on a table (z up), as it spawns.
"""
from __future__ import annotations

import numpy as np
from .families import CONVEX_FAMILIES, FAMILIES, TOOL_FAMILIES, UNSEEN_FAMILIES, make_object_mesh, within_rules
from .geometry import convex_parts, inflate, mass_properties, resting_transform, solid_union, surface_points
from .object_set import ObjectAsset

DENSITY_RANGE = (200.0, 600.0)
"""Uniform density [kg/m³]: hollow-ish plastic and wood."""
FRICTION_RANGE = (0.6, 1.0)
"""Coulomb friction coefficient against hand and table."""
GAP_CLOSING = (0.0, 0.5e-3, 1e-3, 2e-3)
"""Outward offsets [m] tried in turn on a decomposition's parts until their union is one solid."""
SURFACE_POINTS = 512
UNSEEN_OBJECTS_PER_FAMILY = 4
"""Objects of each training family held out as the ``unseen_objects`` split (the last ones by index)."""


def object_split(family: str, index: int, per_family: int) -> str:
    if family in UNSEEN_FAMILIES:
        return "unseen_families"
    return "unseen_objects" if index >= per_family - UNSEEN_OBJECTS_PER_FAMILY else "train"


def solid_from_mesh(mesh, convex: bool):
    """The collision shape of ``mesh`` as one clean solid (see :func:`solid_union`) and its convex parts, or
    ``(None, None)`` when no gap closing of :data:`GAP_CLOSING` makes one."""
    raw = convex_parts(mesh, convex)
    for gap in GAP_CLOSING:
        parts = [inflate(p, gap) for p in raw] if gap else raw
        solid = solid_union(parts)
        if solid is not None:
            return solid, parts
    return None, None


def object_from_solid(name: str, family: str, split: str, mesh, parts, rng: np.random.Generator,
                      density: float | None = None, friction: float | None = None) -> ObjectAsset:
    """An :class:`ObjectAsset` of a solid and its convex parts (object frame as given); density and friction drawn
    from their ranges unless given."""
    density = float(rng.uniform(*DENSITY_RANGE) if density is None else density)
    friction = float(rng.uniform(*FRICTION_RANGE) if friction is None else friction)
    mass, com, inertia = mass_properties(mesh, density)
    points, normals = surface_points(mesh, SURFACE_POINTS, seed=int(rng.integers(2**31)))
    return ObjectAsset(name=name, family=family, split=split,
                       visual_vertices=np.asarray(mesh.vertices, dtype=np.float32),
                       visual_faces=np.asarray(mesh.faces, dtype=np.int32),
                       parts=[(np.asarray(p.vertices, dtype=np.float32), np.asarray(p.faces, dtype=np.int32)) for p in parts],
                       points=points, normals=normals, mass=mass, density=density, friction=friction,
                       com=com, inertia=inertia)


def build_object(family: str, index: int, per_family: int, seed: int = 0) -> ObjectAsset:
    """Object ``index`` of ``family``: the same inputs give the same object, byte for byte, on the pinned stack."""
    rng = np.random.default_rng([seed, list(FAMILIES).index(family), index])
    for _ in range(20):
        # the object is its collision shape: the union of its convex parts, so what a policy sees (points, shape
        # code) and what a grasp is planned on is what the simulation collides with
        mesh, parts = solid_from_mesh(make_object_mesh(family, rng), family in CONVEX_FAMILIES)
        if mesh is None:
            continue
        # the object frame: as it rests on a table, z up, origin at its bounding-box centre (the size rules hold
        # in this frame: a turned object has other axis-aligned extents)
        rest = resting_transform(mesh)
        mesh.apply_transform(rest)
        shift = -mesh.bounds.mean(axis=0)
        mesh.apply_translation(shift)
        for part in parts:
            part.apply_transform(rest)
            part.apply_translation(shift)
        if within_rules(mesh):
            break
    else:
        raise RuntimeError(f"{family} {index}: no decomposition within the size rules after 20 draws")
    return object_from_solid(f"{family}_{index:02d}", family, object_split(family, index, per_family), mesh, parts, rng)


def build_tool(family: str, index: int, seed: int = 0, split: str = "train") -> ObjectAsset:
    """Tool-like object ``index`` of ``family`` (:data:`~.families.TOOL_FAMILIES`): the union of its convex parts,
    which are its collision parts as drawn (no decomposition); the object frame is its bounding-box centre, lying
    flat on a table (z up)."""
    if family not in TOOL_FAMILIES:
        raise ValueError(f"unknown tool family '{family}'; tool families: {sorted(TOOL_FAMILIES)}")
    rng = np.random.default_rng([seed, len(FAMILIES) + list(TOOL_FAMILIES).index(family), index])
    parts = TOOL_FAMILIES[family](rng)
    mesh = solid_union(parts)
    if mesh is None or not within_rules(mesh):
        raise RuntimeError(f"{family} {index}: its parts do not make one solid within the size rules")
    shift = -mesh.bounds.mean(axis=0)
    for m in (mesh, *parts):
        m.apply_translation(shift)
    return object_from_solid(f"{family}_{index:02d}", family, split, mesh, parts, rng)
