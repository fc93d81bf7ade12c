#!/usr/bin/env python3
"""H-InDex stage 2: adapt a pre-trained encoder to a visual task's own frames, training only its BatchNorm affine
parameters (γ, β) with the self-supervised keypoint objective (:mod:`dex_more.visual.keypoint_adaptation`).

Collects ``--frames`` frames from each of ``--num_envs`` cameras of ``--task`` while the hand moves at random (kept
beside the output as ``<out>.frames.npz`` and reused), trains ``--iterations`` steps, reports the reconstruction
loss before and after on fixed frame pairs and the share of the encoder's parameters that changed, and writes the
adapted encoder for stage 3 (``agent.actor.encoder_checkpoint=PATH``).

    ./dex python scripts/hindex_adapt.py --encoder logs/hindex/encoder_pretrain.pt
    ./dex python scripts/hindex_adapt.py --encoder pose_shape_best.pth --arch resnet50   # FrankMocap's hand module
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch loads)

configure_process()

import numpy as np  # noqa: E402

DEFAULT_TASK = "Dex-Grasp-Base-Shadow-Visual-v0"
DEFAULT_OUT = os.path.join("logs", "hindex", "encoder_adapted.pt")


def collect(task: str, num_envs: int, frames: int, device: str, seed: int) -> np.ndarray:
    import gymnasium as gym

    import dex_more.tasks  # noqa: F401
    from dex_more.visual.frames import collect_videos
    from isaaclab_tasks.utils import parse_env_cfg

    cfg = parse_env_cfg(task, device=device, num_envs=num_envs)
    cfg.seed = seed
    env = gym.make(task, cfg=cfg)
    try:
        return collect_videos(env, frames, seed=seed)
    finally:
        env.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--encoder", required=True,
                   help="stage 1's weights, a torchvision ResNet state dict or FrankMocap's hand-module checkpoint")
    p.add_argument("--arch", default=None, help="the encoder's ResNet (read from a dex_more encoder file; else "
                                                "default resnet50)")
    p.add_argument("--task", default=DEFAULT_TASK, help=f"the visual task whose camera gives the frames (default "
                                                        f"{DEFAULT_TASK})")
    p.add_argument("--num_envs", type=int, default=16, help="videos (one per env)")
    p.add_argument("--frames", type=int, default=60, help="frames per video")
    p.add_argument("--iterations", type=int, default=500)
    p.add_argument("--batch_size", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--out", default=DEFAULT_OUT, help=f"adapted encoder to write (default {DEFAULT_OUT})")
    p.add_argument("--fresh", action="store_true", help="collect the frames again even where they are kept")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    a = p.parse_args(argv)
    import torch

    import dex_more.tasks  # noqa: F401  (registers the task IDs check_task knows)
    from dex_more.cli import check_task
    from dex_more.visual.checkpoints import EncoderCheckpointError, load_encoder, read_checkpoint, save_encoder
    from dex_more.visual.keypoint_adaptation import (BatchNormAffineAdapter, KeypointAdaptationCfg,
                                                     bn_affine_fraction, changed_fraction)
    from dex_more.visual.resnet import DEPTHS, ResNet

    check_task(a.task)
    if min(a.num_envs, a.frames, a.iterations) < 1 or a.batch_size < 2:
        raise SystemExit("error: --num_envs, --frames and --iterations must be at least 1, --batch_size 2")
    if os.path.exists(a.out) and not a.overwrite:
        raise SystemExit(f"error: {a.out} exists; pass --overwrite to replace it, or another --out")
    try:
        data = read_checkpoint(a.encoder)  # once: a ResNet-50 file is 100 MB
        arch = a.arch or data.get("arch") or "resnet50"
        if arch not in DEPTHS:
            raise SystemExit(f"error: --arch {arch}: expected one of {sorted(DEPTHS)}")
        resnet = load_encoder(ResNet(arch), a.encoder, data)
    except EncoderCheckpointError as e:
        raise SystemExit(f"error: {e}") from None
    frames_path = f"{a.out}.frames.npz"
    key = np.array([a.task, str(a.num_envs), str(a.frames), str(a.seed)])
    videos = None
    if os.path.exists(frames_path) and not a.fresh:
        with np.load(frames_path) as z:
            if "key" in z and np.array_equal(z["key"], key):
                videos = z["videos"]
                print(f"[adapt] reusing {videos.shape[0]} videos of {videos.shape[1]} frames from {frames_path}")
    if videos is None:
        t0 = time.time()
        videos = collect(a.task, a.num_envs, a.frames, a.device, a.seed)
        os.makedirs(os.path.dirname(os.path.abspath(frames_path)), exist_ok=True)
        np.savez_compressed(frames_path, key=key, videos=videos)
        print(f"[adapt] collected {videos.shape[0]} videos of {videos.shape[1]} frames "
              f"({videos.shape[2]}x{videos.shape[3]}) from {a.task} in {time.time() - t0:.0f} s", flush=True)
    videos = torch.as_tensor(videos)
    before = {k: v.clone() for k, v in resnet.state_dict().items()}
    adapter = BatchNormAffineAdapter(resnet, KeypointAdaptationCfg(batch_size=a.batch_size, learning_rate=a.lr),
                                     seed=a.seed)
    loss_before = adapter.evaluate(videos)
    t0 = time.time()
    for k in range(a.iterations):
        loss = adapter.step(videos)
        if (k + 1) % max(1, a.iterations // 10) == 0:
            print(f"[adapt] iteration {k + 1}/{a.iterations}: reconstruction loss {loss:.4f}", flush=True)
    loss_after = adapter.evaluate(videos)
    meta = {"source": os.path.abspath(a.encoder), "task": a.task, "videos": list(videos.shape[:2]),
            "iterations": a.iterations, "loss_before": loss_before, "loss_after": loss_after,
            "bn_affine_fraction": bn_affine_fraction(resnet), "changed_fraction": changed_fraction(before, resnet),
            "seconds": round(time.time() - t0, 1)}
    save_encoder(a.out, resnet, "adapt", meta)
    print(f"[adapt] {arch}: reconstruction loss {loss_before:.4f} -> {loss_after:.4f} in {meta['seconds']} s; "
          f"changed {100 * meta['changed_fraction']:.3f} % of the parameters (BatchNorm γ, β: "
          f"{100 * meta['bn_affine_fraction']:.3f} %); wrote {a.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
