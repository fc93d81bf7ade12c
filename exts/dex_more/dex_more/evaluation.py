"""One-command evaluation of HO-tracking policies, scored like the HO-Tracker challenge.

Every clip is played from frame 0 (``eval_mode``: final termination thresholds), ``rollouts`` times, with
the deterministic policy. A rollout succeeds when its clip runs out (minus 3 frames) without a
termination. E_t, E_r, E_j, E_ft are per-frame errors (:mod:`dex_more.metrics`) averaged over the frames
of a rollout, then over the *successful* rollouts; SR = successful / all. Rows: Left, Right, Bimanual (by
the hands of the clip) and Overall; HOT's evaluation (``rows_by="skill_object"``) has a row per skill × object
(a HOT clip is as long as its skill's test episode, so success is HOT's: no early termination until then).
"""
from __future__ import annotations

import csv
import json
import math
import os
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

METRICS = ("E_r", "E_t", "E_j", "E_ft")
ROWS = ("Left", "Right", "Bimanual", "Overall")


@dataclass
class ClipResult:
    clip: str
    category: str  # Left / Right / Bimanual
    rollouts: int
    successes: int
    lengths: list[int]
    metrics: dict[str, float]  # means over successful rollouts (NaN if none)
    all_rollout_metrics: dict[str, float]  # means over every rollout, for diagnosis
    routing: dict = field(default_factory=dict)  # MoRE: per-step weights/expert of rollout 0, expert load

    def outcome(self) -> str:
        """One line for a progress log: successes, frames run, errors over all rollouts."""
        errors = " ".join(f"{k} {v:.3f}" for k, v in self.all_rollout_metrics.items())
        return (f"{self.successes}/{self.rollouts} succeeded, frames {min(self.lengths)}-{max(self.lengths)} | "
                f"all rollouts: {errors}")


def _category(sides: tuple[str, ...]) -> str:
    return "Bimanual" if len(sides) == 2 else ("Left" if sides == ("left",) else "Right")


def clip_row(motion, rows_by: str = "hands") -> str:
    """The table row of a clip: Left / Right / Bimanual by its hands, or ``<skill> × <object>``."""
    if rows_by == "skill_object":
        return f"{motion.skill} × {motion.objects[0].name if motion.objects else '-'}"
    return _category(tuple(motion.sides))


def evaluate_clip(task: str, checkpoint: str, clip: str, manifest: str | None, rollouts: int, seed: int,
                  device: str = "cpu", rows_by: str = "hands") -> ClipResult:
    from dex_more.mdp.commands import reference_motion
    from dex_more.rl.rollout import build_policy_env

    overrides = [f"env.commands.motion.clip_names=[{clip}]"]
    if manifest:
        overrides.append(f"env.commands.motion.manifest={os.path.abspath(manifest)}")
    torch.manual_seed(seed)
    env, runner, policy = build_policy_env(task, checkpoint, rollouts, device, overrides, eval_mode=True, seed=seed)
    try:
        base = env.unwrapped
        cmd = reference_motion(base)
        actor = runner.alg.actor
        n = base.num_envs
        sums = {k: torch.zeros(n) for k in METRICS}
        steps = torch.zeros(n)
        done = torch.zeros(n, dtype=torch.bool)
        success = torch.zeros(n, dtype=torch.bool)
        weights, experts, load = [], [], None
        obs = env.get_observations()
        with torch.inference_mode():
            while not bool(done.all()):
                action = policy(obs)
                if getattr(actor, "last_weights", None) is not None and not done[0]:  # hyper-policy λ
                    weights.append(actor.last_weights[0].cpu().tolist())
                if getattr(actor, "last_probs", None) is not None:
                    probs, top = actor.last_probs.cpu(), actor.last_top_idx[:, 0].cpu()
                    if not done[0]:
                        weights.append(probs[0].tolist())
                        experts.append(int(top[0]))
                    counts = torch.bincount(top[~done], minlength=probs.shape[-1]).float()
                    load = counts if load is None else load + counts
                obs, _, dones, _ = env.step(action)
                live = ~done
                steps += live.float()
                for k in METRICS:
                    if k in cmd.step_metrics:
                        sums[k] += torch.where(live, cmd.step_metrics[k].cpu(), torch.zeros(n))
                ended = dones.cpu().bool() & live
                success |= ended & base.reset_time_outs.cpu() & ~base.reset_terminated.cpu()
                done |= ended
        per_rollout = {k: (sums[k] / steps.clamp(min=1)).numpy() for k in METRICS if k in cmd.step_metrics}
        ok = success.numpy()
        metrics = {k: float(v[ok].mean()) if ok.any() else math.nan for k, v in per_rollout.items()}
        routing = {}
        if load is not None:
            routing = {"weights": weights, "expert": experts, "load": (load / load.sum()).tolist()}
        elif weights:
            routing = {"lambda": weights}
        return ClipResult(clip, clip_row(cmd.clips[0], rows_by), n, int(ok.sum()), steps.int().tolist(), metrics,
                          {k: float(v.mean()) for k, v in per_rollout.items()}, routing)
    finally:
        env.close()


