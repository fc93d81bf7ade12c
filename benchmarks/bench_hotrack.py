#!/usr/bin/env python3
"""Env steps/s of an HO-tracking task on Newton, with random policy actions (imitator included).

    ./dex python benchmarks/bench_hotrack.py --task Dex-HOTrack-Bimanual-v0 --num_envs 16 64 --imitator auto

Prints one line per env count and the throughput ratio between them, measured in the same run.
Residual tasks need imitator checkpoints (``--imitator auto``: the newest under logs/), or use a
``-FromScratch-v0`` task.
"""
from __future__ import annotations

import argparse
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

import gymnasium as gym  # noqa: E402
import torch  # noqa: E402

import dex_more.tasks  # noqa: E402, F401
from dex_more.cli import check_task, resolve_imitators  # noqa: E402
from isaaclab_tasks.utils import parse_env_cfg  # noqa: E402


def bench(task: str, num_envs: int, steps: int, device: str, imitators: dict[str, str]) -> float:
    cfg = parse_env_cfg(task, device=device, num_envs=num_envs)
    for side, path in imitators.items():
        getattr(cfg.actions, f"hand_{side}").imitator_checkpoint = path
    env = gym.make(task, cfg=cfg).unwrapped
    env.reset()
    a = torch.zeros(num_envs, env.action_manager.total_action_dim, device=device)
    for _ in range(10):
        env.step(a)
    t0 = time.perf_counter()
    for _ in range(steps):
        env.observation_manager.compute()  # what a policy step costs too (imitator included)
        env.step(0.1 * torch.randn_like(a))
    rate = steps * num_envs / (time.perf_counter() - t0)
    env.close()
    return rate


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", default="Dex-HOTrack-Bimanual-v0")
    p.add_argument("--num_envs", nargs="+", type=int, default=[16, 64])
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--device", default="cpu")
    p.add_argument("--imitator", action="append", default=[], help="as for scripts/train.py (PATH, side=PATH, auto)")
    a = p.parse_args()
    check_task(a.task)
    imitators = resolve_imitators(a.task, a.imitator) if a.imitator else {}
    rates = {n: bench(a.task, n, a.steps, a.device, imitators) for n in a.num_envs}
    for n, r in rates.items():
        print(f"[bench_hotrack] {a.task} num_envs={n:5d} device={a.device}: {r:9.0f} env-steps/s")
    for n in a.num_envs[1:]:
        print(f"[bench_hotrack] throughput ratio {n}/{a.num_envs[0]} envs: {rates[n] / rates[a.num_envs[0]]:.2f}x")


if __name__ == "__main__":
    main()
