"""Mesh objects: a data set's own object (URDF or mesh file) as a convex-decomposed USD, and its geometry.

``object_usd_for(path)`` converts once (trimesh + VHACD, then cached under ``.cache/objects/`` by the mesh
file's content) and returns a USD that ``sim_utils.UsdFileCfg`` spawns: the visual mesh plus its convex
parts as colliders, the frame of the source mesh kept (metres). ``object_mesh(path)`` is the mesh itself,
for signed distances, shape codes and point clouds.
"""
from __future__ import annotations

import functools
import hashlib
import os
import xml.etree.ElementTree as ET

import numpy as np

from ..paths import REPO_ROOT

MESH_SUFFIXES = (".obj", ".stl", ".ply", ".glb", ".off")
CACHE_DIR = os.path.join(REPO_ROOT, ".cache", "objects")


def is_mesh_source(shape: str) -> bool:
    """Whether an object shape names a file (URDF or mesh) rather than a library kind."""
    return shape.lower().endswith((".urdf", *MESH_SUFFIXES))


def _urdf_mesh(path: str) -> tuple[str, np.ndarray]:
    """The first collision mesh of a URDF (else its first visual mesh) and its scale."""
    root = ET.parse(path).getroot()
    for tag in ("collision", "visual"):
        for el in root.iter(tag):
            mesh = el.find("geometry/mesh")
            if mesh is not None and mesh.get("filename"):
                file = mesh.get("filename").replace("package://", "")
                scale = np.array([float(x) for x in mesh.get("scale", "1 1 1").split()])
                return os.path.normpath(os.path.join(os.path.dirname(path), file)), scale
    raise ValueError(f"{path}: no <collision> or <visual> mesh in the URDF")


@functools.lru_cache(maxsize=32)
def object_mesh(path: str):
    """The object's triangle mesh [m] in its own frame (trimesh), from a URDF or a mesh file."""
    import trimesh

    if not os.path.isfile(path):
        raise FileNotFoundError(f"object file {path} does not exist")
    scale = np.ones(3)
    if path.lower().endswith(".urdf"):
        path, scale = _urdf_mesh(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"the URDF's mesh {path} does not exist")
    mesh = trimesh.load(path, force="mesh")
    if not isinstance(mesh, trimesh.Trimesh) or len(mesh.faces) == 0:
        raise ValueError(f"{path}: not a triangle mesh")
    mesh.apply_scale(scale)
    return mesh


def write_convex_object_usd(mesh, path: str, max_hulls: int = 16) -> dict:
    """USD of ``mesh``: visual mesh + VHACD convex parts as (invisible) convex-hull colliders."""
    import trimesh
    from pxr import Usd, UsdGeom, UsdPhysics, Vt

    parts = [trimesh.Trimesh(**p) for p in trimesh.decomposition.convex_decomposition(
        mesh, maxConvexHulls=max_hulls, resolution=200000, maxNumVerticesPerCH=48)]
    parts = [p for p in parts if abs(p.volume) > 1e-9]  # VHACD can emit flat slivers: no volume, no use
    parts.sort(key=lambda m: tuple(np.round(m.centroid, 5)))  # stable prim order
    stage = Usd.Stage.CreateInMemory()
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.z)
    UsdGeom.SetStageMetersPerUnit(stage, 1.0)
    stage.SetDefaultPrim(UsdGeom.Xform.Define(stage, "/Object").GetPrim())

    def add_mesh(prim_path, m, visible):
        um = UsdGeom.Mesh.Define(stage, prim_path)
        um.CreatePointsAttr(Vt.Vec3fArray.FromNumpy(np.asarray(m.vertices, dtype=np.float32)))
        um.CreateFaceVertexCountsAttr(Vt.IntArray.FromNumpy(np.full(len(m.faces), 3, dtype=np.int32)))
        um.CreateFaceVertexIndicesAttr(Vt.IntArray.FromNumpy(np.asarray(m.faces, dtype=np.int32).ravel()))
        um.CreateSubdivisionSchemeAttr("none")
        if not visible:
            um.CreatePurposeAttr("guide")
        return um

    add_mesh("/Object/visual", mesh, True).CreateDisplayColorAttr([(0.8, 0.45, 0.1)])
    for i, part in enumerate(parts):
        um = add_mesh(f"/Object/collision_{i:02d}", part, False)
        UsdPhysics.CollisionAPI.Apply(um.GetPrim())
        UsdPhysics.MeshCollisionAPI.Apply(um.GetPrim()).CreateApproximationAttr("convexHull")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    stage.GetRootLayer().Export(path)
    return {"parts": len(parts), "volume": float(sum(p.volume for p in parts)),
            "half_height": float(mesh.extents[2] / 2)}


def object_usd_for(path: str) -> str:
    """The spawnable USD of a data set's object file, converted on first use and cached by content."""
    mesh = object_mesh(path)
    key = hashlib.sha1(np.ascontiguousarray(mesh.vertices).tobytes() + np.ascontiguousarray(mesh.faces).tobytes())
    out = os.path.join(CACHE_DIR, f"{key.hexdigest()[:16]}.usda")
    if not os.path.isfile(out):
        tmp = out + f".{os.getpid()}.tmp.usda"
        write_convex_object_usd(mesh, tmp)
        os.replace(tmp, out)
    return out
