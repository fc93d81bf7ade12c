#!/usr/bin/env python3
"""Generate the bundled HOT clips (synthetic demonstrations of HOT's eight skills) and retarget them to the hands.

    ./dex python scripts/make_hot_demos.py                     # -> data/hot/objects/ and data/hot/demos/
    ./dex python scripts/make_hot_demos.py --out /tmp/hot --seed 3
    ./dex python scripts/make_hot_demos.py --hot_format /tmp/hot_pt --hand shadow_right   # also HOT's .pt files

Objects: a bottle, a box and a cylinder of the bundled object set, and a procedural hammer and sword
(``dex_more.objects.build.build_tool``), written as an object set under ``<out>/objects``. Clips: every skill on two
objects (``dex_more.motion.skills.HOT_PLAN``), each as long as the skill's test episode, checked for plausibility
(no hand point over 3 mm inside the object, nothing under the table); each clip holds the human keypoints and the
retargeted joint trajectory of every hand of ``--hands``; the manifest records the retargeting reports.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

from tqdm import tqdm  # noqa: E402

from dex_more.assets import get_hand  # noqa: E402
from dex_more.motion.loaders import save_hot  # noqa: E402
from dex_more.motion.retarget import retarget_motion  # noqa: E402
from dex_more.motion.skills import HOT_DIR, default_hot_clips, hot_objects, plausibility  # noqa: E402
from dex_more.objects.object_set import ObjectSet  # noqa: E402

HANDS = ("mano_right", "shadow_right", "allegro_right")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=HOT_DIR, help="folder of objects/ and demos/ (default: data/hot)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--hands", nargs="+", default=list(HANDS), help=f"hands to retarget to (default: {' '.join(HANDS)})")
    p.add_argument("--hot_format", default=None, metavar="DIR", help="also write every clip as a HOT .pt file here")
    p.add_argument("--hand", default=HANDS[0], help="the hand whose joints the HOT files hold (default: %(default)s)")
    a = p.parse_args(argv)
    hands = [get_hand(h) for h in a.hands]
    if a.hot_format and a.hand not in a.hands:
        p.error(f"--hand {a.hand} is not among --hands {a.hands}")
    objects = hot_objects(a.seed)
    object_dir, demo_dir = os.path.join(a.out, "objects"), os.path.join(a.out, "demos")
    families = {o.family: "seen" for o in objects}
    ObjectSet(objects, families).save(object_dir)
    os.makedirs(demo_dir, exist_ok=True)
    by_name = {o.name: o for o in objects}
    entries, kinematics, failed = [], {}, 0
    for motion in tqdm(default_hot_clips(objects, a.seed), desc="HOT clips", unit="clip", file=sys.stdout):
        reports = retarget_motion(motion, {"right": hands}, kinematics=kinematics)
        for r in reports:
            tqdm.write(r.line())
        failed += sum(r.failed for r in reports)
        check = plausibility(motion, by_name[motion.objects[0].name])
        fname = f"{motion.name}.npz"
        motion.save(os.path.join(demo_dir, fname), overwrite=True)  # this script (re)builds the set
        if a.hot_format:
            os.makedirs(a.hot_format, exist_ok=True)
            save_hot(motion, a.hot_format, a.hand, overwrite=True)
        entries.append({"file": fname, "name": motion.name, "split": "train", "sides": ["right"], "num_objects": 1,
                        "skill": motion.skill, "object": motion.objects[0].name, "frames": motion.num_frames,
                        "fps": motion.fps, "plausibility_m": {k: round(v, 5) for k, v in check.items()},
                        "retarget": {r.hand: r.as_dict() for r in reports}})
    with open(os.path.join(demo_dir, "manifest.json"), "w") as f:
        json.dump({"format_version": 1, "seed": a.seed, "object_set": "../objects", "clips": entries}, f, indent=1)
    print(f"[make_hot_demos] {len(objects)} objects -> {object_dir}; {len(entries)} clips -> {demo_dir}; "
          f"{failed} failed clip-hand fits" + (f"; HOT files -> {a.hot_format}" if a.hot_format else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
