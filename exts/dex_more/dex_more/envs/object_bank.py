"""A different object in every parallel env: the scene component of universal grasping and multi-object tracking.

Why this design (Newton). Isaac Lab 3.0 pins multi-asset spawning to uniform variants on Newton, and Newton's MuJoCo
solver wants identical worlds: same bodies, joints, shapes and shape types; with MuJoCo's own collision detection
every world would then use world 0's meshes (newton#2314). Newton's collision pipeline
(``MJWarpSolverCfg(use_mujoco_contacts=False)``) reads each world's own shape data instead, and on the CPU it was
as fast as MuJoCo's here (bench_testbed: 463 vs 354 env-steps/s at 16 envs). So every env spawns the same object
body with :data:`~dex_more.objects.geometry.MAX_PARTS` convex-mesh collision slots (a template), and the bank
writes into Newton's model, per env: the mesh of each slot (one convex part of the env's object; unused slots get
an empty bounding box, so the broad phase never pairs them), its bounds, friction, and the body's mass, centre of
mass and inertia; then it tells the solver the model changed. A reset may assign another object the same way
(:meth:`ObjectBank.assign`), at the cost of one model update. Memory is one small mesh per convex part of the set,
whatever the number of envs; the step cost is that of :data:`MAX_PARTS` collision slots per env (benchmarks/
bench_objects.py measures it against a one-object scene).

On ``presets=physx`` the scene instead spawns one USD per object with Isaac Lab's own multi-asset spawning (env i
holds object i mod n; no reassignment on reset).
"""
from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

import numpy as np
import torch

import isaaclab.sim as sim_utils
from isaaclab.assets import RigidObjectCfg
from isaaclab.utils import configclass

from dex_more.errors import as_name_list
from dex_more.objects.geometry import MAX_PARTS
from dex_more.objects.object_set import DEFAULT_OBJECT_SET, SPLITS, ObjectAsset, load_object_set
from dex_more.paths import REPO_ROOT

if TYPE_CHECKING:
    from .dex_env import DexEnv

CACHE_DIR = os.path.join(REPO_ROOT, ".cache", "objects")
_EMPTY_BOUND = 1.0e6
"""A parked slot's local bounds run from +1e6 to -1e6 m: an inverted box that overlaps nothing."""
_PARKED_VISUAL = -100.0
"""Where an unused visual twin of a slot is put [m below its body]: past every camera's far clip, so no ray meets it
(an empty mesh would need bounds, and inverted bounds make the renderer's shape BVH span ±1e6 m)."""
SUPPORT_TABLE_VERTICES = 256
"""Newton builds support-lookup tables for convex hulls of this many vertices or more, once, for the meshes it
imported (newton/_src/sim/builder.py, _CONVEX_SUPPORT_MIN_VERTICES); a hull swapped in later has none, so the
bank's parts must stay below it (they then use the exhaustive support search, as the template's slots do)."""


@configclass
class ObjectBankCfg:
    """Which objects the envs hold. Env i starts with object i mod n (n = the number of objects chosen)."""

    object_set: str = DEFAULT_OBJECT_SET
    """Folder of the object set (``manifest.json`` + ``geometry.npz``)."""
    split: str = "train"
    """Objects of this split, unless :attr:`names` lists them."""
    names: list = []
    """Object names (empty: every object of :attr:`split`)."""
    asset_name: str = "object"
    """The scene entity (a :class:`RigidObjectCfg` made by :func:`object_bank_asset_cfg`)."""


def object_bank_asset_cfg(prim_path: str = "{ENV_REGEX_NS}/Object", pos=(0.0, 0.0, 0.0)) -> RigidObjectCfg:
    """The scene entity of an object-diverse scene on Newton: a rigid body with :data:`MAX_PARTS` convex-mesh
    collision slots (their geometry and the body's mass are written per env by :class:`ObjectBank`)."""
    return RigidObjectCfg(
        prim_path=prim_path,
        spawn=sim_utils.UsdFileCfg(usd_path=slot_template_usd(), rigid_props=sim_utils.UsdPhysicsRigidBodyCfg(),
                                   mass_props=sim_utils.MassPropertiesCfg(mass=0.1)),
        init_state=RigidObjectCfg.InitialStateCfg(pos=pos),
    )


