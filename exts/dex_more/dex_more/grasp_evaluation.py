"""One-command evaluation of universal-grasping policies, reported like ResDex's Tables 1, 3 and 4.

Each split of the object set (``train``, ``unseen_objects``: new objects of trained families, ``unseen_families``)
is played for one episode per object and rollout with the deterministic policy, every env holding its own object
(env i: object i mod n of the split; no reassignment at reset). Per episode:
- success: the object's centre within 5 cm of the goal (20 cm above the table), in the hand, at the episode's last
  step (:func:`dex_more.tasks.grasp.mdp.grasp_succeeded`, the task's success term); an episode a physics blow-up
  ended early fails;
- grasp quality D = −Σ_t r_proposal_t = Σ_t ‖g − g_t‖ over its steps, with stage 1's weights of the norm (lower:
  closer to the proposals' poses; the paper reports it on unseen families);
- for a hyper-policy, λ of every step (the plot shows its mean over the split's envs).
The tables (text, JSON and CSV beside them) are success rates [%] per split (Table 1), per k and MoE / MoE+Res
(Table 3, from several evaluations) and D per k (Table 4). Same checkpoint, seed and device: same numbers.
"""
from __future__ import annotations

import csv
import json
import math
import os
from dataclasses import asdict, dataclass

import numpy as np
import torch

from dex_more.envs import CONTROL_DT
from dex_more.tasks.grasp.grasp_env_cfg import EPISODE_STEPS

SPLIT_COLUMNS = {"train": "Train", "unseen_objects": "Uns. Obj. (seen cat.)", "unseen_families": "Uns. Cat."}
"""Table 1's columns, by split."""


@dataclass
class GraspEpisode:
    object: str
    split: str
    success: bool
    final_distance: float
    """d_obj at the episode's end [m]."""
    final_object_pos: list
    """The object's centre at the episode's end [m, env frame]."""
    steps: int
    quality_d: float


def evaluate_split(task: str, checkpoint: str, split: str, rollouts: int = 1, seed: int = 0, device: str = "cpu",
                   max_objects: int | None = None, episode_steps: int | None = None,
                   object_set: str | None = None) -> tuple[list[GraspEpisode], list[list[float]]]:
    """Play every object of ``split`` (its first ``max_objects``) ``rollouts`` times; returns the episodes and, for a
    hyper-policy, the mean λ over the envs at every step (else empty)."""
    from dex_more.envs.object_bank import ObjectBankCfg, select_objects
    from dex_more.rl.rollout import build_policy_env
    from dex_more.tasks.grasp.grasp_env_cfg import HyperStage1RewardsCfg
    from dex_more.tasks.grasp.mdp import grasp_state, grasp_succeeded

    bank = ObjectBankCfg(split=split, **({"object_set": object_set} if object_set else {}))
    names = [o.name for o in select_objects(bank)][:max_objects]
    steps = episode_steps or EPISODE_STEPS
    # one step longer than played: no time-out resets an env before its last step is read
    overrides = [f"env.object_bank.split={split}", "env.object_bank.names=" + repr(names),
                 "env.events.assign_object=None", f"env.episode_length_s={(steps + 1) * CONTROL_DT}"]
    if object_set:
        overrides.append(f"env.object_bank.object_set={os.path.abspath(object_set)}")
    torch.manual_seed(seed)
    env, runner, policy = build_policy_env(task, checkpoint, len(names) * rollouts, device, overrides, seed=seed)
    norm = HyperStage1RewardsCfg().proposal.params
    try:
        base = env.unwrapped
        state = grasp_state(base)
        n = base.num_envs
        failed = torch.zeros(n, dtype=torch.bool)  # ended early (a physics blow-up)
        played = torch.zeros(n, dtype=torch.long)
        quality = torch.zeros(n, dtype=torch.float64)
        lam = []
        obs = env.get_observations()
        actor = runner.alg.get_policy()
        with torch.inference_mode():
            for _ in range(steps):
                action = policy(obs)
                live = ~failed
                if getattr(actor, "last_weights", None) is not None:
                    lam.append(actor.last_weights[live].mean(0).cpu().tolist())
                obs, _, dones, _ = env.step(action)
                failed |= dones.cpu().bool()
                live = ~failed
                quality += torch.where(live, state.proposal_distance(**norm).cpu().double(), 0.0)
                played += live.long()
        final_pos = state.object_pos.cpu()
        final_d = state.target_distance.cpu()
        success = ~failed & grasp_succeeded(base, **base.termination_manager.get_term_cfg("success").params).cpu()
        objects = [names[i % len(names)] for i in range(n)]
        episodes = [GraspEpisode(objects[i], split, bool(success[i]), float(final_d[i]), final_pos[i].tolist(),
                                 int(played[i]), float(quality[i])) for i in range(n)]
        return episodes, lam
    finally:
        env.close()


