#!/usr/bin/env python3
"""The HO-Tracker challenge protocol over a whole clip manifest: imitators, one residual per sequence, one table.

    ./dex python scripts/challenge.py --out logs/challenge/demos                      # the bundled clips
    ./dex python scripts/challenge.py --clips my/manifest.json --out logs/challenge/mine --group objects \\
        --imitator_iterations 400 --residual_iterations 1000 --num_envs 64 --jobs 2

1. The imitator of each hand the clips use, trained on the manifest's clips of that hand alone (or ``--imitator
   right=PATH left=PATH``).
2. A residual policy (``Dex-HOTrack-{Right,Left,Bimanual}-v0``) over the frozen imitators per clip, as ManipTrans
   trains per sequence (``--group objects``: one per set of clips with the same hands and objects). Each training
   runs ``scripts/train.py`` in its own process (``--jobs N`` at a time), logging to ``<out>/groups/<name>/``.
3. Every clip evaluated from frame 0 with its group's policy (``--rollouts``), then one challenge table over all of
   them: Left / Right / Bimanual / Overall, printed and written to ``<out>/eval/`` with the per-clip rows.

Interrupted (Ctrl-C, a crash, a lost machine)? Start the same command again: finished steps are kept and an
interrupted training resumes from its last checkpoint. Extra arguments (hydra overrides such as
``agent.save_interval=10``, or ``--agent rsl_rl_mlp_cfg_entry_point`` for ManipTrans' single residual MLP) go to
every residual training.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

def main() -> int:
    from dex_more.motion.library import DEFAULT_MANIFEST

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clips", default=DEFAULT_MANIFEST, help="clip manifest (default: the bundled clips)")
    p.add_argument("--names", nargs="*", default=None, help="only these clips of the manifest")
    p.add_argument("--out", required=True, help="the recipe's folder (start the same command again to go on)")
    p.add_argument("--group", choices=("clip", "objects"), default="clip",
                   help="one residual per clip (default, as ManipTrans) or per set of clips sharing hands and objects")
    p.add_argument("--imitator", action="append", default=[], metavar="SIDE=PATH",
                   help="use this imitator checkpoint for a hand instead of training one")
    p.add_argument("--imitator_iterations", type=int, default=50)
    p.add_argument("--residual_iterations", type=int, default=50)
    p.add_argument("--num_envs", type=int, default=16)
    p.add_argument("--device", default="cpu")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--rollouts", type=int, default=1, help="evaluation rollouts per clip")
    p.add_argument("--jobs", type=int, default=1, help="trainings at a time (each its own process)")
    a, extra = p.parse_known_args()
    t_start = time.time()

    import dex_more.tasks  # noqa: F401
    from dex_more.challenge import (RecipeState, check_recipe, group_clips, last_checkpoint, log, run_trainings,
                                    training_command)
    from dex_more.cli import imitator_tasks
    from dex_more.errors import DataFormatError
    from dex_more.evaluation import ClipResult, evaluate_clip, format_table, summarize, write_report
    from dex_more.motion.library import read_manifest, select_clips
    from dex_more.rl.checkpoints import check_frozen_actor

    if min(a.jobs, a.rollouts, a.imitator_iterations, a.residual_iterations, a.num_envs) < 1:
        raise SystemExit("error: --jobs, --rollouts, --*_iterations and --num_envs must each be at least 1")
    manifest = os.path.abspath(a.clips)
    given = {}
    for value in a.imitator:
        side, sep, path = value.partition("=")
        if not sep or side not in ("right", "left"):
            raise SystemExit(f"error: --imitator {value}: expected right=PATH or left=PATH")
        given[side] = os.path.abspath(path)
    try:
        groups = group_clips(manifest, a.names, a.group)
        for path in given.values():
            check_frozen_actor(path)
    except (DataFormatError, FileNotFoundError, ValueError) as e:
        raise SystemExit(f"error: {e}") from None
    if not groups:
        raise SystemExit(f"error: no clip with objects in {manifest}")
    out = os.path.abspath(a.out)
    recipe = {"clips": manifest, "names": a.names, "group": a.group, "imitators": given,
              "imitator_iterations": a.imitator_iterations, "residual_iterations": a.residual_iterations,
              "num_envs": a.num_envs, "seed": a.seed, "rollouts": a.rollouts, "extra": extra}
    try:
        check_recipe(out, recipe)
        state = RecipeState(out)
    except ValueError as e:
        raise SystemExit(f"error: {e}") from None
    imitator_task = {s: t for g in groups for s, t in imitator_tasks(g.task).items()}  # side -> its imitator task
    sides = sorted(imitator_task)
    log(f"{sum(len(g.clips) for g in groups)} clips in {len(groups)} groups, hands {sides} -> {out}")

    # 1. imitators: each on the manifest's clips of its hand alone
    entries = read_manifest(manifest)
    jobs = {}
    for side in sides:
        if side in given:
            state.data["imitators"][side] = given[side]
            continue
        task = imitator_task[side]
        clips = [e.name for e in select_clips(entries, sides=(side,))]
        if not clips:
            raise SystemExit(f"error: {manifest} has no {side}-hand clip to train the {side} imitator on; pass "
                             f"--imitator {side}=PATH")
        folder = os.path.join(out, "imitators", side)
        cmd = training_command(task, folder, a.imitator_iterations, a.num_envs, a.device, a.seed,
                               [f"env.commands.motion.manifest={manifest}",
                                f"env.commands.motion.clip_names=[{','.join(clips)}]"])
        if cmd:
            jobs[f"{side} imitator"] = (cmd, folder)
        else:
            state.data["imitators"][side] = last_checkpoint(folder)[0]
    for name, code in run_trainings(jobs, a.jobs).items():
        if code:
            raise SystemExit(f"error: the {name} did not train (exit {code}); see its train.log above")
    for side in sides:
        if side not in state.data["imitators"]:
            state.data["imitators"][side] = last_checkpoint(os.path.join(out, "imitators", side))[0]
    state.save()
    imitators = state.data["imitators"]

    # 2. one residual per group
    jobs = {}
    for g in groups:
        entry = state.group(g.name)
        entry.update(task=g.task, clips=g.clips)
        folder = os.path.join(out, "groups", g.name)
        args = [f for s in imitator_tasks(g.task) for f in ("--imitator", f"{s}={imitators[s]}")]
        cmd = training_command(g.task, folder, a.residual_iterations, a.num_envs, a.device, a.seed,
                               [*args, f"env.commands.motion.manifest={manifest}",
                                f"env.commands.motion.clip_names=[{','.join(g.clips)}]", *extra])
        if cmd:
            jobs[g.name] = (cmd, folder)
        else:
            entry["checkpoint"] = last_checkpoint(folder)[0]
    state.save()
    failed = []
    for name, code in run_trainings(jobs, a.jobs).items():
        if code:
            failed.append(name)
        else:
            state.group(name)["checkpoint"] = last_checkpoint(os.path.join(out, "groups", name))[0]
            state.save()

    # 3. evaluation, per clip with its group's policy; then one table
    results = []
    for g in groups:
        entry = state.group(g.name)
        if "checkpoint" not in entry:
            continue
        done = entry.setdefault("results", {})
        for clip in g.clips:
            if clip not in done:
                try:
                    r = evaluate_clip(g.task, entry["checkpoint"], clip, manifest, a.rollouts, a.seed, a.device)
                except (DataFormatError, FileNotFoundError) as e:
                    raise SystemExit(f"error: {e}") from None
                done[clip] = r.__dict__
                state.save()
                log(f"evaluated {clip}: {r.outcome()}")
            results.append(ClipResult(**done[clip]))
    if failed:
        raise SystemExit(f"error: {', '.join(failed)} did not train (see their train.log); the others are kept. "
                         "Start the same command again to retry.")
    table = summarize(results)
    print(format_table(table))
    meta = {"recipe": recipe, "groups": {g.name: state.group(g.name)["checkpoint"] for g in groups},
            "imitators": imitators}
    for path in write_report(results, table, os.path.join(out, "eval"), meta):
        log(f"wrote {path}")
    log(f"done in {time.time() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
