"""Frozen policies from RSL-RL checkpoints written by ``scripts/train.py``, and the checks of a run folder.

A run folder holds ``model_<iter>.pt`` (``actor_state_dict`` ...), ``params/agent.yaml`` (the actor's
configuration), ``params/env.yaml`` and ``run.json`` (the task it was trained on). Every reader here checks
what it reads before using it and raises :class:`CheckpointError` naming the file and the field as stored
(``run.json`` ``task``, ``params/agent.yaml`` ``actor.class_name``, ``actor_state_dict``), or
FileNotFoundError for a checkpoint that is not there.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping

import torch
import yaml
from tensordict import TensorDict

from ..errors import DataFormatError, describe

TRAINING_STATE_KEYS = ("actor_state_dict", "critic_state_dict", "optimizer_state_dict", "iter")
"""What RSL-RL's ``OnPolicyRunner.load`` reads from a checkpoint to resume training (a player reads the actor)."""

DISTILLATION_STATE_KEYS = ("student_state_dict", "teacher_state_dict", "optimizer_state_dict", "iter")
"""What a DAgger checkpoint holds to resume (a player reads the student, and the teacher it was distilled from)."""

ENV_STATE_KEY = "env_state"
"""The env's state a :mod:`dex_more.rl.resumable` algorithm saves beside the models: ``{"common_step_counter": int}``."""


class CheckpointError(DataFormatError):
    """A checkpoint or run folder that cannot serve: unreadable, malformed, of another task, or of another shape."""


def checkpoint_iteration(path: str) -> int:
    """``i`` of a checkpoint file ``model_<i>.pt`` (rsl_rl writes one after iteration ``i``)."""
    return int(os.path.basename(path)[len("model_"):-len(".pt")])


def run_file(checkpoint: str, name: str = "") -> str:
    """``name`` in the run folder of ``checkpoint`` (the folder itself for no name)."""
    folder = os.path.dirname(os.path.abspath(checkpoint))
    return os.path.join(folder, name) if name else folder


def run_task(checkpoint: str) -> str | None:
    """Task ID recorded beside a checkpoint (``run.json``), or None when there is no record."""
    path = run_file(checkpoint, "run.json")
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            record = json.load(f)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CheckpointError(path, "<file>", f"unreadable or invalid JSON ({str(e)[:80]})",
                              "the JSON object train.py writes ({\"task\": ...})") from None
    if not isinstance(record, dict):
        raise CheckpointError(path, "<file>", f"JSON {type(record).__name__}", "a JSON object {\"task\": ...}")
    task = record.get("task")
    if task is not None and not isinstance(task, str):
        raise CheckpointError(path, "task", describe(task), "a task ID string")
    return task


def check_checkpoint(checkpoint: str, expected_tasks: tuple[str, ...] | None = None) -> None:
    """Raise unless ``checkpoint`` is a file whose run.json (if any) names one of ``expected_tasks``."""
    if os.path.isdir(checkpoint):
        raise CheckpointError(checkpoint, "<file>", "a folder", "a checkpoint file model_<iter>.pt")
    if not os.path.isfile(checkpoint):
        raise FileNotFoundError(f"checkpoint {checkpoint} does not exist")
    task = run_task(checkpoint)
    if expected_tasks and task is not None and task not in expected_tasks:
        raise CheckpointError(run_file(checkpoint, "run.json"), "task",
                              f"'{task}' (the checkpoint {checkpoint} was trained on '{task}')",
                              " or ".join(expected_tasks))


