#!/usr/bin/env python3
"""Retarget the human keypoints of motion files to bundled robot hands and report the fit.

    ./dex python scripts/retarget.py data/demos/*.npz --hands inspire_right inspire_left --out retargeted/

Reads dex_more motion files (.npz), or ManipTrans pickles (.pkl, with --side) and HO-Tracker sequence
folders; writes each clip with the robot joint trajectories added to --out (never over its input; over an
earlier output only with --overwrite),
prints one quality line per clip and hand (mean/max keypoint and fingertip error in cm, frames with a
fingertip over the threshold) and saves them as JSON (--report). A clip whose fit fails the thresholds
is flagged FAILED and gets no joint trajectory for that hand; the exit status is 1 if any failed. Every input
is read and checked before anything is written: a malformed one stops the run with an error naming the file
and field.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from tqdm import tqdm

from dex_more.assets import HANDS
from dex_more.errors import DataFormatError
from dex_more.motion import ReferenceMotion, load_hotracker, load_maniptrans
from dex_more.motion.retarget import RetargetConfig, retarget_motion


def load_any(path: str, side: str) -> ReferenceMotion:
    if os.path.isdir(path):
        return load_hotracker(path)
    if path.endswith(".pkl"):
        return load_maniptrans(path, side=side)
    return ReferenceMotion.load(path)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", help="motion files (.npz/.pkl) or HO-Tracker sequence folders")
    p.add_argument("--hands", nargs="+", default=None, choices=sorted(HANDS),
                   help="robot hands (default: every bundled hand of each side present)")
    p.add_argument("--out", required=True, help="output folder (created; inputs are never overwritten)")
    p.add_argument("--side", default="right", choices=["right", "left"], help="side of ManipTrans pickles")
    p.add_argument("--iterations", type=int, default=RetargetConfig.iterations)
    p.add_argument("--threshold-cm", type=float, default=RetargetConfig.frame_threshold_cm)
    p.add_argument("--report", default=None, help="JSON report path (default: <out>/retarget_report.json)")
    p.add_argument("--overwrite", action="store_true", help="replace outputs of an earlier run in --out")
    a = p.parse_args()
    cfg = RetargetConfig(iterations=a.iterations, frame_threshold_cm=a.threshold_cm)
    # read and check every input, and where each goes, before anything is computed or written
    jobs, inputs = [], {os.path.abspath(x) for x in a.inputs}
    try:
        for path in a.inputs:
            motion = load_any(path, a.side)
            out = os.path.join(a.out, (motion.name or os.path.basename(path)) + ".npz")
            if os.path.abspath(out) in inputs:
                raise SystemExit(f"error: output {out} would overwrite an input; choose another --out")
            if os.path.exists(out) and not a.overwrite:
                raise SystemExit(f"error: {out} exists (pass --overwrite to replace it)")
            if any(out == o for _, o, _ in jobs):
                raise SystemExit(f"error: two inputs are both named {motion.name!r}; they would both go to {out}")
            jobs.append((path, out, motion))
    except (DataFormatError, FileNotFoundError) as e:
        raise SystemExit(f"error: {e}") from None
    os.makedirs(a.out, exist_ok=True)
    hands = [HANDS[h] for h in a.hands] if a.hands else list(HANDS.values())
    by_side = {s: [h for h in hands if h.side == s] for s in ("right", "left")}
    reports, kin = [], {}
    for path, out, motion in tqdm(jobs, desc="retarget", unit="clip", file=sys.stdout):
        rs = retarget_motion(motion, by_side, cfg, kin)
        for r in rs:
            tqdm.write(r.line())
        reports += [r.as_dict() | {"input": path} for r in rs]
        motion.save(out, overwrite=a.overwrite)
    report_path = a.report or os.path.join(a.out, "retarget_report.json")
    with open(report_path, "w") as f:
        json.dump(reports, f, indent=1)
    failed = sum(r["failed"] for r in reports)
    print(f"[retarget] {len(reports) - failed}/{len(reports)} clip-hand fits ok; report: {report_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
