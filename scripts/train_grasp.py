#!/usr/bin/env python3
"""ResDex's recipe in one command: clusters -> one base policy per cluster centre -> hyper-policy stage 1 -> stage 2
-> point-cloud student.

    ./dex python scripts/train_grasp.py                                   # k = 4, CPU-sized iterations
    ./dex python scripts/train_grasp.py --k 2 --base_iterations 300 --hyper_iterations 500 --num_envs 64
    ./dex python scripts/train_grasp.py --moe_only --until hyper2          # Table 3's MoE-only ablation
    ./dex python scripts/train_grasp.py --device cuda:0 --num_envs 4096 --base_iterations 5000 \\
        --hyper_iterations 20000 --student_iterations 8000                # the paper's scale (a GPU)

1. Clusters: K-means (k = --k) on the object set's shape codes (``data/objects/shape_codes.npz``: its own
   clusters when k matches, else scikit-learn's K-means on the train split's codes); the object nearest each
   centre is that cluster's representative.
2. One geometry-agnostic base policy per representative (``Dex-Grasp-Base-Shadow-v0``, experiment
   ``<task>_<object>``).
3. The hyper-policy over the k frozen bases on the train split, stage 1 (``r_task + α·r_proposal``), then stage 2
   (``presets=stage2``) from stage 1's checkpoint.
4. DAgger: the point-cloud student from stage 2's hyper-policy.
Every stage reuses the newest finished checkpoint of its experiment under logs/rsl_rl/ unless --retrain names it
(``--retrain base hyper1``, or ``all``). Each stage runs scripts/train.py's code; the end prints every checkpoint,
and the evaluation and tensorboard commands. Extra arguments (hydra overrides) go to every stage.
"""
from __future__ import annotations

import argparse
import sys
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

import numpy as np  # noqa: E402

import dex_more.tasks  # noqa: E402, F401
from dex_more.cli import LOG_ROOT, dex_train_argv, latest_checkpoint  # noqa: E402
from isaaclab_rl.entrypoints.backends import train_rsl_rl  # noqa: E402

BASE, HYPER, STUDENT = "Dex-Grasp-Base-Shadow-v0", "Dex-Grasp-Hyper-Shadow-v0", "Dex-Grasp-Student-Shadow-v0"
STAGES = ("base", "hyper1", "hyper2", "student")


def centre_objects(k: int, seed: int) -> list[str]:
    """The object nearest each of k cluster centres (the bundled clusters when they have k)."""
    from dex_more.objects.object_set import DEFAULT_OBJECT_SET, load_object_set
    from dex_more.objects.shape_code import cluster_codes, load_shape_codes

    codes = load_shape_codes(DEFAULT_OBJECT_SET)
    if len(codes["centre_objects"]) == k:
        return codes["centre_objects"].tolist()
    train = {o.name for o in load_object_set(DEFAULT_OBJECT_SET).split("train")}
    rows = [i for i, n in enumerate(codes["names"].tolist()) if n in train]
    _, _, nearest = cluster_codes(codes["codes"][rows], k, seed)
    return [codes["names"][rows[i]] for i in np.asarray(nearest).tolist()]


def stage(name: str, task: str, experiment: str, iterations: int, a, extra: list[str], retrain: bool) -> str:
    """The newest checkpoint of ``experiment``, trained now (``iterations``) unless one exists and not ``retrain``."""
    found = None if retrain else latest_checkpoint(experiment)
    if found:
        print(f"[train_grasp] {name}: reusing {found}")
        return found
    t0 = time.time()
    train_rsl_rl.run(dex_train_argv(["--task", task, "--num_envs", str(a.num_envs), "--device", a.device,
                                     "--max_iterations", str(iterations), "--seed", str(a.seed),
                                     "--experiment_name", experiment, *extra, *a.extra]))
    ckpt = latest_checkpoint(experiment)
    print(f"[train_grasp] {name}: {iterations} iterations in {time.time() - t0:.0f} s -> {ckpt}")
    return ckpt


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--k", type=int, default=4, help="number of base policies (clusters)")
    p.add_argument("--num_envs", type=int, default=16)
    p.add_argument("--device", default="cpu")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--base_iterations", type=int, default=100)
    p.add_argument("--hyper_iterations", type=int, default=100, help="per hyper-policy stage")
    p.add_argument("--student_iterations", type=int, default=100)
    p.add_argument("--moe_only", action="store_true", help="the hyper-policy without residual (Table 3's MoE)")
    p.add_argument("--until", choices=STAGES, default="student", help="last stage to run")
    p.add_argument("--retrain", nargs="*", choices=(*STAGES, "all"), default=[],
                   help="stages to train again even if their checkpoints exist")
    a, a.extra = p.parse_known_args(argv)
    retrain = set(STAGES) if "all" in a.retrain else set(a.retrain)
    last = STAGES.index(a.until)
    t0 = time.time()
    objects = centre_objects(a.k, a.seed)
    print(f"[train_grasp] k = {a.k} cluster centres: {', '.join(objects)}")
    done = {}
    bases = [stage(f"base {o}", BASE, f"{BASE}_{o}", a.base_iterations, a, [f"env.object_bank.names=['{o}']"],
                   "base" in retrain) for o in objects]
    done.update({f"base ({o})": b for o, b in zip(objects, bases)})
    tag = f"k{a.k}" + ("_moe_only" if a.moe_only else "")
    switch = ["agent.actor.residual=false"] if a.moe_only else []
    if last >= 1:
        done["hyper stage 1"] = stage("hyper stage 1", HYPER, f"{HYPER}_{tag}_stage1", a.hyper_iterations, a,
                                      [*(x for b in bases for x in ("--base", b)), *switch], "hyper1" in retrain)
    if last >= 2:
        done["hyper stage 2"] = stage("hyper stage 2", HYPER, f"{HYPER}_{tag}_stage2", a.hyper_iterations, a,
                                      ["presets=stage2", "--checkpoint", done["hyper stage 1"]],
                                      "hyper2" in retrain or "hyper1" in retrain)
    if last >= 3:
        done["student"] = stage("student", STUDENT, f"{STUDENT}_{tag}", a.student_iterations, a,
                                ["--checkpoint", done["hyper stage 2"]], bool(retrain & {"hyper1", "hyper2", "student"}))
    print(f"\n[train_grasp] done in {time.time() - t0:.0f} s")
    for name, path in done.items():
        print(f"[train_grasp]   {name:16s}: {path}")
    final = list(done.items())[-1][1]
    task = {0: BASE, 1: HYPER, 2: HYPER, 3: STUDENT}[last]
    print(f"[train_grasp]   evaluate: ./dex python scripts/evaluate.py --task {task} --checkpoint {final}")
    print(f"[train_grasp]   tensorboard --logdir {LOG_ROOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