def _object_stage():
    """An in-memory USD stage (z up, metres) whose default prim is ``/Object``."""
    from pxr import Usd, UsdGeom

    stage = Usd.Stage.CreateInMemory()
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.z)
    UsdGeom.SetStageMetersPerUnit(stage, 1.0)
    root = UsdGeom.Xform.Define(stage, "/Object").GetPrim()
    stage.SetDefaultPrim(root)
    return stage, root


def _add_mesh(stage, prim_path: str, vertices: np.ndarray, faces: np.ndarray, collider: bool):
    """A triangle mesh prim; a collider is a convex hull (the bank's parts are convex)."""
    from pxr import UsdGeom, UsdPhysics, Vt

    mesh = UsdGeom.Mesh.Define(stage, prim_path)
    mesh.CreatePointsAttr(Vt.Vec3fArray.FromNumpy(np.asarray(vertices, dtype=np.float32)))
    mesh.CreateFaceVertexCountsAttr(Vt.IntArray.FromNumpy(np.full(len(faces), 3, dtype=np.int32)))
    mesh.CreateFaceVertexIndicesAttr(Vt.IntArray.FromNumpy(np.asarray(faces, dtype=np.int32).ravel()))
    if collider:
        UsdPhysics.CollisionAPI.Apply(mesh.GetPrim())
        UsdPhysics.MeshCollisionAPI.Apply(mesh.GetPrim()).CreateApproximationAttr("convexHull")
    return mesh


