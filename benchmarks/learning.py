#!/usr/bin/env python3
"""Does it learn, and does MoRE help? MoRE residual vs ManipTrans' single residual MLP vs no imitator, at equal
env-steps, over seeds, on a right-hand and a bimanual clip; a report (markdown + PNGs).

    ./dex python benchmarks/learning.py --out logs/learning/cpu                   # --budget cpu: about 45 min here
    ./dex python benchmarks/learning.py --out logs/learning/gpu --budget gpu --device cuda:0 --jobs 1

Variants (each over the same frozen imitators, trained once per hand first; "scratch" has none):
  more    Dex-HOTrack-{Right,Bimanual}-v0, the MoRE actor and MoE-PPO (the tasks' default agent)
  mlp     the same tasks with ``--agent rsl_rl_mlp_cfg_entry_point`` (ManipTrans' single residual MLP)
  scratch Dex-HOTrack-{Right,Bimanual}-FromScratch-v0 (no imitator)
Every run trains with ``scripts/train.py`` in its own process (``--jobs`` at a time; logs under ``<out>/runs/``), and
is evaluated with the challenge's protocol (``--rollouts`` from frame 0). ``<out>/report.md`` has the budget, the final
table per variant and clip (mean and spread over seeds), and the pictures: learning curves against env-steps (mean
episode length, success, E_ft: median over seeds, band = min..max), MoRE's router load per expert and routing entropy
over training, and the activation plot of a final MoRE policy. Start the same command again after an interruption:
finished runs and evaluations are kept, an interrupted run resumes from its last checkpoint.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

import numpy as np  # noqa: E402

CLIPS = {"right": ("right_grasp_box", "Dex-HOTrack-Right-v0"),
         "bimanual": ("bimanual_carry_box_0", "Dex-HOTrack-Bimanual-v0")}
VARIANTS = {"more": ("", []), "mlp": ("", ["--agent", "rsl_rl_mlp_cfg_entry_point"]),
            "scratch": ("-FromScratch", [])}
"""variant -> (task suffix, extra train.py arguments)."""
BUDGETS = {  # num_envs, imitator iterations, residual iterations (32 env-steps per env and iteration)
    "cpu": {"num_envs": 16, "imitator_iterations": 100, "residual_iterations": 80},
    "gpu": {"num_envs": 4096, "imitator_iterations": 1000, "residual_iterations": 1000},
}
STEPS_PER_ENV = 32  # the HO-tracking agents' num_steps_per_env
CURVES = {"Train/mean_episode_length": "mean episode length [steps]", "Metrics/motion/success": "success (per episode)",
          "Metrics/motion/E_ft": "E_ft [cm]"}


LOAD_TAG = "Loss/moe_load_expert_"
"""Tag prefix of MoE-PPO's per-expert load (the share of the update's steps routed to each expert)."""


def expert_loads(run: dict[str, np.ndarray]) -> np.ndarray:
    """The last logged load of each expert of a run (empty for a run without a router)."""
    return np.array([run[tag][-1, 1] for tag in sorted(t for t in run if t.startswith(LOAD_TAG))])


def scalars(run_folder: str) -> dict[str, np.ndarray]:
    """Every scalar of a run's tensorboard file, by tag: (iteration, value) rows (a resumed run: all its files)."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    out: dict[str, list] = {}
    for root, _, files in os.walk(run_folder):
        if any(f.startswith("events.out.tfevents") for f in files):
            acc = EventAccumulator(root, size_guidance={"scalars": 0})
            acc.Reload()
            for tag in acc.Tags()["scalars"]:
                out.setdefault(tag, []).extend((e.step, e.value) for e in acc.Scalars(tag))
    return {tag: np.array(sorted(dict(rows).items())) for tag, rows in out.items()}


