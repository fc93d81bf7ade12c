#!/usr/bin/env python3
"""Evaluate a trained policy: HO tracking on every clip (as the HO-Tracker challenge scores it), universal grasping
on the object set's three splits (as ResDex's tables report it).

    ./dex python scripts/evaluate.py --task Dex-HOTrack-Bimanual-v0 --checkpoint logs/rsl_rl/<task>/<run>/model_<i>.pt
    ./dex python scripts/evaluate.py --task Dex-HOTrack-Right-v0 --checkpoint PATH --clips my/manifest.json --rollouts 4
    ./dex python scripts/evaluate.py --task Dex-HOT-MANO-v0 --checkpoint PATH      # HOT: a row per skill × object

Plays each clip from frame 0 --rollouts times with the deterministic policy, prints the table (rows Left,
Right, Bimanual, Overall; E_r [deg], E_t [cm], E_j [cm], E_ft [cm] over successful rollouts; SR) and
writes evaluation.json, evaluation.csv and per_clip.csv (and expert_activation.png for MoRE policies) to
--out (default: <run>/eval/). Clips: every clip of the manifest with the task's hands (default: the
task's own clips). Nothing is written unless the whole evaluation finished.

Grasping (``Dex-Grasp-*``): one episode per object of each split and rollout (``--splits``, ``--objects_per_split``
for a quick look); prints Table 1 (success [%] per split) and D, writes evaluation.json/.csv, per_object.csv and the
hyper-policy's λ plot. ``--tables eval1.json eval2.json ...`` prints Tables 3 and 4 from several evaluations (by k
and MoE / MoE+Res)::

    ./dex python scripts/evaluate.py --task Dex-Grasp-Hyper-Shadow-v0 --checkpoint PATH
    ./dex python scripts/evaluate.py --tables logs/rsl_rl/*/*/eval/evaluation.json
"""
from __future__ import annotations

