"""Procedural object library: primitives and convex-decomposed meshes with seeded sizes and masses.

An :class:`ObjectSpec` is a plain description (shape, dimensions in metres, mass in kg) that is
deterministic given ``(kind, seed)``; :func:`object_cfg` turns it into an Isaac Lab ``RigidObjectCfg``.
Primitive kinds spawn from Isaac Lab's shape spawners; mesh kinds load ``usd_assets/objects/<kind>.usda``
(built by ``scripts/build_assets.py``: a non-convex trimesh shape, its VHACD convex parts as
colliders) scaled to the sampled size. Object frames: origin at the centre of the shape's bounding
box, z up for cylinders/capsules (axis along z).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

import isaaclab.sim as sim_utils
from isaaclab.assets import RigidObjectCfg

from .meshes import is_mesh_source, object_usd_for
from ..paths import USD_DIR

PRIMITIVE_KINDS = ("box", "cylinder", "sphere", "capsule")
MESH_KINDS = ("torus", "mug", "l_bracket")
OBJECT_KINDS = PRIMITIVE_KINDS + MESH_KINDS

# Graspable ranges [m]: a human hand closes around 2-8 cm; densities of wood/plastic [kg/m^3]
_DENSITY_RANGE = (300.0, 900.0)
_MESH_SCALE_RANGE = (0.8, 1.2)  # mesh kinds are authored at a nominal graspable size


@dataclass(frozen=True)
class ObjectSpec:
    """One object: ``kind``, dimensions [m] and mass [kg].

    ``dims`` per kind: box (x, y, z) full edge lengths; cylinder/capsule (radius, height) with height
    along z (the capsule's height excludes its caps); sphere (radius,); mesh kinds (scale,) of the
    nominal mesh.
    """

    kind: str
    dims: tuple[float, ...]
    mass: float
    name: str = ""

    @property
    def volume(self) -> float:
        """Volume [m^3] of primitive kinds (mesh kinds: of the nominal mesh × scale^3)."""
        d = self.dims
        if self.kind == "box":
            return d[0] * d[1] * d[2]
        if self.kind == "cylinder":
            return np.pi * d[0] ** 2 * d[1]
        if self.kind == "sphere":
            return 4.0 / 3.0 * np.pi * d[0] ** 3
        if self.kind == "capsule":
            return np.pi * d[0] ** 2 * d[1] + 4.0 / 3.0 * np.pi * d[0] ** 3
        return _MESH_NOMINAL_VOLUME[self.kind] * d[0] ** 3

    @property
    def half_height(self) -> float:
        """Half the extent along z [m]: how high the origin sits above a table it rests on upright."""
        d = self.dims
        if self.kind == "box":
            return d[2] / 2
        if self.kind == "cylinder":
            return d[1] / 2
        if self.kind == "sphere":
            return d[0]
        if self.kind == "capsule":
            return d[1] / 2 + d[0]
        return _MESH_NOMINAL_HALF_HEIGHT[self.kind] * d[0]


# nominal volume [m^3] and half-height [m] of the mesh kinds at scale 1 (set by scripts/build_assets.py)
_MESH_NOMINAL_VOLUME = {"torus": 1.253e-4, "mug": 1.881e-4, "l_bracket": 1.604e-4}
_MESH_NOMINAL_HALF_HEIGHT = {"torus": 0.0125, "mug": 0.045, "l_bracket": 0.055}


def sample_object(kind: str, seed: int) -> ObjectSpec:
    """Deterministic object of ``kind`` for ``seed``: same inputs, same sizes and mass, on any machine."""
    if kind not in OBJECT_KINDS:
        raise ValueError(f"unknown object kind '{kind}'; expected one of {OBJECT_KINDS}")
    rng = np.random.default_rng([seed, OBJECT_KINDS.index(kind)])
    if kind == "box":
        dims = tuple(float(x) for x in rng.uniform(0.03, 0.08, size=3))
    elif kind == "cylinder":
        dims = (float(rng.uniform(0.015, 0.035)), float(rng.uniform(0.05, 0.14)))
    elif kind == "sphere":
        dims = (float(rng.uniform(0.02, 0.04)),)
    elif kind == "capsule":
        dims = (float(rng.uniform(0.012, 0.025)), float(rng.uniform(0.04, 0.10)))
    else:
        dims = (float(rng.uniform(*_MESH_SCALE_RANGE)),)
    spec = ObjectSpec(kind, dims, 0.0, name=f"{kind}_{seed}")
    density = float(rng.uniform(*_DENSITY_RANGE))
    return ObjectSpec(kind, dims, round(density * spec.volume, 6), name=spec.name)


def object_spawn_cfg(spec: ObjectSpec) -> sim_utils.SpawnerCfg:
    """The spawner of ``spec``: a dynamic rigid body with collision and the spec's mass."""
    common = dict(
        rigid_props=sim_utils.UsdPhysicsRigidBodyCfg(),
        mass_props=sim_utils.MassPropertiesCfg(mass=spec.mass),
        collision_props=sim_utils.UsdPhysicsCollisionCfg(),
        visual_material=sim_utils.PreviewSurfaceCfg(diffuse_color=(0.8, 0.45, 0.1)),
    )
    d = spec.dims
    if spec.kind == "box":
        return sim_utils.CuboidCfg(size=d, **common)
    if spec.kind == "cylinder":
        return sim_utils.CylinderCfg(radius=d[0], height=d[1], axis="Z", **common)
    if spec.kind == "sphere":
        return sim_utils.SphereCfg(radius=d[0], **common)
    if spec.kind == "capsule":
        return sim_utils.CapsuleCfg(radius=d[0], height=d[1], axis="Z", **common)
    if is_mesh_source(spec.kind):  # a data set's own object: URDF or mesh file, converted once
        scale = d[0] if d else 1.0
        return sim_utils.UsdFileCfg(usd_path=object_usd_for(spec.kind), scale=(scale, scale, scale),
                                    rigid_props=common["rigid_props"], mass_props=common["mass_props"])
    if spec.kind not in MESH_KINDS:
        raise ValueError(f"object '{spec.name}' has shape '{spec.kind}': expected one of the library's kinds "
                         f"{OBJECT_KINDS} or a URDF/mesh file")
    return sim_utils.UsdFileCfg(
        usd_path=os.path.join(USD_DIR, "objects", f"{spec.kind}.usda"),
        scale=(d[0], d[0], d[0]),
        rigid_props=common["rigid_props"],
        mass_props=common["mass_props"],
    )


def object_cfg(spec: ObjectSpec, prim_path: str = "{ENV_REGEX_NS}/Object",
               pos: tuple[float, float, float] = (0.0, 0.0, 0.0),
               rot: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 1.0)) -> RigidObjectCfg:
    """``RigidObjectCfg`` of ``spec`` at ``pos`` [m] / ``rot`` (x, y, z, w: Isaac Lab 3 order) in the environment frame."""
    return RigidObjectCfg(
        prim_path=prim_path,
        spawn=object_spawn_cfg(spec),
        init_state=RigidObjectCfg.InitialStateCfg(pos=pos, rot=rot),
    )
