#!/usr/bin/env python3
"""Generate the bundled object set (universal grasping): procedural families, convex collision parts, mass from a
density, friction, surface points; train / unseen-object / unseen-family splits.

    ./dex python scripts/make_objects.py                      # rebuild data/objects/ (about 5 minutes)
    ./dex python scripts/make_objects.py --per_family 4 --out /tmp/objects

Deterministic: the same ``--seed`` and ``--per_family`` give the same files on the pinned stack. Families:
see ``dex_more.objects.families`` (``torus`` and ``bracket`` are held out whole as ``unseen_families``; the
last 4 objects of every other family form ``unseen_objects``). Writes ``manifest.json`` and ``geometry.npz``
(shape codes and clusters are built from them by ``scripts/make_shape_codes.py``).
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

from tqdm import tqdm  # noqa: E402

from dex_more.objects.build import UNSEEN_OBJECTS_PER_FAMILY, build_object  # noqa: E402
from dex_more.objects.families import FAMILIES, UNSEEN_FAMILIES  # noqa: E402
from dex_more.objects.object_set import DEFAULT_OBJECT_SET, ObjectSet  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=DEFAULT_OBJECT_SET, help="output folder (default: data/objects)")
    p.add_argument("--per_family", type=int, default=26, help="objects per family (8 families)")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    if a.per_family <= UNSEEN_OBJECTS_PER_FAMILY:
        raise SystemExit(f"error: --per_family must exceed the {UNSEEN_OBJECTS_PER_FAMILY} held-out objects per family")
    t0 = time.time()
    jobs = [(f, i) for f in FAMILIES for i in range(a.per_family)]
    objects = [build_object(f, i, a.per_family, a.seed) for f, i in tqdm(jobs, desc="objects", unit="obj", file=sys.stdout)]
    families = {f: "unseen" if f in UNSEEN_FAMILIES else "seen" for f in FAMILIES}
    ObjectSet(objects, families).save(a.out)
    splits = collections.Counter(o.split for o in objects)
    size = sum(os.path.getsize(os.path.join(a.out, f)) for f in ("manifest.json", "geometry.npz"))
    print(f"[make_objects] {len(objects)} objects in {len(FAMILIES)} families ({dict(splits)}) -> {a.out} "
          f"({size / 1e6:.1f} MB) in {time.time() - t0:.0f} s")
    masses = [o.mass for o in objects]
    extents = [float(o.extents.max()) for o in objects]
    print(f"[make_objects] mass {min(masses):.3f}-{max(masses):.3f} kg, largest extent {min(extents) * 100:.1f}-"
          f"{max(extents) * 100:.1f} cm, convex parts 1-{max(len(o.parts) for o in objects)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
