#!/usr/bin/env python3
"""Evaluate a trained HO-tracking policy on every clip, as the HO-Tracker challenge scores it.

    ./dex python scripts/evaluate.py --task Dex-HOTrack-Bimanual-v0 --checkpoint logs/rsl_rl/<task>/<run>/model_<i>.pt
    ./dex python scripts/evaluate.py --task Dex-HOTrack-Right-v0 --checkpoint PATH --clips my/manifest.json --rollouts 4

Plays each clip from frame 0 --rollouts times with the deterministic policy, prints the table (rows Left,
Right, Bimanual, Overall; E_r [deg], E_t [cm], E_j [cm], E_ft [cm] over successful rollouts; SR) and
writes evaluation.json, evaluation.csv and per_clip.csv (and expert_activation.png for MoRE policies) to
--out (default: <run>/eval/). Clips: every clip of the manifest with the task's hands (default: the
task's own clips). Nothing is written unless the whole evaluation finished.
"""
from __future__ import annotations

import argparse
import os
import sys

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", required=True)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--clips", default=None, help="clip manifest (default: the task's clips of the bundled one)")
    p.add_argument("--rollouts", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--out", default=None)
    a = p.parse_args()
    from tqdm import tqdm

    import dex_more.tasks  # noqa: F401
    from dex_more.cli import check_task, task_sides
    from dex_more.evaluation import evaluate_clip, format_table, summarize, write_report
    from dex_more.motion.library import read_manifest, select_clips
    from dex_more.errors import DataFormatError
    from dex_more.rl.checkpoints import read_checkpoint
    from dex_more.tasks.hotrack.hotrack_env_cfg import HOTrackResidualEnvCfg
    from isaaclab_tasks.utils import load_cfg_from_registry

    check_task(a.task)
    # everything that can be wrong with the inputs is checked before any rollout (and any file)
    if a.rollouts < 1:
        raise SystemExit(f"error: --rollouts {a.rollouts}: expected at least 1")
    try:
        read_checkpoint(a.checkpoint, expected_tasks=(a.task,))
        entries = read_manifest(a.clips) if a.clips else read_manifest()
    except (DataFormatError, FileNotFoundError) as e:
        raise SystemExit(f"error: {e}") from None
    sides = tuple(task_sides(a.task))
    env_cfg = load_cfg_from_registry(a.task, "env_cfg_entry_point")
    default = list(env_cfg.commands.motion.clip_names) if not a.clips else None
    chosen = [e.name for e in select_clips(entries, sides=sides, names=default or None)]
    if isinstance(env_cfg, HOTrackResidualEnvCfg):  # a residual task spawns one object set: only clips with objects
        n_obj = {e.name: e.num_objects for e in entries}
        chosen = [c for c in chosen if n_obj[c] >= 1]
    if not chosen:
        raise SystemExit(f"error: no clip for hands {sides} in {a.clips or 'the bundled manifest'}")
    results = []
    try:
        bar = tqdm(chosen, desc="evaluate", unit="clip", file=sys.stdout)
        for clip in bar:
            r = evaluate_clip(a.task, a.checkpoint, clip, a.clips, a.rollouts, a.seed, a.device)
            bar.write(f"[evaluate] {clip}: {r.outcome()}")
            results.append(r)
    except (DataFormatError, FileNotFoundError) as e:  # a run folder's imitators, a clip the manifest lists
        raise SystemExit(f"error: {e}") from None
    table = summarize(results)
    print(format_table(table))
    out = a.out or os.path.join(os.path.dirname(os.path.abspath(a.checkpoint)), "eval")
    meta = {"task": a.task, "checkpoint": os.path.abspath(a.checkpoint), "rollouts": a.rollouts, "seed": a.seed,
            "clips": chosen}
    for path in write_report(results, table, out, meta):
        print(f"[evaluate] wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