def seed_band(curves: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(iterations, median, min, max) over seeds, on the iterations every seed logged."""
    common = sorted(set.intersection(*(set(c[:, 0].tolist()) for c in curves)))
    stack = np.stack([np.interp(common, c[:, 0], c[:, 1]) for c in curves])
    return np.array(common), np.median(stack, 0), stack.min(0), stack.max(0)


def plot_curves(logs: dict, num_envs: int, path: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(CLIPS), len(CURVES), figsize=(4.2 * len(CURVES), 3.0 * len(CLIPS)), squeeze=False)
    for row, clip in enumerate(CLIPS):
        for col, (tag, label) in enumerate(CURVES.items()):
            ax = axes[row, col]
            for variant in VARIANTS:
                curves = [s[tag] for s in logs[clip][variant] if tag in s]
                if not curves:
                    continue
                it, med, lo, hi = seed_band(curves)
                steps = (it + 1) * num_envs * STEPS_PER_ENV
                ax.plot(steps, med, label=variant)
                ax.fill_between(steps, lo, hi, alpha=0.2)
            ax.set_title(f"{CLIPS[clip][0]}: {label}", fontsize=9)
            ax.set_xlabel("env-steps")
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def plot_router(logs: dict, num_envs: int, path: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(CLIPS), figsize=(6 * len(CLIPS), 3.2), squeeze=False)
    for ax, clip in zip(axes[0], CLIPS):
        runs = logs[clip]["more"]
        experts = sorted(t for t in runs[0] if t.startswith(LOAD_TAG)) if runs else []
        for tag in experts:
            it, med, lo, hi = seed_band([s[tag] for s in runs])
            ax.plot((it + 1) * num_envs * STEPS_PER_ENV, med, label=f"expert {tag.rsplit('_', 1)[-1]}")
        if runs and "Loss/moe_router_entropy" in runs[0]:
            it, med, _, _ = seed_band([s["Loss/moe_router_entropy"] for s in runs])
            ax.plot((it + 1) * num_envs * STEPS_PER_ENV, med / math.log(max(len(experts), 2)), "k--",
                    label="entropy / ln k")
        ax.set_ylim(0, 1.05)
        ax.set_xlabel("env-steps")
        ax.set_title(f"{CLIPS[clip][0]}: MoRE load per expert (median over seeds)", fontsize=9)
        ax.legend(fontsize=7, ncol=3)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


ROUTER_HEALTH = 0.7
"""The largest share of the steps one expert may take at the end of training (issue: no collapse onto one expert)."""


def findings(final: dict, logs: dict) -> list[str]:
    """The report's conclusions, read off its numbers: MoRE against the single residual MLP (SR, then the all-rollout
    E_ft while neither succeeds), whether the run without imitator tracks the fingertips better (then the frozen
    imitators, not the residual, bound what the residual runs reach), and the router's health."""
    from dex_more.evaluation import summarize

    out = []
    for clip in CLIPS:
        t = {v: summarize(final[(clip, v)])["Overall"] for v in VARIANTS if (clip, v) in final}
        if "more" not in t or "mlp" not in t:
            continue
        more, mlp = t["more"], t["mlp"]
        if more["SR"] != mlp["SR"]:
            verdict = f"MoRE {'beats' if more['SR'] > mlp['SR'] else 'does not beat'} the single residual MLP on SR " \
                      f"({more['SR']:.2f} vs {mlp['SR']:.2f})"
        else:
            verdict = (f"MoRE and the single residual MLP reach the same SR ({more['SR']:.2f}); over all rollouts "
                       f"MoRE's E_ft is {more['all_E_ft']:.2f} cm vs {mlp['all_E_ft']:.2f} cm, and its rollouts run "
                       f"{more['frames']:.0f} vs {mlp['frames']:.0f} frames")
        out.append(f"- {CLIPS[clip][0]}: {verdict}.")
        if "scratch" in t and t["scratch"]["all_E_ft"] < min(more["all_E_ft"], mlp["all_E_ft"]):
            out.append(f"  Without an imitator the fingertips are tracked better (E_ft {t['scratch']['all_E_ft']:.2f} "
                       "cm): at this budget the frozen imitators, not the residual, bound the residual runs.")
        per_run = [expert_loads(s) for s in logs[clip]["more"]]
        loads = [float(run.max()) for run in per_run if run.size]
        entropy = [s["Loss/moe_router_entropy"][-1, 1] for s in logs[clip]["more"] if "Loss/moe_router_entropy" in s]
        if loads:
            k = per_run[0].size
            ok = max(loads) <= ROUTER_HEALTH
            out.append(f"  Router: the busiest expert takes {max(loads):.0%} of the training steps at the end (limit "
                       f"{ROUTER_HEALTH:.0%}: {'met' if ok else 'NOT met'}); routing entropy "
                       f"{np.mean(entropy) / math.log(k):.2f} of ln {k} (1 = uniform weights).")
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="the benchmark's folder (start the same command again to go on)")
    p.add_argument("--budget", choices=sorted(BUDGETS), default="cpu")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--device", default="cpu")
    p.add_argument("--jobs", type=int, default=2, help="trainings at a time (each its own process)")
    p.add_argument("--rollouts", type=int, default=4, help="evaluation rollouts per run")
    p.add_argument("--residual_iterations", type=int, default=None, help="override the budget's")
    p.add_argument("--imitator_iterations", type=int, default=None, help="override the budget's")
    a = p.parse_args()
    t_start = time.time()

    import dex_more.tasks  # noqa: F401
    from dex_more.challenge import RecipeState, check_recipe, last_checkpoint, log, run_trainings, training_command
    from dex_more.cli import imitator_tasks
    from dex_more.evaluation import METRICS, ClipResult, evaluate_clip, plot_routing, summarize

    budget = dict(BUDGETS[a.budget])
    for key in ("residual_iterations", "imitator_iterations"):
        if getattr(a, key) is not None:
            budget[key] = getattr(a, key)
    out = os.path.abspath(a.out)
    recipe = {"budget": budget, "seeds": a.seeds, "rollouts": a.rollouts, "clips": CLIPS, "variants": list(VARIANTS)}
    try:
        check_recipe(out, json.loads(json.dumps(recipe)))
        state = RecipeState(out)
    except ValueError as e:
        raise SystemExit(f"error: {e}") from None
    env_steps = budget["residual_iterations"] * budget["num_envs"] * STEPS_PER_ENV
    log(f"budget {a.budget}: {budget['num_envs']} envs x {STEPS_PER_ENV} steps x {budget['residual_iterations']} "
        f"iterations = {env_steps} env-steps per run; {len(CLIPS) * len(VARIANTS) * len(a.seeds)} runs -> {out}")

    def train(jobs: dict) -> None:
        failed = [n for n, code in run_trainings(jobs, a.jobs).items() if code]
        if failed:
            raise SystemExit(f"error: {', '.join(failed)} did not train (see train.log); start again to retry")

    # 1. the imitators (seed 0), shared by every "more" and "mlp" run
    imitator_task = {s: t for _, task in CLIPS.values() for s, t in imitator_tasks(task).items()}
    jobs = {}
    for side, task in imitator_task.items():
        folder = os.path.join(out, "imitators", side)
        cmd = training_command(task, folder, budget["imitator_iterations"], budget["num_envs"], a.device, 0, [])
        if cmd:
            jobs[f"{side} imitator"] = (cmd, folder)
    train(jobs)
    imitators = {side: last_checkpoint(os.path.join(out, "imitators", side))[0] for side in imitator_task}

    # 2. every (clip, variant, seed)
    jobs, runs = {}, {}
    for clip, (clip_name, task) in CLIPS.items():
        for variant, (suffix, extra) in VARIANTS.items():
            args = [] if suffix else [f for s in imitator_tasks(task) for f in ("--imitator", f"{s}={imitators[s]}")]
            for seed in a.seeds:
                name = f"{clip}-{variant}-seed{seed}"
                folder = os.path.join(out, "runs", name)
                runs[name] = (clip, variant, seed, task.replace("-v0", f"{suffix}-v0"), folder)
                cmd = training_command(runs[name][3], folder, budget["residual_iterations"], budget["num_envs"],
                                       a.device, seed, [*args, *extra, f"env.commands.motion.clip_names=[{clip_name}]"])
                if cmd:
                    jobs[name] = (cmd, folder)
    train(jobs)

    # 3. evaluation of each final policy, then the report
    logs = {clip: {v: [] for v in VARIANTS} for clip in CLIPS}
    final: dict[tuple, list[ClipResult]] = {}
    for name, (clip, variant, seed, task, folder) in runs.items():
        entry = state.group(name)
        if "result" not in entry:
            ckpt = last_checkpoint(folder)[0]
            r = evaluate_clip(task, ckpt, CLIPS[clip][0], None, a.rollouts, seed, a.device)
            entry.update(checkpoint=ckpt, result=r.__dict__)
            state.save()
            log(f"evaluated {name}: {r.outcome()}")
        final.setdefault((clip, variant), []).append(ClipResult(**entry["result"]))
        logs[clip][variant].append(scalars(folder))

    # the wall time over every start of this command (training and evaluation; a restart adds its own)
    state.data["wall_s"] = state.data.get("wall_s", 0.0) + time.time() - t_start
    state.save()
    figures = [plot_curves(logs, budget["num_envs"], os.path.join(out, "learning_curves.png")),
               plot_router(logs, budget["num_envs"], os.path.join(out, "router_load.png"))]
    firsts = [final[(clip, "more")][0] for clip in CLIPS]
    figures.append(plot_routing(firsts, os.path.join(out, "more_activation.png")))

    lines = [f"# Learning benchmark ({a.budget} budget)", "",
             f"Per run: {budget['num_envs']} envs x {STEPS_PER_ENV} steps x {budget['residual_iterations']} "
             f"iterations = **{env_steps} env-steps** (imitators: {budget['imitator_iterations']} iterations, seed 0). "
             f"Seeds {a.seeds}; evaluation: {a.rollouts} rollouts per run from frame 0 (the challenge protocol). "
             f"Wall time (all starts of this command): {state.data['wall_s']:.0f} s on {os.cpu_count()} cores, "
             f"{a.device}.", "",
             "| clip | variant | SR (mean over seeds) | SR per seed | frames run | " + " | ".join(
                 f"{k} (all rollouts)" for k in METRICS) + " | final max expert load |",
             "|---|---|---|---|---|" + "---|" * len(METRICS) + "---|"]
    for (clip, variant), results in final.items():
        t = summarize(results)["Overall"]
        per_seed = " ".join(f"{r.successes}/{r.rollouts}" for r in results)
        loads = [float(run.max()) for run in map(expert_loads, logs[clip][variant]) if run.size]
        load = f"{np.mean(loads):.2f} ({min(loads):.2f}-{max(loads):.2f})" if loads else "-"
        lines.append(f"| {CLIPS[clip][0]} | {variant} | {t['SR']:.2f} | {per_seed} | {t['frames']:.1f} | "
                     + " | ".join(f"{t[f'all_{k}']:.3f}" for k in METRICS) + f" | {load} |")
    lines += ["", "## Findings (computed)", "", *findings(final, logs), "",
              *[f"![{os.path.basename(f)}]({os.path.basename(f)})" for f in figures], ""]
    with open(os.path.join(out, "report.md"), "w") as fh:
        fh.write("\n".join(lines))
    print("\n".join(lines[:-len(figures) - 2]))
    log(f"wrote {os.path.join(out, 'report.md')} and {len(figures)} figures in {time.time() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