import argparse
import os
import sys

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task")
    p.add_argument("--checkpoint")
    p.add_argument("--splits", nargs="+", default=None, help="grasping: splits to evaluate (default: all three)")
    p.add_argument("--objects_per_split", type=int, default=None, help="grasping: only the first N objects of each")
    p.add_argument("--steps", type=int, default=None, help="grasping: episode length (default: the task's 200)")
    p.add_argument("--tables", nargs="+", default=None, help="grasping: evaluation.json files -> Tables 3 and 4")
    p.add_argument("--clips", default=None, help="clip manifest (default: the task's clips of the bundled one)")
    p.add_argument("--rollouts", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--out", default=None)
    a = p.parse_args()
    if a.tables:
        return grasp_tables(a.tables, a.out)
    if not a.task or not a.checkpoint:
        p.error("--task and --checkpoint are required (or --tables)")
    if a.task.startswith("Dex-Grasp-"):
        return evaluate_grasping(a)
    from tqdm import tqdm

    import dex_more.tasks  # noqa: F401
    from dex_more.cli import check_task, task_sides
    from dex_more.evaluation import ROWS, evaluate_clip, format_table, summarize, write_report
    from dex_more.motion.library import read_manifest, select_clips
    from dex_more.errors import DataFormatError
    from dex_more.rl.checkpoints import read_checkpoint
    from dex_more.tasks.hotrack.hotrack_env_cfg import HOTrackResidualEnvCfg
    from isaaclab_tasks.utils import load_cfg_from_registry

    check_task(a.task)
    # everything that can be wrong with the inputs is checked before any rollout (and any file)
    if a.rollouts < 1:
        raise SystemExit(f"error: --rollouts {a.rollouts}: expected at least 1")
    env_cfg = load_cfg_from_registry(a.task, "env_cfg_entry_point")
    commands = getattr(env_cfg.commands, "default", env_cfg.commands)  # a task with stage presets: the first stage's
    try:
        read_checkpoint(a.checkpoint, expected_tasks=(a.task,))
        entries = read_manifest(a.clips or commands.motion.manifest)
    except (DataFormatError, FileNotFoundError) as e:
        raise SystemExit(f"error: {e}") from None
    sides = tuple(task_sides(a.task))
    default = list(commands.motion.clip_names) if not a.clips else None
    chosen = [e.name for e in select_clips(entries, sides=sides, names=default or None)]
    if isinstance(env_cfg, HOTrackResidualEnvCfg):  # a residual task spawns one object set: only clips with objects
        n_obj = {e.name: e.num_objects for e in entries}
        chosen = [c for c in chosen if n_obj[c] >= 1]
    if not chosen:
        raise SystemExit(f"error: no clip for hands {sides} in {a.clips or 'the bundled manifest'}")
    rows_by = "skill_object" if a.task.startswith("Dex-HOT-") else "hands"  # HOT reports per skill and object
    results = []
    try:
        bar = tqdm(chosen, desc="evaluate", unit="clip", file=sys.stdout)
        for clip in bar:
            r = evaluate_clip(a.task, a.checkpoint, clip, a.clips, a.rollouts, a.seed, a.device, rows_by)
            bar.write(f"[evaluate] {clip}: {r.outcome()}")
            results.append(r)
    except (DataFormatError, FileNotFoundError) as e:  # a run folder's imitators, a clip the manifest lists
        raise SystemExit(f"error: {e}") from None
    table = summarize(results, rows=None if rows_by == "skill_object" else ROWS)
    print(format_table(table))
    out = a.out or os.path.join(os.path.dirname(os.path.abspath(a.checkpoint)), "eval")
    meta = {"task": a.task, "checkpoint": os.path.abspath(a.checkpoint), "rollouts": a.rollouts, "seed": a.seed,
            "clips": chosen}
    for path in write_report(results, table, out, meta):
        print(f"[evaluate] wrote {path}")
    return 0


def grasp_tables(paths: list[str], out: str | None) -> int:
    import json

    from dex_more.grasp_evaluation import format_ablation_tables

    reports = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                report = json.load(fh)
            report["meta"], report["table"]  # noqa: B018 - the fields the tables read
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise SystemExit(f"error: {path}: not a grasping evaluation.json ({e.__class__.__name__}: {e})") from None
        reports.append(report)
    text = format_ablation_tables(reports)
    print(text)
    if out:  # the tables as text and every evaluation's rows as JSON, beside each other
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "tables.txt"), "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        rows = [{"checkpoint": r["meta"].get("checkpoint"), "num_bases": r["meta"].get("num_bases"),
                 "residual": r["meta"].get("residual"), "table": r["table"]} for r in reports]
        with open(os.path.join(out, "tables.json"), "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=1)
        print(f"[evaluate] wrote {os.path.join(out, 'tables.txt')} and tables.json")
    return 0


def evaluate_grasping(a) -> int:
    import dex_more.tasks  # noqa: F401
    from dex_more.cli import check_task
    from dex_more.errors import DataFormatError
    from dex_more.grasp_evaluation import SPLIT_COLUMNS, evaluate_split, format_table1, summarize, write_report
    from dex_more.rl.checkpoints import hyper_policy_fields, is_distillation_run, read_policy_checkpoint

    check_task(a.task)
    splits = a.splits or list(SPLIT_COLUMNS)
    unknown = [s for s in splits if s not in SPLIT_COLUMNS]
    if unknown:
        raise SystemExit(f"error: unknown split(s) {unknown}; splits: {list(SPLIT_COLUMNS)}")
    if a.rollouts < 1:
        raise SystemExit(f"error: --rollouts {a.rollouts}: expected at least 1")
    try:
        read_policy_checkpoint(a.checkpoint, expected_tasks=(a.task,))
        hyper = None if is_distillation_run(a.checkpoint) else hyper_policy_fields(a.checkpoint)
        episodes, lam = [], {}
        for split in splits:
            eps, lam[split] = evaluate_split(a.task, a.checkpoint, split, a.rollouts, a.seed, a.device,
                                             a.objects_per_split, a.steps)
            rate = 100.0 * sum(e.success for e in eps) / len(eps)
            print(f"[evaluate] {split}: {len(eps)} episodes, success {rate:.1f} %")
            episodes += eps
    except (DataFormatError, FileNotFoundError) as e:
        raise SystemExit(f"error: {e}") from None
    table = summarize(episodes)
    print(format_table1({os.path.basename(os.path.dirname(os.path.abspath(a.checkpoint))): table}))
    for split, e in table.items():
        print(f"[evaluate] {split}: grasp quality D = {e['quality_d']:.1f}")
    out = a.out or os.path.join(os.path.dirname(os.path.abspath(a.checkpoint)), "eval")
    meta = {"task": a.task, "checkpoint": os.path.abspath(a.checkpoint), "rollouts": a.rollouts, "seed": a.seed,
            "splits": splits, "objects_per_split": a.objects_per_split, "steps": a.steps,
            "num_bases": len(hyper["base_checkpoints"]) if hyper else None,
            "residual": hyper.get("residual", True) if hyper else None}
    for path in write_report(episodes, table, lam, out, meta):
        print(f"[evaluate] wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
