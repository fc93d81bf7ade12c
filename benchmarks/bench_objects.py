#!/usr/bin/env python3
"""The cost of a different object in every env: env-steps/s of the test bed (a hand above the table, an object
dropped onto it, small random joint targets) with

* ``single <object>``: one object of the set in every env, spawned from its own USD, MuJoCo's collision detection
  (the one-object scenes' default) with the object scenes' friction model, for a one-part convex object and an
  eight-part one;
* ``bank <object>``: the object-diverse scene component holding that same object in every env (Newton's collision
  pipeline, eight collision slots per env);
* ``bank, diverse``: the object-diverse scene, env i holding training object i mod n;

measured in one run, printed with the ratios of the diverse scene to each one-object run.

    ./dex python benchmarks/bench_objects.py --num_envs 64
    ./dex python benchmarks/bench_objects.py --num_envs 4096 --device cuda:0       # on a GPU
"""
from __future__ import annotations

import argparse
import sys
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

import torch  # noqa: E402

from dex_more.assets import TABLE_HEIGHT  # noqa: E402
from dex_more.envs import DexEnv  # noqa: E402
from dex_more.envs.object_bank import ObjectBankCfg, object_usd, select_objects  # noqa: E402
from dex_more.sim import DexObjectDiversePhysicsCfg  # noqa: E402
from dex_more.tasks.testbed import make_object_bank_testbed_cfg, make_testbed_env_cfg  # noqa: E402
from dex_more.tasks.testbed.testbed_env_cfg import OBJECT_XY  # noqa: E402


def single_object_cfg(name: str, num_envs: int, device: str):
    import isaaclab.sim as sim_utils
    from isaaclab.assets import RigidObjectCfg

    obj = select_objects(ObjectBankCfg(names=[name]))[0]
    cfg = make_testbed_env_cfg("inspire_right", num_envs=num_envs, device=device)
    cfg.scene.object = RigidObjectCfg(
        prim_path="{ENV_REGEX_NS}/Object",
        spawn=sim_utils.UsdFileCfg(usd_path=object_usd(obj), rigid_props=sim_utils.UsdPhysicsRigidBodyCfg()),
        init_state=RigidObjectCfg.InitialStateCfg(pos=(*OBJECT_XY, TABLE_HEIGHT + obj.half_height + 0.1)))
    # the object scenes' friction model (elliptic cones, substeps) with MuJoCo's collision detection: the runs then
    # differ only in how the object is given to each env, not in how its contacts are solved
    cfg.sim.physics = DexObjectDiversePhysicsCfg().newton_mjwarp
    cfg.sim.physics.solver_cfg.use_mujoco_contacts = True
    return cfg


def rate(cfg, steps: int) -> float:
    env = DexEnv(cfg)
    try:
        env.reset()
        term = env.action_manager.get_term("joint_pos")
        rest = env.scene["robot"].data.joint_pos.torch[:, term._joint_ids].clone()
        for _ in range(20):  # the objects land and settle
            env.step(rest)
        t0 = time.perf_counter()
        for _ in range(steps):
            env.step(rest + 0.05 * torch.randn_like(rest))
        return steps * env.num_envs / (time.perf_counter() - t0)
    finally:
        env.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--num_envs", type=int, default=64)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--device", default="cpu")
    p.add_argument("--objects", nargs="+", default=["box_00", "mug_00"], help="objects of the one-object runs")
    a = p.parse_args()
    n = a.num_envs
    runs = {}
    for name in a.objects:
        runs[f"single {name}"] = single_object_cfg(name, n, a.device)
        runs[f"bank {name}"] = make_object_bank_testbed_cfg(num_envs=n, names=[name], device=a.device)
    runs["bank, diverse"] = make_object_bank_testbed_cfg(num_envs=n, split="train", device=a.device)
    rates = {}
    for label, cfg in runs.items():
        rates[label] = rate(cfg, a.steps)
        print(f"[bench_objects] {label:18s} num_envs={n} device={a.device}: {rates[label]:9.0f} env-steps/s", flush=True)
    for label in [k for k in rates if k != "bank, diverse"]:
        print(f"[bench_objects] diverse / {label}: {rates['bank, diverse'] / rates[label]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
