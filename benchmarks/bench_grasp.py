#!/usr/bin/env python3
"""Env-steps/s of the universal-grasping tasks, measured in one run, with the ratio of each to the base task:

* ``Dex-Grasp-Base-Shadow-v0``: one object in every env (the base policy's task);
* ``Dex-Grasp-Hyper-Shadow-v0``: every env its own training object, a new random one at each reset (the
  hyper-policy's task: the managers' terms for pose, velocities and shape code, and one model update per reset);
* ``Dex-Grasp-Student-Shadow-v0``: the hyper task plus the student's 512-point cloud.

Random actions (std 0.5) for ``--steps`` control steps after 20 to settle; episodes end and reset as in training.

    ./dex python benchmarks/bench_grasp.py --num_envs 64
    ./dex python benchmarks/bench_grasp.py --num_envs 4096 --device cuda:0        # on a GPU
"""
from __future__ import annotations

import argparse
import sys
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

import gymnasium as gym  # noqa: E402
import torch  # noqa: E402

import dex_more.tasks  # noqa: E402, F401
from isaaclab_tasks.utils import parse_env_cfg  # noqa: E402

TASKS = ("Dex-Grasp-Base-Shadow-v0", "Dex-Grasp-Hyper-Shadow-v0", "Dex-Grasp-Student-Shadow-v0")


def rate(task: str, num_envs: int, steps: int, device: str) -> float:
    cfg = parse_env_cfg(task, device=device, num_envs=num_envs)
    cfg.seed = 0
    env = gym.make(task, cfg=cfg).unwrapped
    try:
        env.reset()
        dim = env.action_manager.total_action_dim
        for _ in range(20):
            env.step(0.5 * torch.randn(num_envs, dim, device=device))
        t0 = time.perf_counter()
        for _ in range(steps):
            env.step(0.5 * torch.randn(num_envs, dim, device=device))
        return steps * num_envs / (time.perf_counter() - t0)
    finally:
        env.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--num_envs", type=int, default=64)
    p.add_argument("--steps", type=int, default=200, help="control steps timed (one episode is 200)")
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    torch.manual_seed(0)
    rates = {t: rate(t, a.num_envs, a.steps, a.device) for t in TASKS}
    base = rates[TASKS[0]]
    print(f"\n{a.num_envs} envs, {a.steps} steps, {a.device}")
    for t, r in rates.items():
        print(f"{t:30s} {r:9.0f} env-steps/s   cost × {base / r:.2f} of the base task")
    return 0


if __name__ == "__main__":
    sys.exit(main())
