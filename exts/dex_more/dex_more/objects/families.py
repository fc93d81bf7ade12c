"""Procedural object families of the bundled object set: graspable household-like shapes (trimesh), deterministic
given a random generator.

Every maker returns a watertight mesh in metres, z up, centred on its bounding box, with its largest extent in
[:data:`MIN_EXTENT`, :data:`MAX_EXTENT`] and a side a Shadow hand can close around (at most :data:`MAX_GRASP_WIDTH`
across). Primitive families are convex; ``bottle``, ``mug``, ``torus`` and ``bracket`` are not (their collision
shape is a convex decomposition, :mod:`.geometry`).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import trimesh

MIN_EXTENT, MAX_EXTENT = 0.04, 0.25
"""Bounds of an object's largest extent [m]."""
MAX_GRASP_WIDTH = 0.09
"""Largest width [m] of the narrowest side: what a Shadow hand spans between thumb and fingers."""
MAX_VOLUME = 1.0e-3
"""Largest volume [m³] (1 l): at the set's densities at most 0.6 kg, what one hand lifts."""


def _box(rng: np.random.Generator) -> trimesh.Trimesh:
    """Cuboids from cubes to slabs and sticks."""
    longest = rng.uniform(0.05, 0.22)
    dims = np.array([longest, longest * rng.uniform(0.2, 1.0), longest * rng.uniform(0.2, 1.0)])
    dims = np.maximum(dims, 0.02)
    dims[2] = min(dims[2], MAX_GRASP_WIDTH)  # one side stays graspable
    return trimesh.creation.box(extents=rng.permutation(dims))


def _cylinder(rng: np.random.Generator) -> trimesh.Trimesh:
    """Discs, cans and rods (axis z)."""
    radius = rng.uniform(0.015, 0.045)
    height = rng.uniform(max(0.03, MIN_EXTENT - 2 * radius), 0.22)
    return trimesh.creation.cylinder(radius=radius, height=height, sections=32)


def _ellipsoid(rng: np.random.Generator) -> trimesh.Trimesh:
    """Spheres, eggs and lentils: a scaled geodesic sphere (42 vertices; facets within 4 % of the radius)."""
    a = rng.uniform(0.022, 0.07)
    semi = np.array([a, a * rng.uniform(0.5, 1.0), a * rng.uniform(0.4, 1.2)])
    semi = np.minimum(semi, 0.085)
    semi[np.argmin(semi)] = min(semi.min(), MAX_GRASP_WIDTH / 2)
    mesh = trimesh.creation.icosphere(subdivisions=1)
    mesh.apply_scale(semi)
    return mesh


def _capsule(rng: np.random.Generator) -> trimesh.Trimesh:
    """Pills and handles (axis z)."""
    radius = rng.uniform(0.012, 0.035)
    length = rng.uniform(max(0.01, MIN_EXTENT - 2 * radius), 0.18)
    return trimesh.creation.capsule(height=length, radius=radius, count=[8, 8])


def _bottle(rng: np.random.Generator) -> trimesh.Trimesh:
    """A body of revolution: a body, a shoulder narrowing to a neck (non-convex)."""
    r = rng.uniform(0.02, 0.045)
    body, shoulder = rng.uniform(0.05, 0.14), rng.uniform(0.01, 0.03)
    neck_r, neck_h = r * rng.uniform(0.3, 0.55), rng.uniform(0.015, 0.05)
    profile = np.array([[0.0, 0.0], [r, 0.0], [r, body], [neck_r, body + shoulder],
                        [neck_r, body + shoulder + neck_h], [0.0, body + shoulder + neck_h]])
    return trimesh.creation.revolve(profile, sections=24)


def _mug(rng: np.random.Generator) -> trimesh.Trimesh:
    """A cup (wall, bottom) with a side handle (non-convex)."""
    r, h, wall = rng.uniform(0.028, 0.045), rng.uniform(0.06, 0.12), rng.uniform(0.004, 0.007)
    profile = np.array([[0.0, 0.0], [r, 0.0], [r, h], [r - wall, h], [r - wall, wall], [0.0, wall]])
    cup = trimesh.creation.revolve(profile, sections=32)
    bend, tube = rng.uniform(0.016, 0.026), rng.uniform(0.004, 0.007)
    handle = trimesh.creation.torus(major_radius=bend, minor_radius=tube, major_sections=24, minor_sections=8)
    handle.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))  # ring in the x-z plane
    handle.apply_translation([r + bend * 0.55, 0.0, h * 0.55])
    return trimesh.boolean.union([cup, handle], engine="manifold")


