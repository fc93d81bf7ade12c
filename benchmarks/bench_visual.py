#!/usr/bin/env python3
"""What seeing costs (H-InDex): env-steps/s of the visual grasping task (an 84 × 84 RGB camera per env, Newton's
Warp ray tracer) against the same task without the camera, and the encoder's forward pass per env-step, measured in
one run:

* ``Dex-Grasp-Base-Shadow-v0`` vs ``Dex-Grasp-Base-Shadow-Visual-v0``: random actions (std 0.5) for ``--steps``
  control steps after 20 to settle; the ratio is the render's share;
* the frozen encoder (``--archs``) on a batch of ``--num_envs`` images, as a rollout runs it (inference mode).

    ./dex python benchmarks/bench_visual.py --num_envs 16
    ./dex python benchmarks/bench_visual.py --num_envs 1024 --device cuda:0        # on a GPU
"""
from __future__ import annotations

import argparse
import sys
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

import torch  # noqa: E402

from bench_grasp import rate  # noqa: E402

TASKS = ("Dex-Grasp-Base-Shadow-v0", "Dex-Grasp-Base-Shadow-Visual-v0")


def encoder_seconds(arch: str, n: int, size: int, device: str, repeats: int = 5) -> float:
    """Seconds per forward pass of the frozen encoder on ``n`` images (best of ``repeats`` after a warm-up)."""
    from dex_more.rl.hand_informed_visual_policy import ImageEncoder

    enc = ImageEncoder(arch, "", 0.01).to(device).eval()
    x = torch.rand(n, size, size, 3, device=device)
    best = float("inf")
    with torch.inference_mode():
        enc(x)
        for _ in range(repeats):
            t0 = time.perf_counter()
            enc(x)
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--num_envs", type=int, default=16)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--archs", default="resnet18,resnet50")
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    torch.manual_seed(0)
    rates = {t: rate(t, a.num_envs, a.steps, a.device) for t in TASKS}
    print(f"\n{a.num_envs} envs, {a.steps} steps, {a.device}")
    blind, visual = rates[TASKS[0]], rates[TASKS[1]]
    for t, r in rates.items():
        print(f"{t:34s} {r:9.0f} env-steps/s")
    print(f"render cost: {1e3 * (1 / visual - 1 / blind):.2f} ms per env-step (the camera makes a step "
          f"{blind / visual:.2f}x as costly)")
    for arch in a.archs.split(","):
        s = encoder_seconds(arch, a.num_envs, 84, a.device)
        print(f"{arch} encoder: {1e3 * s / a.num_envs:.2f} ms per env-step ({1e3 * s:.1f} ms per batch of "
              f"{a.num_envs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
