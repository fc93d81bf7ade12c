"""Argument handling shared by ``scripts/train.py`` and ``scripts/play.py``."""
from __future__ import annotations

import difflib

import gymnasium as gym


def check_task(task: str | None) -> None:
    """Fail early, with the closest registered names, on an unknown task ID."""
    if task is None:
        raise SystemExit("error: --task is required; dex_more tasks: " + ", ".join(dex_task_ids()))
    if task not in gym.registry:
        close = difflib.get_close_matches(task, list(gym.registry), n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise SystemExit(f"error: unknown task '{task}'.{hint} dex_more tasks: {', '.join(dex_task_ids())}")


def dex_task_ids() -> list[str]:
    return sorted(t for t in gym.registry if t.startswith("Dex-"))


def _value(argv: list[str], flag: str) -> str | None:
    for i, a in enumerate(argv):
        if a == flag and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith(flag + "="):
            return a.split("=", 1)[1]
    return None


def dex_train_argv(argv: list[str]) -> list[str]:
    """Validate the task and make CPU runs consistent: ``--device cpu`` implies ``agent.device=cpu``."""
    if "-h" not in argv and "--help" not in argv:
        check_task(_value(argv, "--task"))
    device = _value(argv, "--device")
    if device is not None and device.startswith("cpu") and not any(a.startswith("agent.device=") for a in argv):
        argv = [*argv, "agent.device=cpu"]
    return argv