def read_checkpoint(checkpoint: str, required: tuple[str, ...] = ("actor_state_dict",),
                    map_location: str | torch.device = "cpu", expected_tasks: tuple[str, ...] | None = None) -> dict:
    """The checkpoint's dict (after :func:`check_checkpoint` with ``expected_tasks``), with ``required`` keys
    checked: state dicts are mappings of finite tensors, ``iter`` an int."""
    check_checkpoint(checkpoint, expected_tasks)
    try:
        state = torch.load(checkpoint, map_location=map_location, weights_only=False)
    except Exception as e:  # noqa: BLE001 - torn zip, pickle garbage, zlib: all "unreadable"
        raise CheckpointError(checkpoint, "<file>", f"an unreadable file ({e.__class__.__name__}: {str(e)[:80]})",
                              "a torch.save'd RSL-RL checkpoint") from None
    if not isinstance(state, dict):
        raise CheckpointError(checkpoint, "<file>", describe(state), "a dict (an RSL-RL checkpoint)")
    for key in required:
        if key not in state:
            raise CheckpointError(checkpoint, key, "nothing (missing)", f"the keys {list(required)} of an RSL-RL "
                                  "PPO checkpoint")
        value = state[key]
        if key == "iter":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise CheckpointError(checkpoint, key, describe(value), "the iteration count (an int >= 0)")
        elif key == "optimizer_state_dict":
            if not isinstance(value, Mapping) or not {"state", "param_groups"} <= set(value):
                raise CheckpointError(checkpoint, key, describe(value), "an optimizer state {state, param_groups}")
        else:
            if not isinstance(value, Mapping):
                raise CheckpointError(checkpoint, key, describe(value), "a state dict {parameter name: tensor}")
            for name, tensor in value.items():
                if not isinstance(tensor, torch.Tensor):
                    raise CheckpointError(checkpoint, f"{key}.{name}", describe(tensor), "a tensor")
                if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
                    raise CheckpointError(checkpoint, f"{key}.{name}", "NaN or infinite weights", "finite weights")
    if ENV_STATE_KEY in state:
        value = state[ENV_STATE_KEY]
        if not isinstance(value, Mapping):
            raise CheckpointError(checkpoint, ENV_STATE_KEY, describe(value), "a mapping {common_step_counter: int}")
        counter = value.get("common_step_counter")
        if isinstance(counter, bool) or not isinstance(counter, int) or counter < 0:
            raise CheckpointError(checkpoint, f"{ENV_STATE_KEY}.common_step_counter", describe(counter),
                                  "the env steps taken so far (an int >= 0)")
    return state


def env_state(env) -> dict:
    """What a resumed run needs of ``env`` (any wrapper of a manager-based RL env) to go on where it stopped: the
    step counter its curricula and decays key on."""
    return {"common_step_counter": int(env.unwrapped.common_step_counter)}


def restore_env_state(env, state: Mapping) -> None:
    """Put :func:`env_state`'s ``state`` back into a freshly built ``env`` and apply the curricula at that step to
    every env (they apply at resets, and every env of a fresh run has just reset)."""
    base = env.unwrapped
    base.common_step_counter = int(state["common_step_counter"])
    if getattr(base, "curriculum_manager", None) is not None:
        base.curriculum_manager.compute(env_ids=None)


def _read_yaml(checkpoint: str, name: str, what: str) -> dict:
    """``name`` (a path relative to the checkpoint's run folder) as a YAML mapping."""
    path = run_file(checkpoint, name)
    if not os.path.isfile(path):
        raise CheckpointError(run_file(checkpoint), name, "nothing (missing file)", what)
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.unsafe_load(f)  # Isaac Lab dumps tuples with python tags; the file is our own run folder
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as e:
        raise CheckpointError(path, "<file>", f"unreadable or invalid YAML ({str(e)[:80]})", what) from None
    if not isinstance(data, dict):
        raise CheckpointError(path, "<file>", "an empty file" if data is None else describe(data), what)
    return data


def read_actor_cfg(checkpoint: str, section: str = "actor") -> tuple[type, dict]:
    """(model class, its keyword arguments) from ``params/agent.yaml`` ``section`` (``actor``; a distillation run's
    ``student`` or ``teacher``) beside ``checkpoint``."""
    from rsl_rl.utils import resolve_callable

    path = run_file(checkpoint, "params/agent.yaml")
    agent = _read_yaml(checkpoint, "params/agent.yaml",
                       f"the agent configuration train.py writes (with a '{section}' section)")
    actor = agent.get(section)
    if not isinstance(actor, dict):
        raise CheckpointError(path, section, describe(actor) if section in agent else "nothing (missing)",
                              f"the {section}'s configuration {{class_name, hidden_dims, ...}}")
    actor = dict(actor)
    name = actor.pop("class_name", None)
    if not isinstance(name, str):
        raise CheckpointError(path, f"{section}.class_name", describe(name),
                              "a model class such as 'rsl_rl.models:MLPModel'")
    try:
        cls = resolve_callable(name)
    except Exception as e:  # noqa: BLE001 - rsl_rl raises ImportError, AttributeError or ValueError
        raise CheckpointError(path, f"{section}.class_name",
                              f"{name!r}, which cannot be imported ({e.__class__.__name__})",
                              "an importable model class such as 'rsl_rl.models:MLPModel'") from None
    return cls, actor