def summarize(results: list[ClipResult], rows: tuple[str, ...] | None = ROWS) -> dict[str, dict[str, float]]:
    """The challenge table: per row, metric means over successful rollouts (weighted by successes) and SR; for
    diagnosis also ``frames`` (mean frames a rollout ran, over every rollout) and ``all_<metric>`` (means over every
    rollout, weighted by rollouts): what a row with no success still says. ``rows=None``: the results' own rows
    (their ``category``, in order) then Overall."""
    if rows is None:
        rows = (*dict.fromkeys(r.category for r in results), "Overall")
    table = {}
    for row in rows:
        rs = [r for r in results if row == "Overall" or r.category == row]
        total = sum(r.rollouts for r in rs)
        succ = sum(r.successes for r in rs)
        entry = {}
        for k in METRICS:
            vals = [(r.metrics.get(k, math.nan), r.successes) for r in rs if r.successes and not math.isnan(r.metrics.get(k, math.nan))]
            w = sum(s for _, s in vals)
            entry[k] = sum(v * s for v, s in vals) / w if w else math.nan
        entry["SR"] = succ / total if total else math.nan
        entry["rollouts"] = total
        entry["frames"] = sum(sum(r.lengths) for r in rs) / total if total else math.nan
        for k in METRICS:
            vals = [(r.all_rollout_metrics[k], r.rollouts) for r in rs if k in r.all_rollout_metrics]
            w = sum(n for _, n in vals)
            entry[f"all_{k}"] = sum(v * n for v, n in vals) / w if w else math.nan
        table[row] = entry
    return table


DIAGNOSTIC_NOTE = ("(..) no successful rollout in the row: errors over all its rollouts, up to their failure "
                   "(a diagnostic, not the challenge's metric)")


def format_table(table: dict[str, dict[str, float]]) -> str:
    """The table as text. A row without a successful rollout shows its errors over every rollout in parentheses
    (:data:`DIAGNOSTIC_NOTE`); ``frames`` is the mean number of frames its rollouts ran."""
    def f(v, prec=3):
        return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{prec}f}"

    label = max(10, *(len(row) + 2 for row in table))
    lines = [f"{'':{label}s}{'E_r (deg)':>11s}{'E_t (cm)':>10s}{'E_j (cm)':>10s}{'E_ft (cm)':>11s}{'SR':>8s}"
             f"{'rollouts':>10s}{'frames':>9s}"]
    diagnostic = False
    for row, e in table.items():
        cells = []
        for k, width in zip(METRICS, (11, 10, 10, 11)):
            if math.isnan(e[k]) and e["rollouts"] and not math.isnan(e.get(f"all_{k}", math.nan)):
                cells.append(f"({f(e[f'all_{k}'])})".rjust(width))
                diagnostic = True
            else:
                cells.append(f(e[k]).rjust(width))
        lines.append(f"{row:{label}s}{''.join(cells)}{f(e['SR']):>8s}{e['rollouts']:>10d}{f(e.get('frames'), 1):>9s}")
    if diagnostic:
        lines.append(DIAGNOSTIC_NOTE)
    return "\n".join(lines)


