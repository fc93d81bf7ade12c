"""A different object in each parallel env on Newton (dex_more.envs.object_bank): each env simulates its own
object's geometry, mass and friction, and a reset can give it another."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.spatial.transform import Rotation

from dex_more.assets import TABLE_HEIGHT
from dex_more.objects.object_set import load_object_set

NUM_ENVS = 16


def _pick_objects(count: int) -> list[str]:
    """Training objects spread over the families, multi-part ones included."""
    objects = load_object_set().split("train")
    by_family: dict[str, list] = {}
    for o in objects:
        by_family.setdefault(o.family, []).append(o.name)
    names, k = [], 0
    while len(names) < count:
        for family in sorted(by_family):
            if k < len(by_family[family]) and len(names) < count:
                names.append(by_family[family][k])
        k += 1
    return names


@pytest.fixture(scope="module")
def bank_env():
    from dex_more.envs import DexEnv
    from dex_more.tasks.testbed import make_object_bank_testbed_cfg

    names = _pick_objects(12)
    env = DexEnv(make_object_bank_testbed_cfg(num_envs=NUM_ENVS, names=names))
    env.reset()
    yield env
    env.close()


def _settle(env, steps: int = 150):
    term = env.action_manager.get_term("joint_pos")
    rest = env.scene["robot"].data.joint_pos.torch[:, term._joint_ids].clone()
    for _ in range(steps):
        env.step(rest)


def _lowest_point(env, e: int) -> float:
    """Height [m] above the table top of the lowest vertex of env ``e``'s own object, at its simulated pose."""
    obj = env.scene["object"].data
    asset = env.object_bank.objects[int(env.object_bank.object_ids[e])]
    R = Rotation.from_quat(obj.root_quat_w.torch[e].numpy())
    world = R.apply(asset.visual_vertices) + obj.root_pos_w.torch[e].numpy()
    return float(world[:, 2].min() - env.scene.env_origins[e, 2] - TABLE_HEIGHT)


def test_every_env_simulates_its_own_object_resting_on_the_table(bank_env):
    env = bank_env
    bank = env.object_bank
    ids = bank.object_ids.tolist()
    assert len(set(ids)) >= 8, f"only {len(set(ids))} distinct objects in {NUM_ENVS} envs"
    _settle(env)
    obj = env.scene["object"].data
    assert float(obj.root_lin_vel_w.torch.norm(dim=-1).max()) < 0.02, "objects still moving"
    for e in range(NUM_ENVS):
        gap = _lowest_point(env, e)
        # resting on the table: its own lowest point at the table top, within 2 mm of interpenetration
        assert -0.002 <= gap <= 0.002, f"env {e} ({bank.objects[ids[e]].name}): lowest point {gap * 1000:.2f} mm"
    # the mass each env simulates is its own object's
    masses = obj.body_mass.torch[:, 0]
    expect = torch.tensor([bank.objects[i].mass for i in ids])
    assert torch.allclose(masses, expect, rtol=1e-5)


def test_heights_differ_as_the_objects_do(bank_env):
    """Objects of different sizes rest at different heights: no env uses another env's geometry."""
    env = bank_env
    _settle(env, 30)
    heights = env.scene["object"].data.root_pos_w.torch[:, 2]
    ids = env.object_bank.object_ids
    pairs = [(a, b) for a in range(NUM_ENVS) for b in range(NUM_ENVS) if ids[a] != ids[b]]
    differ = sum(abs(float(heights[a] - heights[b])) > 0.003 for a, b in pairs)
    assert differ > 0.8 * len(pairs)


def test_a_reset_that_assigns_a_new_object_simulates_the_new_one(bank_env):
    env = bank_env
    bank = env.object_bank
    # env 0 takes the tallest-resting object, env 1 the flattest, then both reset (dropped 10 cm onto the table)
    order = np.argsort([o.half_height for o in bank.objects])
    flat, tall = int(order[0]), int(order[-1])
    bank.assign(torch.tensor([0, 1]), torch.tensor([tall, flat]))
    env._reset_idx(torch.tensor([0, 1]))
    _settle(env)
    for e, index in ((0, tall), (1, flat)):
        assert int(bank.object_ids[e]) == index
        gap = _lowest_point(env, e)
        assert -0.002 <= gap <= 0.002, f"env {e}: lowest point {gap * 1000:.2f} mm from the table"
    assert float(env.scene["object"].data.body_mass.torch[0, 0]) == pytest.approx(bank.objects[tall].mass, rel=1e-5)


def test_the_bank_refuses_mujoco_contacts_and_unknown_objects():
    from dex_more.envs.object_bank import ObjectBankCfg, select_objects

    with pytest.raises(KeyError, match="no object 'teapot_99'"):
        select_objects(ObjectBankCfg(names=["teapot_99"]))
    with pytest.raises(ValueError, match="unknown split 'validation'"):
        select_objects(ObjectBankCfg(split="validation"))


def test_the_physx_usd_holds_the_objects_parts_and_mass(tmp_path, monkeypatch):
    """presets=physx spawns one USD per object: its colliders are the object's convex parts, its mass the object's."""
    from pxr import Usd, UsdGeom, UsdPhysics

    import dex_more.envs.object_bank as bank

    monkeypatch.setattr(bank, "CACHE_DIR", str(tmp_path))
    obj = next(o for o in load_object_set().objects if len(o.parts) > 2)
    stage = Usd.Stage.Open(bank.object_usd(obj))
    root = stage.GetDefaultPrim()
    assert UsdPhysics.MassAPI(root).GetMassAttr().Get() == pytest.approx(obj.mass, rel=1e-6)
    colliders = [p for p in stage.Traverse() if p.HasAPI(UsdPhysics.CollisionAPI)]
    assert len(colliders) == len(obj.parts)
    for prim, (vertices, faces) in zip(colliders, obj.parts):
        np.testing.assert_allclose(np.asarray(UsdGeom.Mesh(prim).GetPointsAttr().Get()), vertices)
        assert UsdPhysics.MeshCollisionAPI(prim).GetApproximationAttr().Get() == "convexHull"
