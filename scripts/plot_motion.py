#!/usr/bin/env python3
"""Draw a motion clip (hand keypoints, objects, contacts over time) to an image file.

    ./dex python scripts/plot_motion.py data/demos/right_move_cylinder.npz --out right_move_cylinder.png
"""
import argparse

from dex_more.motion import ReferenceMotion
from dex_more.motion.plot import plot_motion

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("clip", help="a dex_more motion file (.npz)")
    p.add_argument("--out", required=True, help="image path (.png, .pdf, .svg)")
    p.add_argument("--snapshots", type=int, default=5)
    a = p.parse_args()
    print(plot_motion(ReferenceMotion.load(a.clip), a.out, a.snapshots))
