"""Procedural object library: determinism, mass from density and volume, resting on the table (Newton CPU)."""
from __future__ import annotations

import os

import numpy as np
import pytest
import torch
import trimesh
from pxr import Usd, UsdGeom

from isaaclab.envs import ManagerBasedRLEnv

from dex_more.assets import OBJECT_KINDS, TABLE_HEIGHT, USD_DIR, sample_object
from dex_more.assets.objects import MESH_KINDS, PRIMITIVE_KINDS
from dex_more.tasks.testbed import make_testbed_env_cfg


@pytest.mark.parametrize("kind", OBJECT_KINDS)
def test_sampling_is_deterministic_and_seed_dependent(kind):
    a, b, c = sample_object(kind, 7), sample_object(kind, 7), sample_object(kind, 8)
    assert a == b
    assert a.dims != c.dims
    density = a.mass / a.volume
    assert 300.0 <= density <= 900.0


def test_primitive_volumes_match_hand_formulas():
    box = sample_object("box", 0)
    assert box.volume == pytest.approx(np.prod(box.dims))
    cyl = sample_object("cylinder", 0)
    r, h = cyl.dims
    assert cyl.volume == pytest.approx(np.pi * r * r * h)
    cap = sample_object("capsule", 0)
    r, h = cap.dims
    assert cap.volume == pytest.approx(np.pi * r * r * h + 4 / 3 * np.pi * r ** 3)


@pytest.mark.parametrize("kind", MESH_KINDS)
def test_mesh_objects_are_convex_decompositions(kind):
    """The USD holds >1 convex collider; their total volume and height match the nominal numbers used for mass."""
    stage = Usd.Stage.Open(os.path.join(USD_DIR, "objects", f"{kind}.usda"))
    parts = [p for p in stage.Traverse() if p.GetName().startswith("collision_")]
    assert len(parts) > 1
    volume, zmax = 0.0, -1.0
    for p in parts:
        pts = np.asarray(UsdGeom.Mesh(p).GetPointsAttr().Get())
        hull = trimesh.convex.convex_hull(pts)
        assert hull.is_watertight
        volume += hull.volume
        zmax = max(zmax, pts[:, 2].max())
    spec = sample_object(kind, 0)
    s = spec.dims[0]
    assert spec.volume / s ** 3 == pytest.approx(volume, rel=0.02)
    assert spec.half_height / s == pytest.approx(zmax, abs=1e-3)


@pytest.mark.parametrize("kind", OBJECT_KINDS)
def test_object_dropped_on_table_comes_to_rest_on_it(kind):
    """Dropped from 10 cm above the top, the object ends on the table: no tunnelling, no bounce-off."""
    cfg = make_testbed_env_cfg("inspire_right", kind, seed=3, num_envs=2)
    spec = sample_object(kind, 3)
    x, y, _ = cfg.scene.object.init_state.pos
    rolls = kind in ("sphere", "capsule")  # round: may roll away on a flat table, but must stay on it
    if kind == "capsule":  # a capsule on its cap is an unstable equilibrium: drop it lying along x
        cfg.scene.object.init_state.rot = (0.0, 0.7071068, 0.0, 0.7071068)
        drop_z = TABLE_HEIGHT + spec.dims[0] + 0.10
    else:
        drop_z = TABLE_HEIGHT + spec.half_height + 0.10
    cfg.scene.object.init_state.pos = (x, y, drop_z)
    env = ManagerBasedRLEnv(cfg)
    try:
        env.reset()
        obj, robot = env.scene["object"], env.scene["robot"]
        hold = robot.data.joint_pos.torch[:, env.action_manager.get_term("joint_pos")._joint_ids].clone()
        for _ in range(60):  # 1 s: fall (0.14 s) and settle
            env.step(hold)
        settled = obj.data.root_pos_w.torch.clone()
        for _ in range(30):  # then 0.5 s more: at rest means it stays put
            env.step(hold)
        z = obj.data.root_pos_w.torch[:, 2]
        delta = obj.data.root_pos_w.torch - settled
        moved = delta[:, 2].abs() if rolls else delta.norm(dim=-1)
        # lowest possible resting height: the smallest half-extent (a box on its smallest side, a
        # capsule or cylinder lying down, ...); highest: upright (spheres/boxes land as dropped)
        d = spec.dims
        if kind == "box":
            smallest = min(d) / 2
        elif kind == "cylinder":
            smallest = min(d[0], d[1] / 2)
        elif kind in ("sphere", "capsule"):
            smallest = d[0]
        else:  # meshes: above the table top is all we know without their shape
            smallest = 0.0
        low = TABLE_HEIGHT + smallest - 0.003
        high = TABLE_HEIGHT + spec.half_height + 0.003
        assert torch.all(z > low), f"{kind} sank to z={z.tolist()} (table top {TABLE_HEIGHT})"
        assert torch.all(z < high), f"{kind} did not come down: z={z.tolist()}"
        # displacement, not instantaneous velocity: MuJoCo's cylinder-box contact chatters at ~2 cm/s
        # with sub-millimetre amplitude while the object stays where it is
        assert torch.all(moved < 0.002), f"{kind} moved {moved.tolist()} m in the last 0.5 s"
        if kind == "capsule":  # lying on its side
            assert torch.allclose(z, torch.full_like(z, TABLE_HEIGHT + spec.dims[0]), atol=0.003)
        elif kind in PRIMITIVE_KINDS:  # dropped flat, these land upright
            assert torch.allclose(z, torch.full_like(z, TABLE_HEIGHT + spec.half_height), atol=0.003)
    finally:
        env.close()


def test_an_object_the_library_cannot_spawn_is_a_clear_error():
    from dex_more.assets import ObjectSpec, object_cfg

    with pytest.raises(FileNotFoundError, match="cup.urdf"):
        object_cfg(ObjectSpec("/data/h2o1/right_urdf/cup.urdf", (1.0,), 0.1, name="cup"))
    with pytest.raises(ValueError, match="teapot"):
        object_cfg(ObjectSpec("teapot", (1.0,), 0.1, name="t"))
