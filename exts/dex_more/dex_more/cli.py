"""Argument handling shared by ``scripts/train.py`` and ``scripts/play.py``."""
from __future__ import annotations

import difflib
import glob
import os

import gymnasium as gym

LOG_ROOT = os.path.join("logs", "rsl_rl")


def dex_task_ids() -> list[str]:
    return sorted(t for t in gym.registry if t.startswith("Dex-"))


def check_task(task: str | None) -> None:
    """Fail early, with the closest registered names, on an unknown task ID."""
    if task is None:
        raise SystemExit("error: --task is required; dex_more tasks: " + ", ".join(dex_task_ids()))
    if task not in gym.registry:
        close = difflib.get_close_matches(task, list(gym.registry), n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise SystemExit(f"error: unknown task '{task}'.{hint} dex_more tasks: {', '.join(dex_task_ids())}")


def _value(argv: list[str], flag: str) -> str | None:
    for i, a in enumerate(argv):
        if a == flag and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith(flag + "="):
            return a.split("=", 1)[1]
    return None


def _pop_all(argv: list[str], flag: str) -> tuple[list[str], list[str]]:
    """Remove every ``flag VALUE`` / ``flag=VALUE`` from argv; returns (rest, values)."""
    rest, values, i = [], [], 0
    while i < len(argv):
        a = argv[i]
        if a == flag and i + 1 < len(argv):
            values.append(argv[i + 1])
            i += 2
            continue
        if a.startswith(flag + "="):
            values.append(a.split("=", 1)[1])
        else:
            rest.append(a)
        i += 1
    return rest, values


def task_sides(task: str) -> list[str]:
    """Hand sides of a task, from its env config."""
    from isaaclab_tasks.utils import load_cfg_from_registry

    return list(load_cfg_from_registry(task, "env_cfg_entry_point").hands)


def imitator_tasks(task: str) -> dict[str, str]:
    """Side -> the imitator task whose checkpoint drives that hand of ``task``, from the task's registration
    (``imitator_tasks`` in its gym kwargs); empty for tasks without frozen imitators."""
    return dict(gym.spec(task).kwargs.get("imitator_tasks") or {})


def imitator_task_for(task: str, side: str) -> str:
    """The imitator task whose checkpoint drives ``side`` of residual ``task``."""
    tasks = imitator_tasks(task)
    if side not in tasks:
        raise SystemExit(f"error: {task} has no frozen imitator for a {side} hand (imitators: {tasks or 'none'})")
    return tasks[side]


def latest_checkpoint(task: str) -> str | None:
    """Newest ``model_*.pt`` of the newest run of ``task`` under logs/rsl_rl/<task>/."""
    from dex_more.rl.checkpoints import checkpoint_iteration

    runs = sorted(glob.glob(os.path.join(LOG_ROOT, task, "*", "")))
    for run in reversed(runs):
        models = glob.glob(os.path.join(run, "model_*.pt"))
        if models:
            return max(models, key=checkpoint_iteration)
    return None


def resolve_imitators(task: str, values: list[str]) -> dict[str, str]:
    """``--imitator`` values -> {side: checkpoint}: ``PATH`` (single-hand task), ``right=PATH``/``left=PATH``,
    or ``auto`` (the newest checkpoint of the matching imitator task under logs/)."""
    sides = list(imitator_tasks(task))
    if not sides:
        raise SystemExit(f"error: {task} trains without frozen imitators: --imitator does not apply")
    out: dict[str, str] = {}
    for v in values:
        if v == "auto":
            for s in sides:
                path = latest_checkpoint(imitator_task_for(task, s))
                if path is None:
                    raise SystemExit(f"error: --imitator auto: no checkpoint of {imitator_task_for(task, s)} under "
                                     f"{LOG_ROOT}/; train it first (scripts/train.py --task {imitator_task_for(task, s)})")
                out[s] = path
        elif "=" in v and v.split("=", 1)[0] in ("right", "left"):
            s, path = v.split("=", 1)
            out[s] = path
        elif len(sides) == 1:
            out[sides[0]] = v
        else:
            raise SystemExit(f"error: {task} has hands {sides}: pass --imitator right=PATH --imitator left=PATH (or auto)")
    for s, path in out.items():
        if s not in sides:
            raise SystemExit(f"error: {task} has no {s} hand (hands: {sides})")
        if not os.path.isfile(path):
            raise SystemExit(f"error: imitator checkpoint {path} does not exist")
    return out


def _needs_imitator(task: str, argv: list[str]) -> bool:
    """A task over frozen imitators with no imitator set by an override."""
    return bool(imitator_tasks(task)) and not any(".imitator_checkpoint=" in a for a in argv)


def _task_kwarg(task: str, key: str) -> str | None:
    return gym.spec(task).kwargs.get(key)


def _is_file_checkpoint(path: str | None) -> bool:
    return path is not None and (path.endswith(".pt") or os.path.isfile(path))


def hyper_policy_overrides(task: str, bases: list[str], checkpoint: str | None, argv: list[str]) -> list[str]:
    """Agent overrides that give a task over frozen base policies (gym kwarg ``base_task``: the hyper-policy, or a
    student's hyper-policy teacher) its bases: ``--base PATH`` (one per base), else the bases of the run
    ``--checkpoint`` continues (stage 2 from stage 1) or distils (the student's teacher)."""
    from dex_more.errors import DataFormatError
    from dex_more.rl.checkpoints import check_frozen_actor, hydra_overrides, hyper_policy_fields, is_distillation_run

    base_task = _task_kwarg(task, "base_task")
    if base_task is None:
        if bases:
            raise SystemExit(f"error: {task} mixes no base policies: --base does not apply")
        return []
    section = "teacher" if _task_kwarg(task, "teacher_task") else "actor"
    if any(a.startswith(f"agent.{section}.base_checkpoints=") for a in argv):
        return []
    try:
        if bases:
            for b in bases:
                check_frozen_actor(b, (base_task,))
            return hydra_overrides(f"agent.{section}", {"base_checkpoints": [os.path.abspath(b) for b in bases]})
        if _is_file_checkpoint(checkpoint):
            fields = hyper_policy_fields(checkpoint, "teacher" if is_distillation_run(checkpoint) else "actor")
            if fields is None:
                raise SystemExit(f"error: {checkpoint} is not a hyper-policy run: {task} needs one (or --base PATH)")
            return hydra_overrides(f"agent.{section}", fields)
    except (DataFormatError, FileNotFoundError) as e:
        raise SystemExit(f"error: {e}") from None
    if section == "teacher":
        raise SystemExit(f"error: {task} distils a trained hyper-policy: pass --checkpoint <its model_*.pt> "
                         f"(train one with {_task_kwarg(task, 'teacher_task')}, or run scripts/train_grasp.py)")
    raise SystemExit(f"error: {task} mixes frozen base policies: pass --base PATH once per base (checkpoints of "
                     f"{base_task}), or run the whole recipe with scripts/train_grasp.py")


def teacher_map_overrides(task: str, teachers: list[str], argv: list[str]) -> list[str]:
    """Agent overrides giving a multi-teacher student (gym kwarg ``multi_teacher``) its teacher map from
    ``--teacher KEY=PATH`` (KEY: an object name or, with ``agent.teacher.route_by=skill``, a skill); every teacher is
    checked to be a run of the task's ``teacher_task``."""
    from dex_more.errors import DataFormatError
    from dex_more.rl.checkpoints import check_frozen_actor, hydra_overrides

    if not _task_kwarg(task, "multi_teacher"):
        if teachers:
            raise SystemExit(f"error: {task} distils no teacher map: --teacher does not apply")
        return []
    if any(a.startswith("agent.teacher.teachers=") for a in argv) or _is_file_checkpoint(_value(argv, "--checkpoint")):
        return []  # given as an override, or a resumed student run's own (its agent.yaml)
    if not teachers:
        raise SystemExit(f"error: {task} distils several teachers: pass --teacher KEY=PATH once per teacher (KEY: the "
                         f"object, or the skill with agent.teacher.route_by=skill; PATH: a {_task_kwarg(task, 'teacher_task')} "
                         "checkpoint)")
    mapping = {}
    for t in teachers:
        key, sep, path = t.partition("=")
        if not sep or not key or not path:
            raise SystemExit(f"error: --teacher {t}: expected KEY=PATH (an object or skill, then a checkpoint)")
        if key in mapping:
            raise SystemExit(f"error: --teacher {key} is given twice")
        try:
            check_frozen_actor(path, (_task_kwarg(task, "teacher_task"),))
        except (DataFormatError, FileNotFoundError) as e:
            raise SystemExit(f"error: --teacher {key}: {e}") from None
        mapping[key] = os.path.abspath(path)
    return hydra_overrides("agent.teacher", {"teachers": mapping})


def _check_run_inputs(task: str, resume: str | None, imitators: dict[str, str]) -> None:
    """Stop before any env is built when a checkpoint to resume from (a student's teacher) or a frozen imitator
    cannot serve."""
    from dex_more.errors import DataFormatError
    from dex_more.rl.checkpoints import (DISTILLATION_STATE_KEYS, TRAINING_STATE_KEYS, check_frozen_actor,
                                         is_distillation_run, read_checkpoint)

    try:
        # a file path resumes; Isaac Lab resolves run folders and selectors ("latest") itself
        if _is_file_checkpoint(resume):
            teacher = _task_kwarg(task, "teacher_task")
            keys = DISTILLATION_STATE_KEYS if is_distillation_run(resume) else TRAINING_STATE_KEYS
            read_checkpoint(resume, keys, expected_tasks=(task, teacher) if teacher else (task,))
        for side, path in imitators.items():
            check_frozen_actor(path, (imitator_task_for(task, side),))
    except (DataFormatError, FileNotFoundError) as e:
        raise SystemExit(f"error: {e}") from None


def dex_train_argv(argv: list[str]) -> list[str]:
    """Validate the task; the agent runs on ``--device``; ``--imitator`` becomes env overrides (residual tasks
    without one use the newest imitator checkpoints under logs/, or stop with the command that trains them);
    ``--base`` gives a hyper-policy its frozen bases (:func:`hyper_policy_overrides`), ``--teacher KEY=PATH`` a
    multi-teacher student its teacher map (:func:`teacher_map_overrides`);
    logs go to logs/rsl_rl/<task>/<time>/ unless ``--experiment_name`` says otherwise."""
    if "-h" in argv or "--help" in argv:
        return argv
    task = _value(argv, "--task")
    check_task(task)
    argv, imitators = _pop_all(argv, "--imitator")
    if not imitators and _needs_imitator(task, argv):
        found = {s: latest_checkpoint(t) for s, t in imitator_tasks(task).items()}
        if all(found.values()):
            print("[dex] no --imitator given: using the newest imitator checkpoints under logs/ "
                  "(pass --imitator PATH to choose)")
            imitators = ["auto"]
        else:
            raise SystemExit(f"error: {task} trains a residual over frozen imitators and none is under {LOG_ROOT}/. "
                             f"Train both stages with: scripts/train_hotrack.py --task {task} "
                             "(or pass --imitator PATH)")
    resolved = resolve_imitators(task, imitators) if imitators else {}
    _check_run_inputs(task, _value(argv, "--checkpoint"), resolved)
    argv, bases = _pop_all(argv, "--base")
    argv += hyper_policy_overrides(task, bases, _value(argv, "--checkpoint"), argv)
    argv, teachers = _pop_all(argv, "--teacher")
    argv += teacher_map_overrides(task, teachers, argv)
    for side, path in resolved.items():
        argv.append(f"env.actions.hand_{side}.imitator_checkpoint={os.path.abspath(path)}")
        argv.append(f"env.actions.hand_{side}.imitator_task={imitator_task_for(task, side)}")
        print(f"[dex] {side} hand imitator: {path}")
    device = _value(argv, "--device")
    if device is not None and not any(a.startswith("agent.device=") for a in argv):
        argv.append(f"agent.device={device}")  # rsl_rl on the env's device (the agent cfgs name none)
    if _value(argv, "--experiment_name") is None:
        argv += ["--experiment_name", task.replace("/", "_")]
    return argv