def _export(stage, path: str) -> str:
    """Write ``stage`` to ``path`` atomically (parallel test workers may write the same cache file)."""
    os.makedirs(CACHE_DIR, exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp.usda"
    stage.GetRootLayer().Export(tmp)
    os.replace(tmp, path)
    return path


def slot_template_usd(slots: int = MAX_PARTS) -> str:
    """A USD rigid body with ``slots`` 2-cm cube colliders (convex hulls), written once into ``.cache/objects``."""
    path = os.path.join(CACHE_DIR, f"object_slots_{slots}.usda")
    if os.path.isfile(path):
        return path
    stage, _ = _object_stage()
    corners = np.array([[x, y, z] for x in (-0.01, 0.01) for y in (-0.01, 0.01) for z in (-0.01, 0.01)], dtype=np.float32)
    faces = np.array([[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1], [2, 3, 7], [2, 7, 6],
                      [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]], dtype=np.int32)
    for k in range(slots):
        _add_mesh(stage, f"/Object/slot_{k:02d}", corners, faces, collider=True)
    return _export(stage, path)


def select_objects(cfg: ObjectBankCfg) -> list[ObjectAsset]:
    """The objects ``cfg`` names, in order, with a clear error for an unknown split or name."""
    object_set = load_object_set(cfg.object_set)
    names = as_name_list(cfg.names)
    if names:
        return [object_set[name] for name in names]
    if cfg.split not in SPLITS:
        raise ValueError(f"unknown split '{cfg.split}'; splits: {SPLITS}")
    chosen = object_set.split(cfg.split)
    if not chosen:
        raise ValueError(f"the object set {cfg.object_set} has no object in split '{cfg.split}'")
    return chosen


class ObjectBank:
    """Which object each env holds, and the means to change it (see the module docstring).

    Attributes are per object of :attr:`objects` (index o) or per env (index e); object frame, metres, kilograms.
    """

    def __init__(self, env: DexEnv, cfg: ObjectBankCfg):
        import warp as wp
        from newton import Mesh, ShapeFlags

        from isaaclab_newton.physics import NewtonCfg

        if not isinstance(env.cfg.sim.physics, NewtonCfg):
            raise ValueError("ObjectBank writes per-env geometry into Newton's model; on PhysX the scene spawns one "
                             "USD per object instead (object_bank_physx_spawn_cfg)")
        if getattr(env.cfg.sim.physics.solver_cfg, "use_mujoco_contacts", False):
            raise ValueError("an object-diverse scene needs Newton's collision pipeline, which reads each env's own "
                             "geometry: set sim.physics.solver_cfg.use_mujoco_contacts=False "
                             "(dex_more.sim.DexObjectDiversePhysicsCfg)")
        self.cfg, self._env, self.device = cfg, env, env.device
        self.objects = select_objects(cfg)
        self.asset = env.scene[cfg.asset_name]
        self._manager = env.sim.physics_manager
        self._model = model = self._manager.get_model()
        n_obj, P = len(self.objects), MAX_PARTS
        # every convex part of every object as a Newton mesh (kept alive here: the model holds raw pointers)
        self._meshes, ptr = [], np.zeros((n_obj, P), dtype=np.int64)
        lo = np.full((n_obj, P, 3), _EMPTY_BOUND, dtype=np.float32)
        hi = np.full((n_obj, P, 3), -_EMPTY_BOUND, dtype=np.float32)
        radius = np.zeros((n_obj, P), dtype=np.float32)
        for o, obj in enumerate(self.objects):
            if len(obj.parts) > P:
                raise ValueError(f"object '{obj.name}' has {len(obj.parts)} convex parts; the bank holds {P}")
            for k, (vertices, faces) in enumerate(obj.parts):
                if len(vertices) >= SUPPORT_TABLE_VERTICES:
                    raise ValueError(f"object '{obj.name}' part {k} has {len(vertices)} vertices; the bank takes hulls "
                                     f"of fewer than {SUPPORT_TABLE_VERTICES} (see SUPPORT_TABLE_VERTICES)")
                mesh = Mesh(vertices, faces.ravel(), compute_inertia=False)
                ptr[o, k] = int(mesh.finalize(device=self.device))
                self._meshes.append(mesh)
                lo[o, k], hi[o, k] = vertices.min(0), vertices.max(0)
                radius[o, k] = np.linalg.norm(vertices, axis=1).max()
            ptr[o, len(obj.parts):] = ptr[o, 0]  # a parked slot keeps a valid mesh; its empty bounds keep it out
        t = lambda a, dtype=torch.float32: torch.as_tensor(a, dtype=dtype, device=self.device)  # noqa: E731
        self.part_ptr, self.part_lower, self.part_upper, self.part_radius = t(ptr, torch.int64), t(lo), t(hi), t(radius)
        self.mass = t([o.mass for o in self.objects])
        self.com = t(np.stack([o.com for o in self.objects]))
        self.inertia = t(np.stack([o.inertia for o in self.objects]))
        # the model also holds the inverses: computed once per object, not at every reset
        self._inv_mass, self._inv_inertia = 1.0 / self.mass, torch.linalg.inv(self.inertia)
        self._part_transform = t([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0])  # parts are in the object frame
        self._parked_transform = t([0.0, 0.0, _PARKED_VISUAL, 0.0, 0.0, 0.0, 1.0])
        self.friction = t([o.friction for o in self.objects])
        self.half_height = t([o.half_height for o in self.objects])
        """(n,) height [m] of each object's origin above a table it rests on as authored."""
        self.height = t([o.extents[2] for o in self.objects])
        """(n,) each object's height [m] as it rests on a table."""
        # each env's object body and its slot shapes, in slot order
        # the asset's prim path is a regex over the envs ("/World/envs/env_[^/]+/Object"): its bodies, by env
        body_of_env = {}
        for b, label in enumerate(model.body_label):
            if re.fullmatch(self.asset.cfg.prim_path, label):
                body_of_env[int(re.search(r"/envs/env_(\d+)/", label).group(1))] = b
        if len(body_of_env) != env.num_envs:
            raise RuntimeError(f"found the body {self.asset.cfg.prim_path} in {len(body_of_env)} envs, not {env.num_envs}")
        shape_body = model.shape_body.numpy()
        labels = model.shape_label
        # a scene with a camera also holds each slot's visual twin ("slot_XX_visual": drawn, not colliding)
        flags = model.shape_flags.numpy()
        collides = (flags & int(ShapeFlags.COLLIDE_SHAPES)) != 0
        drawn = ((flags & int(ShapeFlags.VISIBLE)) != 0) & ~collides
        self.bodies = t([body_of_env[e] for e in range(env.num_envs)], torch.int64)
        slots, visual_slots = [], []
        for e in range(env.num_envs):
            shapes = sorted(np.flatnonzero((shape_body == body_of_env[e]) & collides), key=lambda s: labels[s])
            if len(shapes) != P:
                raise RuntimeError(f"env {e}: the object body has {len(shapes)} collision shapes, not the {P} slots "
                                   "of the slot template (object_bank_asset_cfg)")
            slots.append(shapes)
            twins = sorted(np.flatnonzero((shape_body == body_of_env[e]) & drawn), key=lambda s: labels[s])
            if twins and len(twins) != P:
                raise RuntimeError(f"env {e}: the object body has {len(twins)} visual shapes, not 0 or {P}")
            visual_slots.append(twins)
        self.slots = t(np.array(slots), torch.int64)
        self.visual_slots = t(np.array(visual_slots), torch.int64) if visual_slots[0] else None
        """(N, P) each env's visual twins of the slots, where the scene renders (a camera); else None. The first
        shows the object's visual mesh, the others are parked out of sight (see :data:`_PARKED_VISUAL`)."""
        box = np.stack([[o.visual_vertices.min(0), o.visual_vertices.max(0)] for o in self.objects])  # (n, 2, 3)
        self.visual_bounds = t(box)
        """(n, 2, 3) lower and upper corner of each object's visual mesh, object frame [m]."""
        pick = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)])  # low/high per axis
        self.box_corners = t(box[:, pick, np.arange(3)])
        """(n, 8, 3) corners of each object's bounding box in its object frame [m] (x slowest, z fastest)."""
        if self.visual_slots is not None:
            self._visual_meshes = [Mesh(o.visual_vertices, o.visual_faces.ravel(), compute_inertia=False)
                                   for o in self.objects]
            self.visual_ptr = t([int(m.finalize(device=self.device)) for m in self._visual_meshes], torch.int64)
        # torch views of the model arrays the bank writes (uint64 mesh ids seen as int64)
        self._src = wp.to_torch(wp.array(ptr=model.shape_source_ptr.ptr, dtype=wp.int64, shape=model.shape_source_ptr.shape,
                                         device=model.shape_source_ptr.device))
        self._views = {name: wp.to_torch(getattr(model, name)) for name in (
            "shape_collision_aabb_lower", "shape_collision_aabb_upper", "shape_collision_radius", "shape_scale",
            "shape_transform", "shape_material_mu", "body_mass", "body_inv_mass", "body_com", "body_inertia",
            "body_inv_inertia")}
        if self.visual_slots is not None:
            self._views["bvh_shape_bounds"] = wp.to_torch(model.bvh_shape_bounds)
        self.object_ids = torch.zeros(env.num_envs, dtype=torch.long, device=self.device)
        """(N,) index into :attr:`objects` of the object each env holds."""
        self.scale = torch.ones(env.num_envs, device=self.device)
        """(N,) uniform scale of each env's object (1: as in the object set)."""
        self._planes: torch.Tensor | None = None
        self.assign(torch.arange(env.num_envs, device=self.device),
                    torch.arange(env.num_envs, device=self.device) % n_obj)

    @property
    def num_objects(self) -> int:
        return len(self.objects)

    def assign(self, env_ids: torch.Tensor, object_ids: torch.Tensor, scale: torch.Tensor | None = None) -> None:
        """Give env ``env_ids[i]`` object ``object_ids[i]``, scaled uniformly by ``scale[i]`` (default 1): its
        collision parts, friction, mass, centre of mass and inertia (a solid of the same density: mass × s³,
        inertia × s⁵), from the next physics step on (the body's pose is the caller's: see :attr:`half_height`)."""
        from newton import ModelFlags

        env_ids, object_ids = env_ids.long(), object_ids.long()
        s = torch.ones(len(env_ids), device=self.device) if scale is None else scale.to(self.device, torch.float32)
        v, slots, bodies = self._views, self.slots[env_ids], self.bodies[env_ids]
        s1, s3, s5 = s[:, None], s**3, s[:, None, None] ** 5
        self._src[slots] = self.part_ptr[object_ids]
        # a parked slot's inverted bounds (±1e6) stay inverted under any positive scale
        v["shape_collision_aabb_lower"][slots] = self.part_lower[object_ids] * s1[..., None]
        v["shape_collision_aabb_upper"][slots] = self.part_upper[object_ids] * s1[..., None]
        v["shape_collision_radius"][slots] = self.part_radius[object_ids] * s1
        v["shape_scale"][slots] = s1[..., None].expand(-1, slots.shape[1], 3)
        v["shape_transform"][slots] = self._part_transform
        v["shape_material_mu"][slots] = self.friction[object_ids, None]
        v["body_mass"][bodies] = self.mass[object_ids] * s3
        v["body_inv_mass"][bodies] = self._inv_mass[object_ids] / s3
        v["body_com"][bodies] = self.com[object_ids] * s1
        v["body_inertia"][bodies] = self.inertia[object_ids] * s5
        v["body_inv_inertia"][bodies] = self._inv_inertia[object_ids] / s5
        if self.visual_slots is not None:
            self._assign_visuals(self.visual_slots[env_ids], object_ids, s1)
        self.object_ids[env_ids] = object_ids
        self.scale[env_ids] = s
        self._manager.add_model_change(ModelFlags.SHAPE_PROPERTIES | ModelFlags.BODY_INERTIAL_PROPERTIES)

    def _assign_visuals(self, twins: torch.Tensor, object_ids: torch.Tensor, s1: torch.Tensor) -> None:
        """The renderer's view (a camera's scene): the first twin draws the object's visual mesh, scaled, with the
        bounds its shape BVH reads (refitted at every render); the other twins are parked out of sight."""
        v, first = self._views, twins[:, 0]
        self._src[first] = self.visual_ptr[object_ids]
        v["bvh_shape_bounds"][first] = self.visual_bounds[object_ids]
        v["shape_scale"][first] = s1.expand(-1, 3)
        v["shape_transform"][first] = self._part_transform
        v["shape_transform"][twins[:, 1:]] = self._parked_transform

    def index_of(self, name: str) -> int:
        """Index in :attr:`objects` of the object called ``name`` (KeyError naming the bank's objects)."""
        names = [o.name for o in self.objects]
        if name not in names:
            raise KeyError(f"no object '{name}' in this scene's object bank ({self.cfg.object_set}); it holds {names}")
        return names.index(name)

    def surface_distance(self, points: torch.Tensor) -> torch.Tensor:
        """(N, M) signed distance [m] of points (N, M, 3) in the env frame to each env's object where it is now
        (< 0 inside; :func:`~dex_more.objects.geometry.parts_signed_distance` of its scaled convex parts)."""
        from isaaclab.utils.math import quat_apply_inverse

        from dex_more.objects.geometry import hull_planes, parts_signed_distance, stack_hull_planes

        if self._planes is None:
            self._planes = stack_hull_planes([hull_planes([v for v, _ in o.parts]) for o in self.objects]).to(self.device)
        data = self.asset.data
        pos = data.root_pos_w.torch - self._env.scene.env_origins
        local = quat_apply_inverse(data.root_quat_w.torch[:, None].expand(-1, points.shape[1], -1), points - pos[:, None])
        s = self.scale[:, None]
        return parts_signed_distance(local / s[..., None], self._planes[self.object_ids, None]) * s

    @property
    def env_half_height(self) -> torch.Tensor:
        """(N,) :attr:`half_height` of each env's object."""
        return self.half_height[self.object_ids]

    @property
    def env_height(self) -> torch.Tensor:
        """(N,) :attr:`height` of each env's object."""
        return self.height[self.object_ids]


