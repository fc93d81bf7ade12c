"""The HO-Tracker challenge protocol over a whole clip manifest: one residual policy per sequence (ManipTrans'
``dataIndices``) or per group of sequences sharing hands and objects, over frozen imitators, then one evaluation
over all of them (:mod:`dex_more.evaluation`).

A recipe lives in one folder: ``recipe.json`` (what it was started with; a later start must ask for the same),
``state.json`` (per group: its clips, task, checkpoint and evaluation), ``imitators/`` and ``groups/<name>/`` (each
training's logs, written by ``scripts/train.py`` in its own process) and ``eval/`` (the combined report). Every
step records its result in ``state.json`` as it finishes, so a recipe started again after an interruption goes on
from there: finished trainings and evaluations are kept, an interrupted training resumes from its last checkpoint.
"""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass

from .paths import REPO_ROOT

TRAIN_SCRIPT = os.path.join(REPO_ROOT, "scripts", "train.py")

RESIDUAL_TASKS = {("right",): "Dex-HOTrack-Right-v0", ("left",): "Dex-HOTrack-Left-v0",
                  ("left", "right"): "Dex-HOTrack-Bimanual-v0"}
"""The residual task that tracks clips of these hands (sorted sides)."""

GROUPINGS = ("clip", "objects")


@dataclass
class Group:
    """Clips that one residual policy learns."""

    name: str
    task: str
    clips: list[str]


def group_clips(manifest: str, names: list[str] | None = None, by: str = "clip") -> list[Group]:
    """The manifest's clips that have objects (the residual tasks track hands and objects), in groups: one per clip
    (``by="clip"``), or one per set of hands and objects (``by="objects"``, shape and size), in manifest order."""
    from dex_more.motion.library import load_clips, read_manifest, select_clips

    if by not in GROUPINGS:
        raise ValueError(f"grouping '{by}': expected one of {GROUPINGS}")
    entries = read_manifest(manifest)
    if names:
        missing = sorted(set(names) - {e.name for e in entries})
        if missing:
            raise ValueError(f"clips {missing} are not in {manifest}; it has {[e.name for e in entries]}")
        entries = select_clips(entries, names=names)
    entries = [e for e in entries if e.num_objects >= 1]
    groups: dict[tuple, Group] = {}
    for entry, clip in zip(entries, load_clips(entries)):
        sides = tuple(sorted(entry.sides))
        key = (entry.name,) if by == "clip" else (sides, clip.object_signature)
        if key not in groups:
            name = entry.name if by == "clip" else f"group_{len(groups):02d}_{entry.name}"
            groups[key] = Group(name, RESIDUAL_TASKS[sides], [])
        groups[key].clips.append(entry.name)
    return list(groups.values())


class RecipeState:
    """``state.json`` of a recipe folder: ``{"imitators": {side: path}, "groups": {name: {...}}}``, written whole
    (to a temporary file, then renamed) after every step, so an interruption never leaves it half written."""

    def __init__(self, folder: str):
        self.path = os.path.join(folder, "state.json")
        self.data = {"imitators": {}, "groups": {}}
        if os.path.exists(self.path):
            with open(self.path) as fh:
                try:
                    self.data = json.load(fh)
                except json.JSONDecodeError as e:
                    raise ValueError(f"{self.path}: not JSON ({e}); it is the recipe's progress, written by "
                                     "scripts/challenge.py") from None

    def group(self, name: str) -> dict:
        return self.data["groups"].setdefault(name, {})

    def save(self) -> None:
        tmp = self.path + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(self.data, fh, indent=1)
        os.replace(tmp, self.path)


def check_recipe(folder: str, recipe: dict) -> None:
    """Write ``recipe.json`` in a new folder; in a used one, require the recipe it was started with (a different
    one would mix policies of two recipes in one table)."""
    path = os.path.join(folder, "recipe.json")
    if os.path.exists(path):
        with open(path) as fh:
            before = json.load(fh)
        changed = {k: (before.get(k), v) for k, v in recipe.items() if before.get(k) != v}
        if changed:
            detail = "; ".join(f"{k}: {a!r} then, {b!r} now" for k, (a, b) in changed.items())
            raise ValueError(f"{folder} holds a recipe started with other settings ({detail}); continue it with "
                             "those settings or choose another --out")
        return
    os.makedirs(folder, exist_ok=True)
    with open(path, "w") as fh:
        json.dump(recipe, fh, indent=1)


def last_checkpoint(folder: str) -> tuple[str | None, int]:
    """The newest readable ``model_<i>.pt`` under ``folder`` (any run) and the iterations it finished (i + 1; 0 if
    none). A checkpoint torn by the interruption (written while the process was stopped) is passed over."""
    from dex_more.rl.checkpoints import CheckpointError, checkpoint_iteration, read_checkpoint

    models = glob.glob(os.path.join(folder, "**", "model_*.pt"), recursive=True)
    for path in sorted(models, key=checkpoint_iteration, reverse=True):
        try:
            read_checkpoint(path)
        except CheckpointError:
            continue
        return path, checkpoint_iteration(path) + 1
    return None, 0


def log(msg: str) -> None:
    print(f"[recipe] {msg}", flush=True)


def shown(path: str) -> str:
    """``path`` relative to the working directory when it lies below it, else absolute."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def training_command(task: str, folder: str, iterations: int, num_envs: int, device: str, seed: int,
                     extra: list[str]) -> list[str] | None:
    """scripts/train.py's command line for ``iterations`` of ``task`` logged under ``folder`` (its working
    directory), resuming from the last checkpoint there; None if that checkpoint already has them all."""
    ckpt, done = last_checkpoint(folder)
    if done >= iterations:
        return None
    cmd = [sys.executable, TRAIN_SCRIPT, "--task", task, "--num_envs", str(num_envs), "--device", device,
           "--seed", str(seed), "--max_iterations", str(iterations - done), *extra]
    return cmd + (["--checkpoint", ckpt] if ckpt else [])


def run_trainings(jobs: dict[str, tuple[list[str], str]], parallel: int) -> dict[str, int]:
    """Run ``{name: (command, folder)}``, ``parallel`` at a time, each in ``folder`` logging to
    ``<folder>/train.log``; returns their exit codes."""
    pending, running, codes = list(jobs.items()), {}, {}
    while pending or running:
        while pending and len(running) < parallel:
            name, (cmd, folder) = pending.pop(0)
            os.makedirs(folder, exist_ok=True)
            out = open(os.path.join(folder, "train.log"), "a")
            running[name] = (subprocess.Popen(cmd, cwd=folder, stdout=out, stderr=subprocess.STDOUT), out,
                             time.time())
            log(f"training {name} (log: {shown(os.path.join(folder, 'train.log'))})")
        time.sleep(0.5)
        for name, (proc, out, t0) in list(running.items()):
            if proc.poll() is not None:
                out.close()
                codes[name] = proc.returncode
                log(f"{name}: {'trained' if proc.returncode == 0 else f'FAILED (exit {proc.returncode})'} in "
                    f"{time.time() - t0:.0f} s")
                del running[name]
    return codes
