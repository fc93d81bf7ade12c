#!/usr/bin/env python3
"""The two-stage HO-tracking recipe in one command: imitator(s), then the residual policy over them.

    ./dex python scripts/train_hotrack.py --task Dex-HOTrack-Bimanual-v0            # the README's main job
    ./dex python scripts/train_hotrack.py --task Dex-HOTrack-Right-v0 --imitator_iterations 400 \\
        --residual_iterations 1000 --num_envs 64

Stage 1 trains the hand imitator of each side the task needs (``Dex-HOTrack-Imitator[-Left]-v0``, hands
only), unless a checkpoint of it already exists under logs/ and ``--retrain_imitators`` is not given.
Stage 2 trains the residual task with those imitators frozen inside its action terms. Both stages run
``scripts/train.py``'s code; logs go to logs/rsl_rl/<task>/<time>/. Extra arguments (hydra overrides such as
``env.commands.motion.clip_names=[...]``) go to stage 2.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

import dex_more.tasks  # noqa: E402, F401
from dex_more.cli import check_task, dex_train_argv, imitator_tasks, latest_checkpoint  # noqa: E402
from isaaclab_rl.entrypoints.backends import train_rsl_rl  # noqa: E402


def train(task: str, iterations: int, num_envs: int, device: str, seed: int, extra: list[str]) -> str:
    t0 = time.time()
    train_rsl_rl.run(dex_train_argv(["--task", task, "--num_envs", str(num_envs), "--device", device,
                                     "--max_iterations", str(iterations), "--seed", str(seed), *extra]))
    ckpt = latest_checkpoint(task)
    print(f"[train_hotrack] {task}: {iterations} iterations in {time.time() - t0:.0f} s -> {ckpt}")
    return ckpt


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", default="Dex-HOTrack-Bimanual-v0", help="a residual Dex-HOTrack task")
    p.add_argument("--num_envs", type=int, default=16)
    p.add_argument("--device", default="cpu")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--imitator_iterations", type=int, default=50)
    p.add_argument("--residual_iterations", type=int, default=50)
    p.add_argument("--retrain_imitators", action="store_true", help="train new imitators even if checkpoints exist")
    a, extra = p.parse_known_args()
    check_task(a.task)
    if not imitator_tasks(a.task):
        raise SystemExit(f"error: {a.task} does not train over frozen imitators; train it with scripts/train.py")
    t0 = time.time()
    imitators = {}
    for side, itask in imitator_tasks(a.task).items():
        found = None if a.retrain_imitators else latest_checkpoint(itask)
        if found:
            print(f"[train_hotrack] stage 1: reusing the {side} imitator {found}")
        imitators[side] = found or train(itask, a.imitator_iterations, a.num_envs, a.device, a.seed, [])
    args = [f for side, path in imitators.items() for f in ("--imitator", f"{side}={path}")]
    ckpt = train(a.task, a.residual_iterations, a.num_envs, a.device, a.seed, args + extra)
    run = os.path.dirname(ckpt)
    print(f"\n[train_hotrack] done in {time.time() - t0:.0f} s")
    for side, path in imitators.items():
        print(f"[train_hotrack]   {side} imitator : {path}")
    print(f"[train_hotrack]   {a.task}: {ckpt}")
    print(f"[train_hotrack]   tensorboard --logdir {os.path.relpath(os.path.dirname(run))}")
    print(f"[train_hotrack]   play: ./dex python scripts/play.py --task {a.task} --checkpoint {ckpt}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