def object_usd(obj: ObjectAsset) -> str:
    """A USD of ``obj`` (visual mesh, convex parts as colliders, its mass) for PhysX's multi-asset spawning, written
    once into ``.cache/objects`` by content."""
    import hashlib

    key = hashlib.sha1(obj.visual_vertices.tobytes() + np.float64(obj.mass).tobytes()).hexdigest()[:12]
    path = os.path.join(CACHE_DIR, f"{obj.name}_{key}.usda")
    if os.path.isfile(path):
        return path
    from pxr import Gf, UsdPhysics

    stage, root = _object_stage()
    mass_api = UsdPhysics.MassAPI.Apply(root)
    mass_api.CreateMassAttr(float(obj.mass))
    mass_api.CreateCenterOfMassAttr(Gf.Vec3f(*map(float, obj.com)))
    _add_mesh(stage, "/Object/visual", obj.visual_vertices, obj.visual_faces, collider=False)
    for k, (vertices, faces) in enumerate(obj.parts):
        _add_mesh(stage, f"/Object/collision_{k:02d}", vertices, faces, collider=True).CreatePurposeAttr("guide")
    return _export(stage, path)


def object_bank_physx_spawn_cfg(cfg: ObjectBankCfg) -> sim_utils.MultiAssetSpawnerCfg:
    """PhysX (Isaac Sim): one USD per object through Isaac Lab's multi-asset spawning; the scene needs
    ``replicate_physics=False``. Untested here: no Isaac Sim on the development machines."""
    return sim_utils.MultiAssetSpawnerCfg(
        assets_cfg=[sim_utils.UsdFileCfg(usd_path=object_usd(o)) for o in select_objects(cfg)],
        rigid_props=sim_utils.UsdPhysicsRigidBodyCfg(), collision_props=sim_utils.UsdPhysicsCollisionCfg())

