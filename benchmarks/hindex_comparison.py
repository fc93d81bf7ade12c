#!/usr/bin/env python3
"""H-InDex's ablation on one visual task (seed 001, Fig. 8–9): the stage-1 encoder frozen vs. adapted by stage 2
(BatchNorm γ, β) vs. adapted + EMA BatchNorm in stage 3, at equal budget (same envs, steps, iterations and seed).

Makes the stage-1 and stage-2 encoders once (``<out>/encoder_pretrain.pt``, ``<out>/encoder_adapted.pt``; kept and
reused), then trains ``Dex-Grasp-Base-Shadow-Visual-v0`` once per variant with ``scripts/train.py`` and reports, from
each run's tensorboard scalars over the last ``--window`` iterations, the mean episode return, the reward per
second of episode (the sum of the logged terms: it does not grow with the episode's length), the success rate and a
normalised score in the spirit of H-InDex's (the reward per second rescaled so that the best variant scores 1 and the
worst 0). ``<out>/comparison.json`` keeps
the numbers.

    ./dex python benchmarks/hindex_comparison.py --out logs/hindex/comparison                 # CPU-sized: ResNet-18
    ./dex python benchmarks/hindex_comparison.py --arch resnet50 --num_envs 256 --iterations 500 --device cuda:0
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys

TASK = "Dex-Grasp-Base-Shadow-Visual-v0"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VARIANTS = {"frozen": ("pretrain", 0.0), "adapted": ("adapted", 0.0), "adapted + EMA BN": ("adapted", None)}
"""name: (which encoder, EMA momentum; None: --momentum)."""


def run(cmd: list[str], cwd: str) -> None:
    print("[comparison] " + " ".join(cmd), flush=True)
    subprocess.run([sys.executable, *cmd], cwd=cwd, check=True)


def last_window(run_dir: str, window: int) -> dict[str, float]:
    """Every scalar of the run, averaged over its last ``window`` iterations."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    ea = EventAccumulator(glob.glob(os.path.join(run_dir, "events*"))[0])
    ea.Reload()
    out = {}
    for tag in ea.Tags()["scalars"]:
        values = [e.value for e in ea.Scalars(tag)][-window:]
        out[tag] = sum(values) / len(values)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join("logs", "hindex", "comparison"))
    p.add_argument("--arch", default="resnet18")
    p.add_argument("--images", type=int, default=512, help="stage 1: images per hand")
    p.add_argument("--epochs", type=int, default=5, help="stage 1: epochs")
    p.add_argument("--adapt_iterations", type=int, default=200, help="stage 2: iterations")
    p.add_argument("--num_envs", type=int, default=16)
    p.add_argument("--steps_per_env", type=int, default=24)
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--window", type=int, default=5, help="iterations averaged at the end")
    p.add_argument("--momentum", type=float, default=0.01, help="the EMA variant's m")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    encoders = {stage: os.path.join(out, f"encoder_{stage}.pt") for stage in ("pretrain", "adapted")}
    if not os.path.exists(encoders["pretrain"]):
        run([os.path.join(ROOT, "scripts", "hindex_pretrain.py"), "--arch", a.arch, "--images", str(a.images),
             "--epochs", str(a.epochs), "--device", a.device, "--out", encoders["pretrain"]], out)
    if not os.path.exists(encoders["adapted"]):
        run([os.path.join(ROOT, "scripts", "hindex_adapt.py"), "--encoder", encoders["pretrain"], "--iterations",
             str(a.adapt_iterations), "--device", a.device, "--out", encoders["adapted"]], out)
    results = {}
    for name, (encoder, m) in VARIANTS.items():
        exp = "hindex_" + name.replace(" + ", "_").replace(" ", "_").lower()
        runs = sorted(glob.glob(os.path.join(out, "logs", "rsl_rl", exp, "*", f"model_{a.iterations - 1}.pt")))
        if not runs:
            run([os.path.join(ROOT, "scripts", "train.py"), "--task", TASK, "--num_envs", str(a.num_envs),
                 "--device", a.device, "--max_iterations", str(a.iterations), "--seed", str(a.seed),
                 "--experiment_name", exp, f"agent.num_steps_per_env={a.steps_per_env}",
                 f"agent.actor.encoder_arch={a.arch}", f"agent.actor.encoder_checkpoint={encoders[encoder]}",
                 f"agent.actor.ema_momentum={a.momentum if m is None else m}"], out)
            runs = sorted(glob.glob(os.path.join(out, "logs", "rsl_rl", exp, "*", f"model_{a.iterations - 1}.pt")))
        run_dir = os.path.dirname(runs[-1])
        scalars = last_window(run_dir, a.window)
        results[name] = {
            "return": scalars["Train/mean_reward"], "success": scalars["Episode_Termination/success"],
            # Isaac Lab logs each term's episode sum per second of episode: their sum does not grow with the length
            "reward_per_s": sum(v for k, v in scalars.items() if k.startswith("Episode_Reward/")),
            "episode_length": scalars["Train/mean_episode_length"], "run": run_dir}
    best = max(r["reward_per_s"] for r in results.values())
    lowest = min(r["reward_per_s"] for r in results.values())
    print(f"\n{TASK}, {a.arch}, {a.num_envs} envs × {a.steps_per_env} steps × {a.iterations} iterations, "
          f"seed {a.seed}, last {a.window} iterations")
    print(f"{'variant':18s} {'return':>9s} {'reward/s':>9s} {'length':>7s} {'success':>8s} {'normalised':>10s}")
    for name, r in results.items():
        # the rewards are negative here (the reach terms): normalise on the range, the best variant 1, the worst 0
        r["normalised"] = 1.0 if best == lowest else (r["reward_per_s"] - lowest) / (best - lowest)
        print(f"{name:18s} {r['return']:9.3f} {r['reward_per_s']:9.3f} {r['episode_length']:7.1f} {r['success']:8.3f} "
              f"{r['normalised']:10.2f}")
    with open(os.path.join(out, "comparison.json"), "w") as f:
        json.dump({"task": TASK, "args": vars(a), "results": results}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