def write_report(results: list[ClipResult], table: dict, out_dir: str, meta: dict) -> list[str]:
    """JSON (table + per clip), CSV (table), CSV (per clip) and, for MoRE policies, the routing plot."""
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    with open(os.path.join(out_dir, "evaluation.json"), "w") as fh:
        json.dump({"meta": meta, "table": table, "clips": [asdict(r) for r in results]}, fh, indent=1,
                  default=lambda o: None)
    paths.append(os.path.join(out_dir, "evaluation.json"))
    with open(os.path.join(out_dir, "evaluation.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        diagnostics = ["frames", *(f"all_{k}" for k in METRICS)]
        w.writerow(["row", *METRICS, "SR", "rollouts", *diagnostics])
        for row, e in table.items():
            w.writerow([row, *[e[k] for k in METRICS], e["SR"], e["rollouts"], *[e[k] for k in diagnostics]])
    paths.append(os.path.join(out_dir, "evaluation.csv"))
    with open(os.path.join(out_dir, "per_clip.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["clip", "category", *METRICS, "successes", "rollouts", "mean_length",
                    *(f"all_{k}" for k in METRICS)])
        for r in results:
            w.writerow([r.clip, r.category, *[r.metrics.get(k, math.nan) for k in METRICS], r.successes, r.rollouts,
                        float(np.mean(r.lengths)), *[r.all_rollout_metrics.get(k, math.nan) for k in METRICS]])
    paths.append(os.path.join(out_dir, "per_clip.csv"))
    if any("load" in r.routing for r in results):
        paths.append(plot_routing(results, os.path.join(out_dir, "expert_activation.png")))
    lam = {r.clip: r.routing["lambda"] for r in results if "lambda" in r.routing}
    if lam:
        paths.append(plot_lambda(lam, os.path.join(out_dir, "hyper_policy_lambda.png")))
    return paths


def plot_lambda(series: dict[str, list], path: str, what: str = "rollout 0") -> str:
    """Hyper-policy report figure: per entry of ``series`` (name -> (steps, k) weights), the weights λ_i of the base
    policies over the steps (tracking: rollout 0 of a clip; grasping: the mean over a split's envs)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(series), 1, figsize=(10, 2.4 * len(series)), squeeze=False)
    for ax, (name, values) in zip(axes[:, 0], series.items()):
        lam = np.array(values)
        for i in range(lam.shape[1]):
            ax.plot(lam[:, i], label=f"base {i}")
        ax.set_ylim(0, 1)
        ax.set_ylabel("λ")
        ax.set_title(f"{name}: weights of the base policies per step ({what})", fontsize=9)
        ax.legend(fontsize=7, loc="upper right")
    axes[-1, 0].set_xlabel("step")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def plot_routing(results: list[ClipResult], path: str) -> str:
    """MoRE report figure: per clip, router weights and the selected expert over the steps of rollout 0;
    and the expert load over the whole evaluation."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    routed = [r for r in results if "load" in r.routing]
    fig, axes = plt.subplots(len(routed) + 1, 1, figsize=(10, 2.4 * (len(routed) + 1)), squeeze=False)
    total = None
    for ax, r in zip(axes[:-1, 0], routed):
        w = np.array(r.routing["weights"])
        if len(w):
            ax.imshow(w.T, aspect="auto", cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
            ax.plot(r.routing["expert"], "r.", ms=3, label="selected expert")
            ax.set_yticks(range(w.shape[1]))
            ax.legend(loc="upper right", fontsize=7)
        ax.set_ylabel("expert")
        ax.set_title(f"{r.clip}: router weight (colour) and selected expert (red) per step", fontsize=9)
        load = np.array(r.routing["load"]) * sum(r.lengths)
        total = load if total is None else total + load
    ax = axes[-1, 0]
    ax.bar(range(len(total)), total / total.sum())
    ax.set_xlabel("expert")
    ax.set_ylabel("load fraction")
    ax.set_title("expert load over the evaluation", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path