def _torus(rng: np.random.Generator) -> trimesh.Trimesh:
    """Rings lying flat (non-convex)."""
    major = rng.uniform(0.022, 0.07)
    minor = rng.uniform(0.006, min(0.02, 0.6 * major))
    return trimesh.creation.torus(major_radius=major, minor_radius=minor, major_sections=24, minor_sections=10)


def _bracket(rng: np.random.Generator) -> trimesh.Trimesh:
    """L-, T- and U-shaped profiles of flat bar extruded along y (non-convex)."""
    t, w = rng.uniform(0.012, 0.028), rng.uniform(0.02, 0.06)
    a, b = rng.uniform(0.05, 0.15), rng.uniform(0.04, 0.12)
    kind = rng.integers(3)
    bars = [trimesh.creation.box(extents=(a, w, t), transform=trimesh.transformations.translation_matrix([a / 2, 0, t / 2]))]
    uprights = {0: [0.0], 1: [a / 2], 2: [0.0, a]}[int(kind)]  # L, T, U
    for x in uprights:
        x = min(max(x, t / 2), a - t / 2)
        bars.append(trimesh.creation.box(extents=(t, w, b), transform=trimesh.transformations.translation_matrix([x, 0, b / 2])))
    return trimesh.boolean.union(bars, engine="manifold")


FAMILIES: dict[str, Callable[[np.random.Generator], trimesh.Trimesh]] = {
    "box": _box, "cylinder": _cylinder, "ellipsoid": _ellipsoid, "capsule": _capsule,
    "bottle": _bottle, "mug": _mug, "torus": _torus, "bracket": _bracket,
}
"""Family name -> maker. The paper's "categories"."""

def _hammer(rng: np.random.Generator) -> list[trimesh.Trimesh]:
    """A handle (cylinder along x) with a head (box along y) at one end; both rest on the table (equal heights)."""
    r, length = rng.uniform(0.012, 0.016), rng.uniform(0.15, 0.19)
    head = (rng.uniform(0.025, 0.035), rng.uniform(0.08, 0.10), 2 * r)
    handle = trimesh.creation.cylinder(radius=r, height=length, sections=16,
                                       transform=trimesh.transformations.rotation_matrix(np.pi / 2, [0, 1, 0]))
    handle.apply_translation([length / 2, 0.0, 0.0])
    return [handle, trimesh.creation.box(extents=head, transform=trimesh.transformations.translation_matrix(
        [length + head[0] / 2 - 0.004, 0.0, 0.0]))]


def _sword(rng: np.random.Generator) -> list[trimesh.Trimesh]:
    """A grip (box), a cross guard and a flat blade along x, bottoms level so that it lies flat on the table."""
    grip = (rng.uniform(0.07, 0.09), rng.uniform(0.022, 0.028), rng.uniform(0.018, 0.024))
    guard = (0.012, rng.uniform(0.06, 0.08), grip[2])
    blade = (rng.uniform(0.12, 0.14), rng.uniform(0.025, 0.035), 0.008)
    parts, x = [], 0.0
    for dims in (grip, guard, blade):
        parts.append(trimesh.creation.box(extents=dims, transform=trimesh.transformations.translation_matrix(
            [x + dims[0] / 2, 0.0, dims[2] / 2])))
        x += dims[0] - 0.002  # 2 mm overlap: one solid
    return parts


TOOL_FAMILIES: dict[str, Callable[[np.random.Generator], list[trimesh.Trimesh]]] = {"hammer": _hammer, "sword": _sword}
"""Family name -> maker of the convex parts of a tool-like object (HOT's hammer and sword). Not in :data:`FAMILIES`:
the bundled object set does not hold them; ``scripts/make_hot_demos.py`` builds them for the HOT clips."""

CONVEX_FAMILIES = ("box", "cylinder", "ellipsoid", "capsule")
UNSEEN_FAMILIES = ("torus", "bracket")
"""Held out whole: the ``unseen_families`` split."""


def within_rules(mesh: trimesh.Trimesh) -> bool:
    """Whether ``mesh`` is a watertight object of the set's sizes (extent, graspable width, volume)."""
    extents = np.sort(mesh.extents)
    return bool(MIN_EXTENT <= extents[-1] <= MAX_EXTENT and extents[0] <= MAX_GRASP_WIDTH
                and mesh.is_watertight and mesh.volume <= MAX_VOLUME)


def make_object_mesh(family: str, rng: np.random.Generator, attempts: int = 50) -> trimesh.Trimesh:
    """A mesh of ``family`` within the set's size rules, centred on its bounding box (re-drawn until it fits)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown object family '{family}'; families: {sorted(FAMILIES)}")
    for _ in range(attempts):
        mesh = FAMILIES[family](rng)
        if within_rules(mesh):
            mesh.apply_translation(-mesh.bounds.mean(axis=0))
            return mesh
    raise RuntimeError(f"no {family} within the size rules after {attempts} draws")