def summarize(episodes: list[GraspEpisode]) -> dict[str, dict[str, float]]:
    """Per split: success rate [%], mean D, episodes; means over every episode of the split."""
    table = {}
    for split in SPLIT_COLUMNS:
        eps = [e for e in episodes if e.split == split]
        if eps:
            table[split] = {"success_rate": 100.0 * sum(e.success for e in eps) / len(eps),
                            "quality_d": float(np.mean([e.quality_d for e in eps])), "episodes": len(eps),
                            "objects": len({e.object for e in eps})}
    return table


def format_table1(rows: dict[str, dict[str, dict[str, float]]]) -> str:
    """ResDex's Table 1: success rates [%] per split, one row per evaluated policy (label -> summary)."""
    splits = [s for s in SPLIT_COLUMNS if any(s in t for t in rows.values())]
    head = f"{'Method':28s}" + "".join(f"{SPLIT_COLUMNS[s]:>24s}" for s in splits)
    lines = [head]
    for label, table in rows.items():
        cells = "".join(f"{table[s]['success_rate']:>24.1f}" if s in table else f"{'-':>24s}" for s in splits)
        lines.append(f"{label[:28]:28s}{cells}")
    return "\n".join(lines)


def format_ablation_tables(reports: list[dict]) -> str:
    """ResDex's Tables 3 and 4 from several evaluation reports (JSON dicts of :func:`write_report`): success on the
    train split by k for MoE-only and MoE+Res, and D on unseen families by k (lower is better)."""
    by = {}
    for r in reports:
        m = r["meta"]
        if m.get("num_bases") is None:
            continue
        by.setdefault((m["num_bases"], bool(m["residual"])), r["table"])
    ks = sorted({k for k, _ in by})
    cell = lambda v, p=1: f"{v:>9.{p}f}" if v is not None and not math.isnan(v) else f"{'-':>9s}"  # noqa: E731

    def get(k, res, split, key):
        t = by.get((k, res), {}).get(split)
        return None if t is None else t[key]

    lines = ["Table 3: success rate on the train split [%]", f"{'Method':10s}" + "".join(f"{'k=' + str(k):>9s}" for k in ks)]
    for res, label in ((False, "MoE"), (True, "MoE+Res")):
        lines.append(f"{label:10s}" + "".join(cell(get(k, res, "train", "success_rate")) for k in ks))
    lines += ["", "Table 4: grasp quality D on unseen families (lower is better)",
              f"{'':10s}" + "".join(f"{'k=' + str(k):>9s}" for k in ks),
              f"{'D':10s}" + "".join(cell(get(k, True, "unseen_families", "quality_d")) for k in ks)]
    return "\n".join(lines)


def write_report(episodes: list[GraspEpisode], table: dict, lam: dict[str, list], out_dir: str,
                 meta: dict) -> list[str]:
    """evaluation.json (meta, table, episodes), evaluation.csv (the table), per_object.csv and, for a hyper-policy,
    the λ plot."""
    from dex_more.evaluation import plot_lambda

    os.makedirs(out_dir, exist_ok=True)
    paths = [os.path.join(out_dir, f) for f in ("evaluation.json", "evaluation.csv", "per_object.csv")]
    with open(paths[0], "w") as fh:
        json.dump({"meta": meta, "table": table, "episodes": [asdict(e) for e in episodes], "lambda": lam}, fh,
                  indent=1)
    with open(paths[1], "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["split", "success_rate", "quality_d", "episodes", "objects"])
        for split, e in table.items():
            w.writerow([split, e["success_rate"], e["quality_d"], e["episodes"], e["objects"]])
    with open(paths[2], "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["object", "split", "success", "final_distance", "steps", "quality_d"])
        for e in episodes:
            w.writerow([e.object, e.split, int(e.success), e.final_distance, e.steps, e.quality_d])
    if any(lam.values()):
        paths.append(plot_lambda({s: v for s, v in lam.items() if v}, os.path.join(out_dir, "hyper_policy_lambda.png"),
                                 what="mean over the split's envs"))
    return paths
