#!/usr/bin/env python3
"""Env steps/s of the scene test bed (one hand + one object on the table) on Newton.

    python benchmarks/bench_testbed.py --hands inspire_right shadow_right --num_envs 16 64 --device cpu

Actions: small random joint-target perturbations around the rest pose. Prints one line per
(hand, num_envs) and the ratio of throughput between the env counts, measured in the same run.
"""
from __future__ import annotations

import argparse
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

import torch  # noqa: E402

from isaaclab.envs import ManagerBasedRLEnv  # noqa: E402

from dex_more.tasks.testbed import make_testbed_env_cfg  # noqa: E402


def bench(hand: str, num_envs: int, steps: int, device: str, object_kind: str, cone: str | None) -> float:
    cfg = make_testbed_env_cfg(hand, object_kind, seed=0, num_envs=num_envs, device=device)
    if cone:
        cfg.sim.physics.solver_cfg.cone = cone
    if device != "cpu":
        cfg.sim.physics.use_cuda_graph = True
    env = ManagerBasedRLEnv(cfg)
    env.reset()
    term = env.action_manager.get_term("joint_pos")
    rest = env.scene["robot"].data.joint_pos.torch[:, term._joint_ids].clone()
    for _ in range(10):
        env.step(rest)
    t0 = time.perf_counter()
    for _ in range(steps):
        env.step(rest + 0.05 * torch.randn_like(rest))
    dt = time.perf_counter() - t0
    env.close()
    return steps * num_envs / dt


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--hands", nargs="+", default=["inspire_right"])
    p.add_argument("--num_envs", nargs="+", type=int, default=[16, 64])
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--object", default="box")
    p.add_argument("--cone", default=None, choices=[None, "pyramidal", "elliptic"])
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    for hand in a.hands:
        rates = {n: bench(hand, n, a.steps, a.device, a.object, a.cone) for n in a.num_envs}
        for n, r in rates.items():
            print(f"[bench_testbed] {hand:14s} {a.object:8s} num_envs={n:5d} device={a.device}: {r:9.0f} env-steps/s")
        base = a.num_envs[0]
        for n in a.num_envs[1:]:
            print(f"[bench_testbed] {hand:14s} throughput ratio {n}/{base} envs: {rates[n] / rates[base]:.2f}x")


if __name__ == "__main__":
    main()
