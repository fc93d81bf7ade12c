#!/usr/bin/env python3
"""Train the PointNet shape encoder on an object set, encode every object (64-d), cluster the codes with K-means
and plot the clusters (ResDex's geometry clusters). Writes, beside the set's manifest: ``shape_encoder.pt``,
``shape_codes.npz`` and ``clusters.png``.

    ./dex python scripts/make_shape_codes.py                     # the bundled set (about 2 minutes on 2 cores)
    ./dex python scripts/make_shape_codes.py --k 6 --cluster_only  # re-cluster the committed codes' encoder

Deterministic for ``--seed`` on the CPU (single-threaded, as ``./dex`` runs it).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch loads)

configure_process()

import numpy as np  # noqa: E402

from dex_more.objects import shape_code as sc  # noqa: E402
from dex_more.errors import DataFormatError  # noqa: E402
from dex_more.objects.object_set import DEFAULT_OBJECT_SET, load_object_set  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--objects", default=DEFAULT_OBJECT_SET, help="object-set folder (default: data/objects)")
    p.add_argument("--k", type=int, default=4, help="K-means clusters (default 4)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=400)
    p.add_argument("--cluster_only", action="store_true", help="keep the folder's encoder; encode and cluster only")
    a = p.parse_args()
    encoder_path = os.path.join(a.objects, sc.ENCODER_FILE)
    try:  # every input is read before anything is trained or written
        objects = load_object_set(a.objects)
        encoder = sc.load_encoder(encoder_path) if a.cluster_only else None
    except (DataFormatError, FileNotFoundError) as e:
        raise SystemExit(f"error: {e}") from None
    points = np.stack([o.points for o in objects.objects])
    t0 = time.time()
    if a.cluster_only:
        print(f"[make_shape_codes] encoder {encoder_path}")
    else:
        model, history = sc.train_autoencoder(points, epochs=a.epochs, seed=a.seed, log_every=max(1, a.epochs // 8))
        encoder = model.encoder.eval()
        sc.save_encoder(encoder, encoder_path)
        print(f"[make_shape_codes] trained on {len(points)} objects in {time.time() - t0:.0f} s: Chamfer "
              f"{history[0] * 1e6:.1f} -> {history[-1] * 1e6:.1f} mm² -> {encoder_path}")
    try:
        codes = sc.encode(encoder, points)
        labels, centres, centre_ids = sc.cluster_codes(codes, a.k, a.seed)
    except ValueError as e:
        raise SystemExit(f"error: {e}") from None
    sc.save_codes(os.path.join(a.objects, sc.CODES_FILE), objects.names, codes, labels, centres, centre_ids, a.seed)
    sc.plot_clusters(os.path.join(a.objects, sc.PLOT_FILE), objects, codes, labels, centre_ids)
    for c, i in enumerate(centre_ids):
        members = [o for o, lab in zip(objects.objects, labels) if lab == c]
        families = sorted({o.family for o in members})
        print(f"[make_shape_codes] cluster {c}: {len(members)} objects, centre {objects.names[i]}, families {families}")
    print(f"[make_shape_codes] {sc.CODES_FILE}, {sc.PLOT_FILE} -> {a.objects}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