def is_distillation_run(checkpoint: str) -> bool:
    """Whether the run folder of ``checkpoint`` trained a student (``params/agent.yaml`` has a ``student`` section)."""
    if not os.path.exists(run_file(checkpoint, "params/agent.yaml")):
        return False
    return "student" in _read_yaml(checkpoint, "params/agent.yaml", "the agent configuration train.py writes")


def read_policy_checkpoint(checkpoint: str, expected_tasks: tuple[str, ...] | None = None) -> dict:
    """:func:`read_checkpoint` with the policy a player reads checked: a distilled student's (``student_state_dict``)
    or a PPO run's actor (``actor_state_dict``)."""
    key = "student_state_dict" if is_distillation_run(checkpoint) else "actor_state_dict"
    return read_checkpoint(checkpoint, (key,), expected_tasks=expected_tasks)


HYPER_POLICY_FIELDS = ("base_checkpoints", "residual", "weight_mode")
"""What rebuilds a trained :class:`~dex_more.rl.hyper_policy.HyperPolicy` beyond its weights: its frozen bases and
switches (the task's agent config holds no bases)."""


def hyper_policy_fields(checkpoint: str, section: str = "actor") -> dict | None:
    """:data:`HYPER_POLICY_FIELDS` of the run's ``section`` model when it mixes frozen bases (a HyperPolicy: its
    configuration has ``base_checkpoints``), else None; every base checkpoint is checked to exist."""
    _, cfg = read_actor_cfg(checkpoint, section)
    if "base_checkpoints" not in cfg:
        return None
    path = run_file(checkpoint, "params/agent.yaml")
    bases = cfg.get("base_checkpoints")
    if not isinstance(bases, (list, tuple)) or not bases or not all(isinstance(b, str) for b in bases):
        raise CheckpointError(path, f"{section}.base_checkpoints", describe(bases), "a list of base checkpoint paths")
    for b in bases:
        if not os.path.isfile(b):
            raise CheckpointError(path, f"{section}.base_checkpoints", f"'{b}', which does not exist",
                                  "the base policies' checkpoints the hyper-policy was trained over")
    return {k: cfg[k] for k in HYPER_POLICY_FIELDS if k in cfg}


VISUAL_POLICY_FIELDS = ("encoder_arch", "image_group", "ema_momentum")
"""What rebuilds a trained :class:`~dex_more.rl.hand_informed_visual_policy.HandInformedVisualPolicy` beyond its
weights: the encoder's architecture (its weights and BatchNorm statistics are in the checkpoint)."""


def visual_policy_fields(checkpoint: str, section: str = "actor") -> dict | None:
    """:data:`VISUAL_POLICY_FIELDS` of the run's ``section`` model when it encodes images (its configuration has
    ``encoder_arch``), with ``encoder_checkpoint`` emptied: the stage-1/2 file it started from need not exist any
    more; else None."""
    _, cfg = read_actor_cfg(checkpoint, section)
    if "encoder_arch" not in cfg:
        return None
    return {**{k: cfg[k] for k in VISUAL_POLICY_FIELDS if k in cfg}, "encoder_checkpoint": ""}


MULTI_TEACHER_FIELDS = ("teachers", "route_by")


