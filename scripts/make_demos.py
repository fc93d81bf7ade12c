#!/usr/bin/env python3
"""Generate the bundled synthetic demonstrations (deterministic by --seed) and retarget them to every hand.

    ./dex python scripts/make_demos.py                 # -> data/demos/*.npz + manifest.json
    ./dex python scripts/make_demos.py --out /tmp/demos --seed 3

Clips: 4 right-hand (grasp, move, rotate, place), 2 left-hand (mirrored), 2 bimanual carries of one
object, 1 bimanual clip with two objects; 60 Hz, 2-6 s each. Every clip holds the human keypoints and,
for each bundled robot hand of its side(s), the retargeted joint trajectory; the manifest records the
train/validation split and the retargeting report of every clip and hand.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from tqdm import tqdm

from dex_more.assets import HANDS
from dex_more.paths import DATA_DIR
from dex_more.motion.retarget import retarget_motion
from dex_more.motion.synthetic import default_demo_set


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join(DATA_DIR, "demos"))
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    by_side = {s: [h for h in HANDS.values() if h.side == s] for s in ("right", "left")}
    clips = default_demo_set(a.seed)
    entries, kin, failed = [], {}, 0
    for motion, split in tqdm(clips, desc="demos", unit="clip", file=sys.stdout):
        reports = retarget_motion(motion, by_side, kinematics=kin)
        for r in reports:
            tqdm.write(r.line())
        failed += sum(r.failed for r in reports)
        fname = f"{motion.name}.npz"
        motion.save(os.path.join(a.out, fname), overwrite=True)  # this script (re)builds the set
        entries.append({"file": fname, "name": motion.name, "split": split, "sides": list(motion.sides),
                        "num_objects": len(motion.objects), "skill": motion.skill, "frames": motion.num_frames,
                        "fps": motion.fps, "retarget": {r.hand: r.as_dict() for r in reports}})
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump({"format_version": 1, "seed": a.seed, "clips": entries}, f, indent=1)
    print(f"[make_demos] {len(entries)} clips -> {a.out}; {failed} failed clip-hand fits")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
