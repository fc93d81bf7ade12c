#!/usr/bin/env python3
"""Synthesise grasp proposals for an object set and keep those that hold in simulation (DexGraspNet's recipe).

Per object: ``--candidates`` Shadow-hand grasps optimised on the hand's kinematics
(:func:`dex_more.objects.grasps.synthesize_grasps`); those that pass the exact check on the mesh (no penetration
over 2 mm, at least 3 fingertips within 5 mm) are closed on the object in Newton, held under gravity and shaken
(:mod:`dex_more.envs.grasp_validation`); those that keep the object are the proposals. An object with none gets
another round of candidates from the next seed, up to ``--rounds``. Writes beside the set's manifest
``grasps_<hand>.npz`` (:mod:`dex_more.objects.proposals`) and ``grasps_<hand>_report.csv`` (per object: candidates,
passed the exact check, held, and the kept proposals' quality).

    ./dex python scripts/make_grasps.py                          # every object of data/objects (about 2 h on 2 cores)
    ./dex python scripts/make_grasps.py --names box_03,mug_01     # re-make two objects' proposals, keep the others'
    ./dex python scripts/make_grasps.py --shard 0/2 --synthesize_only &  # the optimisation on two cores, then
    ./dex python scripts/make_grasps.py --shard 1/2 --synthesize_only; wait; ./dex python scripts/make_grasps.py

The optimisation of each (object, seed) is cached under ``.cache/grasps`` (keyed by the settings), so an interrupted
run resumes where it stopped; ``--fresh`` ignores the cache.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import os
import sys
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch loads)

configure_process()

import numpy as np  # noqa: E402

from dex_more.assets import get_hand  # noqa: E402
from dex_more.errors import DataFormatError  # noqa: E402
from dex_more.objects import grasps as G  # noqa: E402
from dex_more.objects.object_set import DEFAULT_OBJECT_SET, load_object_set, read_npz  # noqa: E402
from dex_more.objects.proposals import (FIELDS, POSE_FIELDS, GraspProposals, load_proposals,  # noqa: E402
                                        proposals_path, report_path, save_proposals)
from dex_more.paths import REPO_ROOT  # noqa: E402

CACHE = os.path.join(REPO_ROOT, ".cache", "grasps")
REPORT_COLUMNS = ("object", "family", "split", "closing", "candidates", "passed_exact", "held", "kept",
                  "penetration_mm_max", "tips_in_contact_mean", "shift_mm_median")


def _synthesize(obj, hand, cfg: G.GraspSynthesisCfg, seed: int, fresh: bool, kin, surface, metric_surface) -> dict:
    """Candidates of one (object, seed) that pass the exact check, with their metrics (cached)."""
    key = hashlib.sha1(repr((obj.name, hand.name, sorted(vars(cfg).items()), seed)).encode()).hexdigest()[:12]
    path = os.path.join(CACHE, hand.name, f"{obj.name}_seed{seed}_{key}.npz")
    if os.path.isfile(path) and not fresh:
        return read_npz(path, "a cache file of make_grasps.py (delete it, or run with --fresh)")
    r = G.synthesize_grasps(obj, hand, cfg, seed=seed, kinematics=kin, surface=surface)
    pen, tips = G.grasp_contact_metrics(obj, hand, r["wrist_pos"], r["wrist_quat"], r["joint_pos"], kinematics=kin,
                                        surface=metric_surface)
    keep = G.keep_mask(pen, tips)
    out = {k: r[k][keep] for k in POSE_FIELDS}
    out.update(penetration=pen[keep].astype(np.float32), tips=tips[keep].astype(np.float32),
               candidates=np.array(len(keep)))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.savez(path + ".tmp.npz", **out)
    os.replace(path + ".tmp.npz", path)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--objects", default=DEFAULT_OBJECT_SET, help="object-set folder (default: data/objects)")
    p.add_argument("--names", default="", help="comma-separated objects (default: all); the others' proposals stay")
    p.add_argument("--hand", default="shadow_right")
    p.add_argument("--candidates", type=int, default=G.GraspSynthesisCfg.candidates, help="per object and round")
    p.add_argument("--iterations", type=int, default=G.GraspSynthesisCfg.iterations)
    p.add_argument("--rounds", type=int, default=3, help="rounds of candidates (seeds) for objects none of whose "
                   "proposals held yet")
    p.add_argument("--close_step", type=float, default=0.5, help="largest finger-joint closing step [rad]")
    p.add_argument("--closing", default="com", choices=G.CLOSING_MODES, help="fingertips closing towards the centre "
                   "of mass, or into the surface along its normal (a ring pinched at its rim)")
    p.add_argument("--num_envs", type=int, default=128, help="proposals tested at once")
    p.add_argument("--shard", default="0/1", help="K/N: only every N-th object from the K-th (parallel processes)")
    p.add_argument("--synthesize_only", action="store_true", help="fill the cache; no simulation, nothing written")
    p.add_argument("--fresh", action="store_true", help="ignore the cache of optimised candidates")
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    try:
        objects = load_object_set(a.objects)
        hand = get_hand(a.hand)
        names = [n.strip() for n in a.names.split(",") if n.strip()] or objects.names
        chosen = [objects[n] for n in names]
        k, n_shards = (int(x) for x in a.shard.split("/"))
        if not 0 <= k < n_shards:
            raise ValueError(f"--shard {a.shard}: expected K/N with 0 <= K < N")
        if n_shards > 1 and not a.synthesize_only:
            raise ValueError("--shard splits the optimisation only: add --synthesize_only, then run without --shard")
        out_path = proposals_path(a.objects, a.hand)
        previous = load_proposals(a.objects, a.hand) if os.path.isfile(out_path) and a.names else {}
    except (DataFormatError, FileNotFoundError, KeyError, ValueError) as e:
        raise SystemExit(f"error: {e.args[0] if isinstance(e, KeyError) else e}") from None
    chosen = chosen[k::n_shards]
    cfg = G.GraspSynthesisCfg(candidates=a.candidates, iterations=a.iterations)
    kin = G.HandKinematics(hand, dtype=G.torch.float32)
    surface = G.synthesis_surface(hand, kin, cfg.surface_points)
    metric_surface = G.metric_surface(hand, kin)
    t0 = time.time()
    stats = {o.name: {"candidates": 0, "passed_exact": 0, "held": 0} for o in chosen}
    kept: dict[str, list[dict]] = {o.name: [] for o in chosen}
    validator = None
    pending = list(chosen)
    for round_ in range(a.rounds):
        batch = []
        for i, obj in enumerate(pending):
            t = time.time()
            c = _synthesize(obj, hand, cfg, round_, a.fresh, kin, surface, metric_surface)  # round r: seed r
            stats[obj.name]["candidates"] += int(c["candidates"])
            stats[obj.name]["passed_exact"] += len(c["wrist_pos"])
            if len(c["wrist_pos"]):
                c["targets"] = G.closing_targets(obj, hand, c["wrist_pos"], c["wrist_quat"], c["joint_pos"],
                                                 a.close_step, kinematics=kin, surface=surface, toward=a.closing)
                batch += [(obj.name, c, g) for g in range(len(c["wrist_pos"]))]
            print(f"[make_grasps] round {round_} {i + 1}/{len(pending)} {obj.name}: {len(c['wrist_pos'])}/"
                  f"{int(c['candidates'])} pass the exact check ({time.time() - t:.0f} s)", flush=True)
        if a.synthesize_only:
            break  # later rounds are for the objects the simulation found nothing for
        if batch:  # a round whose candidates all failed the exact check goes on to the next seed
            if validator is None:
                from dex_more.envs.grasp_validation import GraspValidator

                validator = GraspValidator(a.objects, [o.name for o in chosen], num_envs=min(a.num_envs, len(batch)),
                                           device=a.device, hand=a.hand)
            t = time.time()
            for s in range(0, len(batch), validator.num_envs):
                part = batch[s:s + validator.num_envs]
                field = lambda key: np.stack([c[key][g] for _, c, g in part])  # noqa: E731
                held, shift = validator.run([name for name, _, _ in part], field("wrist_pos"), field("wrist_quat"),
                                            field("joint_pos"), field("targets"))
                for (name, c, g), ok, sh in zip(part, held, shift):
                    if ok:
                        stats[name]["held"] += 1
                        kept[name].append({key: c[key][g] for key in FIELDS if key != "shift"} | {"shift": sh})
                print(f"[make_grasps] round {round_}: simulated {s + len(part)}/{len(batch)} proposals, "
                      f"{int(held.sum())}/{len(part)} held ({time.time() - t:.0f} s)", flush=True)
        pending = [o for o in pending if not kept[o.name]]
        if not pending:
            break
    if validator is not None:
        validator.close()
    if a.synthesize_only:
        print(f"[make_grasps] cached the candidates of {len(chosen)} objects in {time.time() - t0:.0f} s -> {CACHE}")
        return 0
    proposals = {name: p_ for name, p_ in previous.items() if name not in kept}
    proposals.update({name: GraspProposals(**{key: np.stack([r[key] for r in rows]) for key in FIELDS})
                      for name, rows in kept.items() if rows})
    save_proposals(out_path, a.hand, proposals)
    report = report_path(a.objects, a.hand)
    rows = {}
    if a.names and os.path.isfile(report):
        with open(report, newline="") as f:
            rows = {r["object"]: r for r in csv.DictReader(f)}
    for obj in chosen:
        row = {"object": obj.name, "family": obj.family, "split": obj.split, "closing": a.closing, **stats[obj.name],
               "kept": 0, "penetration_mm_max": "", "tips_in_contact_mean": "", "shift_mm_median": ""}
        p_ = proposals.get(obj.name)
        if p_ is not None:
            row.update(kept=len(p_), penetration_mm_max=f"{1000 * p_.penetration.max():.2f}",
                       tips_in_contact_mean=f"{G.tips_in_contact(p_.tips).mean():.2f}",
                       shift_mm_median=f"{1000 * np.median(p_.shift):.1f}")
        rows[obj.name] = row
    with open(report + ".tmp", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=REPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows[n] for n in objects.names if n in rows)
    os.replace(report + ".tmp", report)
    made = [len(rows) for rows in kept.values() if rows]
    print(f"[make_grasps] {len(made)}/{len(chosen)} objects have proposals, {sum(made)} in all, in "
          f"{time.time() - t0:.0f} s -> {out_path}, {report}")
    missing = [name for name, rows in kept.items() if not rows]
    if missing:
        print(f"[make_grasps] no proposal held for: {', '.join(missing)} (more --rounds or --candidates)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
