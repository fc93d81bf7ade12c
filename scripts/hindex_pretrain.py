#!/usr/bin/env python3
"""H-InDex stage 1: pre-train a ResNet on 3D hand pose, on images of the bundled hands rendered here.

Renders ``--images`` random poses of each hand (:mod:`dex_more.visual.hand_pose_data`: Newton's Warp ray tracer,
kit-less, on the CPU too), trains the ResNet to regress the 21 root-relative 3D keypoints
(:mod:`dex_more.visual.pretrain`) and writes its weights (:func:`dex_more.visual.checkpoints.save_encoder`) for
stage 2 (scripts/hindex_adapt.py) or straight for stage 3 (``agent.actor.encoder_checkpoint=PATH``).

    ./dex python scripts/hindex_pretrain.py                                # ResNet-50, 4 hands × 2048 images
    ./dex python scripts/hindex_pretrain.py --arch resnet18 --images 256 --epochs 3 --out /tmp/enc.pt   # minutes

The rendered data set is kept beside the weights (``<out>.data.npz``) and reused by a rerun with the same hands and
size (``--fresh`` renders again). A FrankMocap hand-module checkpoint, where you have one, replaces this stage:
pass it as the encoder of stage 2 or 3.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch loads)

configure_process()

import numpy as np  # noqa: E402

DEFAULT_HANDS = ("shadow_right", "allegro_right", "inspire_right", "mano_right")
DEFAULT_OUT = os.path.join("logs", "hindex", "encoder_pretrain.pt")


def render_dataset(hands: list[str], images: int, image_size: int, num_envs: int, seed: int):
    from dex_more.visual.hand_pose_data import HandPoseRenderer
    from dex_more.visual.pretrain import HandPoseDataset

    parts = []
    for k, hand in enumerate(hands):
        t0 = time.time()
        renderer = HandPoseRenderer(hand, num_envs=num_envs, image_size=image_size, seed=seed + k)
        try:
            im, kp = renderer.render(images)
            mask = np.broadcast_to(renderer.mask, (len(im), len(renderer.mask))).copy()
        finally:
            renderer.close()
        parts.append(HandPoseDataset(im, kp, mask))
        print(f"[pretrain] rendered {len(im)} images of {hand} in {time.time() - t0:.0f} s", flush=True)
    return HandPoseDataset.concatenate(parts)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--hands", default=",".join(DEFAULT_HANDS), help="bundled hands to render (comma-separated)")
    p.add_argument("--images", type=int, default=2048, help="images per hand (default 2048)")
    p.add_argument("--image_size", type=int, default=84, help="square image side [px] (default 84: the tasks' camera)")
    p.add_argument("--arch", default="resnet50", help="resnet18, resnet34, resnet50 (default) or resnet101")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch_size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--num_envs", type=int, default=32, help="hands rendered at once")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu", help="the renderer's device (cpu or cuda:0)")
    p.add_argument("--out", default=DEFAULT_OUT, help=f"encoder weights to write (default {DEFAULT_OUT})")
    p.add_argument("--fresh", action="store_true", help="render the data set again even where it is kept")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    a = p.parse_args(argv)
    from dex_more.assets import HANDS
    from dex_more.visual.checkpoints import save_encoder
    from dex_more.visual.pretrain import HandPoseDataset, pretrain_hand_pose
    from dex_more.visual.resnet import DEPTHS

    hands = [h.strip() for h in a.hands.split(",") if h.strip()]
    unknown = [h for h in hands if h not in HANDS]
    if unknown or not hands:
        raise SystemExit(f"error: --hands {a.hands}: unknown {unknown}; the bundled hands are {sorted(HANDS)}")
    if a.arch not in DEPTHS:
        raise SystemExit(f"error: --arch {a.arch}: expected one of {sorted(DEPTHS)}")
    if min(a.images, a.epochs, a.batch_size, a.num_envs, a.image_size) < 1 or a.batch_size < 2:
        raise SystemExit("error: --images, --epochs, --num_envs, --image_size must be at least 1, --batch_size 2")
    if os.path.exists(a.out) and not a.overwrite:
        raise SystemExit(f"error: {a.out} exists; pass --overwrite to replace it, or another --out")
    data_path = f"{a.out}.data.npz"
    key = np.array([",".join(hands), str(a.images), str(a.image_size), str(a.seed)])
    data = None
    if os.path.exists(data_path) and not a.fresh:
        with np.load(data_path) as z:
            if "key" in z and np.array_equal(z["key"], key):
                data = HandPoseDataset(z["images"], z["keypoints"], z["masks"])
                print(f"[pretrain] reusing {len(data)} rendered images from {data_path}", flush=True)
    if data is None:
        data = render_dataset(hands, a.images, a.image_size, a.num_envs, a.seed)
        os.makedirs(os.path.dirname(os.path.abspath(data_path)), exist_ok=True)
        np.savez_compressed(data_path, key=key, images=data.images, keypoints=data.keypoints, masks=data.masks)
    t0 = time.time()
    result = pretrain_hand_pose(data, a.arch, a.epochs, a.batch_size, a.lr, seed=a.seed,
                                log=lambda m: print(m, flush=True))
    meta = {"hands": hands, "images": len(data), "image_size": a.image_size, "epochs": a.epochs,
            "train_loss_cm2": result.train_loss, "val_mpjpe_mm": result.val_mpjpe_mm,
            "seconds": round(time.time() - t0, 1)}
    save_encoder(a.out, result.resnet, "pretrain", meta)
    print(f"[pretrain] {a.arch} trained in {meta['seconds']} s: held-out MPJPE {result.val_mpjpe_mm[0]:.1f} -> "
          f"{result.val_mpjpe_mm[-1]:.1f} mm; wrote {a.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