def multi_teacher_fields(checkpoint: str) -> dict | None:
    """:data:`MULTI_TEACHER_FIELDS` of a distillation run whose teacher is a teacher map (HOT's student), else None;
    every teacher checkpoint is checked to exist."""
    _, cfg = read_actor_cfg(checkpoint, "teacher")
    if "teachers" not in cfg:
        return None
    path = run_file(checkpoint, "params/agent.yaml")
    teachers = cfg.get("teachers")
    if not isinstance(teachers, dict) or not teachers or not all(isinstance(v, str) for v in teachers.values()):
        raise CheckpointError(path, "teacher.teachers", describe(teachers), "a map {object or skill: checkpoint path}")
    for key, c in teachers.items():
        if not os.path.isfile(c):
            raise CheckpointError(path, f"teacher.teachers.{key}", f"'{c}', which does not exist",
                                  "the teachers' checkpoints the student was distilled from")
    return {k: cfg[k] for k in MULTI_TEACHER_FIELDS if k in cfg}


def hydra_overrides(prefix: str, fields: dict) -> list[str]:
    """``prefix.<field>=<value>`` hydra overrides (lists of strings quoted: paths hold '/', '.', ':')."""
    out = []
    for k, v in fields.items():
        if isinstance(v, (list, tuple)):
            v = "[" + ",".join(f"'{x}'" for x in v) + "]"
        elif isinstance(v, dict):
            v = "{" + ",".join(f"'{a}':'{b}'" for a, b in v.items()) + "}"
        elif isinstance(v, bool):
            v = str(v).lower()
        out.append(f"{prefix}.{k}={v}")
    return out


def run_dir_imitators(checkpoint: str) -> dict[str, str]:
    """Imitator checkpoints a residual run was trained with (``params/env.yaml`` ``actions.hand_<side>``), by side."""
    path = run_file(checkpoint, "params/env.yaml")
    if not os.path.exists(path):
        return {}
    env = _read_yaml(checkpoint, "params/env.yaml", "the environment configuration train.py writes")
    actions = env.get("actions") or {}
    if not isinstance(actions, dict):
        raise CheckpointError(path, "actions", describe(actions), "the action terms {name: {...}}")
    out = {}
    for name, term in actions.items():
        if isinstance(term, dict) and term.get("imitator_checkpoint"):
            if not isinstance(term["imitator_checkpoint"], str):
                raise CheckpointError(path, f"actions.{name}.imitator_checkpoint", describe(term["imitator_checkpoint"]),
                                      "a checkpoint path")
            out[name.removeprefix("hand_")] = term["imitator_checkpoint"]
    return out


def check_frozen_actor(checkpoint: str, expected_tasks: tuple[str, ...] | None = None) -> None:
    """Check all that :func:`load_frozen_actor` reads (checkpoint, run.json, params/agent.yaml) without building
    the actor: commands call it before an env is built, whose action terms load the actor later."""
    read_checkpoint(checkpoint, expected_tasks=expected_tasks)
    read_actor_cfg(checkpoint)


def load_frozen_actor(checkpoint: str, obs: torch.Tensor, output_dim: int, device: str | torch.device,
                      expected_tasks: tuple[str, ...] | None = None, group: str = "policy") -> torch.nn.Module:
    """The actor of ``checkpoint``, for observations shaped like ``obs`` (N, D), frozen and in eval mode.

    Call it as ``actor(TensorDict({group: obs}))``; it returns the deterministic action (the mean).
    """
    state = read_checkpoint(checkpoint, map_location=device, expected_tasks=expected_tasks)
    cls, actor_cfg = read_actor_cfg(checkpoint)
    td = TensorDict({group: obs.to(device)}, batch_size=[obs.shape[0]])
    try:
        actor = cls(td, {"actor": [group]}, "actor", output_dim, **actor_cfg).to(device)
    except (TypeError, ValueError) as e:
        raise CheckpointError(run_file(checkpoint, "params/agent.yaml"), "actor",
                              f"arguments {sorted(actor_cfg)} that {cls.__name__} rejects ({str(e)[:80]})",
                              f"the arguments of {cls.__name__}") from None
    try:
        actor.load_state_dict(state["actor_state_dict"])
    except RuntimeError as e:
        raise CheckpointError(checkpoint, "actor_state_dict", f"weights that do not fit ({str(e)[:120]})",
                              f"an actor for this task's observation/action sizes (obs {obs.shape[-1]}, "
                              f"actions {output_dim})") from None
    actor.eval()
    for p in actor.parameters():
        p.requires_grad_(False)
    return actor
