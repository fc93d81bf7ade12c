"""Frozen policies from RSL-RL checkpoints written by ``scripts/train.py``.

A run folder holds ``model_<iter>.pt`` (``actor_state_dict`` ...), ``params/agent.yaml`` (the actor's
configuration) and ``run.json`` (the task it was trained on). :func:`load_frozen_actor` rebuilds the
actor from those, checks the task, loads the weights and returns it in inference mode.
"""
from __future__ import annotations

import json
import os

import torch
import yaml
from tensordict import TensorDict


class CheckpointError(ValueError):
    """A checkpoint that cannot serve: missing, unreadable, of another task, or of another shape."""


def run_task(checkpoint: str) -> str | None:
    """Task ID recorded beside a checkpoint (``run.json``), or None when there is no record."""
    path = os.path.join(os.path.dirname(os.path.abspath(checkpoint)), "run.json")
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        return json.load(f).get("task")


def check_checkpoint(checkpoint: str, expected_tasks: tuple[str, ...] | None = None) -> None:
    """Raise :class:`CheckpointError` if ``checkpoint`` is missing or its run.json names another task."""
    if not os.path.isfile(checkpoint):
        raise CheckpointError(f"checkpoint {checkpoint} does not exist")
    task = run_task(checkpoint)
    if expected_tasks and task is not None and task not in expected_tasks:
        raise CheckpointError(f"checkpoint {checkpoint} was trained on '{task}', not on {' or '.join(expected_tasks)}")


def load_frozen_actor(checkpoint: str, obs: torch.Tensor, output_dim: int, device: str | torch.device,
                      expected_tasks: tuple[str, ...] | None = None, group: str = "policy") -> torch.nn.Module:
    """The actor of ``checkpoint``, for observations shaped like ``obs`` (N, D), frozen and in eval mode.

    Call it as ``actor(TensorDict({group: obs}))``; it returns the deterministic action (the mean).
    """
    check_checkpoint(checkpoint, expected_tasks)
    cfg_path = os.path.join(os.path.dirname(os.path.abspath(checkpoint)), "params", "agent.yaml")
    if not os.path.isfile(cfg_path):
        raise CheckpointError(f"checkpoint {checkpoint} has no params/agent.yaml beside it (the actor's configuration)")
    with open(cfg_path) as f:
        agent = yaml.unsafe_load(f)  # Isaac Lab dumps tuples with python tags; the file is our own run folder
    try:
        state = torch.load(checkpoint, map_location=device, weights_only=False)
    except Exception as e:  # noqa: BLE001
        raise CheckpointError(f"checkpoint {checkpoint} is unreadable ({e.__class__.__name__}: {e})") from e
    if not isinstance(state, dict) or "actor_state_dict" not in state:
        raise CheckpointError(f"checkpoint {checkpoint} holds no 'actor_state_dict' (not an RSL-RL PPO checkpoint)")
    from rsl_rl.utils import resolve_callable

    actor_cfg = dict(agent["actor"])
    cls = resolve_callable(actor_cfg.pop("class_name"))
    td = TensorDict({group: obs.to(device)}, batch_size=[obs.shape[0]])
    actor = cls(td, {"actor": [group]}, "actor", output_dim, **actor_cfg).to(device)
    try:
        actor.load_state_dict(state["actor_state_dict"])
    except RuntimeError as e:
        raise CheckpointError(f"checkpoint {checkpoint} does not fit this task's observation/action sizes "
                              f"(obs {obs.shape[-1]}, actions {output_dim}): {e}") from e
    actor.eval()
    for p in actor.parameters():
        p.requires_grad_(False)
    return actor
