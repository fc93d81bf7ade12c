#!/usr/bin/env python3
"""The managers' share of an env step: ``env.step`` with zero actions vs. the bare physics of the same scene.

    ./dex python benchmarks/bench_overhead.py                                   # imitator, right, bimanual at 16 and 64 envs
    ./dex python benchmarks/bench_overhead.py --tasks Dex-HOTrack-Bimanual-FromScratch-v0 --num_envs 64 --profile

For each task and env count, in one process: build the env, warm it up, then alternate blocks of
``env.step(0)`` and blocks of ``decimation × (scene.write_data_to_sim(); sim.step(); scene.update())`` on the same
scene. ``env.step`` includes everything an RL step does: actions, observations (with the frozen imitators of
residual tasks), rewards, terminations, resets, commands, curricula. Two ratios (1.0 = the managers cost nothing):

* ``managers``: env.step time / the time env.step itself spent in those three physics calls (timed inside it):
  the managers' share over the physics they drive, on the same states;
* ``vs. bare``: env.step time / the bare loop's time, medians of the alternating blocks. The bare loop leaves the
  hands' targets and the episodes alone, so MuJoCo-Warp's solver meets a scene at rest and converges in fewer
  iterations than under the moving targets and resets of env.step: this ratio also counts that physics
  difference (the mean solver iterations of both are printed).

Residual tasks need imitator checkpoints: ``--imitator auto`` takes the newest under logs/; without it, untrained
imitators (same network, random weights: the same cost) are written to a temporary folder first. ``--breakdown``
prints where an env step's time goes (ms per step: physics, each manager, resets); ``--profile`` the top functions
of the env steps (cProfile, cumulative time).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

import gymnasium as gym  # noqa: E402
import torch  # noqa: E402

import dex_more.tasks  # noqa: E402, F401
from dex_more.cli import check_task, dex_train_argv, imitator_tasks, latest_checkpoint, resolve_imitators  # noqa: E402
from isaaclab_tasks.utils import parse_env_cfg  # noqa: E402

DEFAULT_TASKS = ["Dex-HOTrack-Imitator-v0", "Dex-HOTrack-Right-v0", "Dex-HOTrack-Bimanual-v0"]


def untrained_imitators(task: str, device: str, folder: str) -> dict[str, str]:
    """Imitator checkpoints for ``task`` after one tiny PPO iteration (scripts/train.py's code, in ``folder``)."""
    from isaaclab_rl.entrypoints.backends import train_rsl_rl

    out, cwd = {}, os.getcwd()
    for side, imitator in imitator_tasks(task).items():
        os.chdir(folder)
        try:
            train_rsl_rl.run(dex_train_argv(["--task", imitator, "--num_envs", "2", "--device", device,
                                             "--max_iterations", "1", "agent.num_steps_per_env=4"]))
            out[side] = os.path.abspath(latest_checkpoint(imitator))
        finally:
            os.chdir(cwd)
    return out


class Breakdown:
    """Time per env step [ms] of each part of ``env.step``: the managers' calls and the resets."""

    PARTS = (("action_manager", "process_action"), ("action_manager", "apply_action"),
             ("termination_manager", "compute"), ("reward_manager", "compute"), ("command_manager", "compute"),
             ("observation_manager", "compute"), (None, "_reset_idx"))

    def __init__(self, env):
        self.seconds: dict[str, float] = {}
        for owner_name, method in self.PARTS:
            owner = env if owner_name is None else getattr(env, owner_name)
            key = f"{owner_name}.{method}" if owner_name else method
            setattr(owner, method, self._timed(getattr(owner, method), key))

    def _timed(self, call, key: str):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            out = call(*args, **kwargs)
            self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - t0
            return out
        return timed


class PhysicsTimer:
    """Wraps the env's three physics calls to add up the time spent in them and MuJoCo-Warp's solver iterations."""

    def __init__(self, env):
        self.seconds, self.iterations, self.solves = 0.0, 0.0, 0
        self._solver_data = getattr(getattr(env.sim.physics_manager, "_solver", None), "mjw_data", None)
        for owner, name in ((env.scene, "write_data_to_sim"), (env.sim, "step"), (env.scene, "update")):
            setattr(owner, name, self._timed(getattr(owner, name), count=name == "step"))

    def _timed(self, call, count: bool):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            out = call(*args, **kwargs)
            self.seconds += time.perf_counter() - t0
            if count and self._solver_data is not None:
                self.iterations += float(self._solver_data.solver_niter.numpy().mean())
                self.solves += 1
            return out
        return timed

    def take(self) -> tuple[float, float]:
        """(seconds, mean solver iterations) since the last call."""
        out = (self.seconds, self.iterations / max(self.solves, 1))
        self.seconds, self.iterations, self.solves = 0.0, 0.0, 0
        return out


def _physics_block(env, steps: int) -> None:
    for _ in range(steps):
        for _ in range(env.cfg.decimation):
            env.scene.write_data_to_sim()
            env.sim.step(render=False)
            env.scene.update(dt=env.physics_dt)


def _step_block(env, action: torch.Tensor, steps: int, profiler: cProfile.Profile | None) -> float:
    if profiler is not None:
        profiler.enable()
    t0 = time.perf_counter()
    for _ in range(steps):
        env.step(action)
    dt = time.perf_counter() - t0
    if profiler is not None:
        profiler.disable()
    return dt


def measure(task: str, num_envs: int, device: str, imitators: dict[str, str], blocks: int, steps: int,
            profile: bool, breakdown: bool = False) -> dict[str, float]:
    """Both ratios, the env steps/s of env.step and of the bare loop, and the solver iterations of each."""
    cfg = parse_env_cfg(task, device=device, num_envs=num_envs)
    for side, path in imitators.items():
        getattr(cfg.actions, f"hand_{side}").imitator_checkpoint = path
    env = gym.make(task, cfg=cfg).unwrapped
    try:
        env.reset()
        timer = PhysicsTimer(env)
        parts = Breakdown(env) if breakdown else None
        action = torch.zeros(num_envs, env.action_manager.total_action_dim, device=env.device)
        _step_block(env, action, 10, None)  # warm-up: kernels, lazy buffers, the imitator's first load
        _physics_block(env, 10)
        timer.take()
        if parts is not None:
            parts.seconds.clear()
        profiler = cProfile.Profile() if profile else None
        t_step, t_inside, t_bare, it_step, it_bare = [], [], [], [], []
        for _ in range(blocks):
            t_step.append(_step_block(env, action, steps, profiler))
            inside, iterations = timer.take()
            t_inside.append(inside)
            it_step.append(iterations)
            _physics_block(env, steps)
            bare, iterations = timer.take()
            t_bare.append(bare)
            it_bare.append(iterations)
        if parts is not None:
            n = blocks * steps
            physics = sum(t_inside) / n
            print(f"[bench_overhead] {task} num_envs={num_envs}, ms per env step: env.step {sum(t_step) / n * 1e3:.2f}, "
                  f"physics inside it {physics * 1e3:.2f}")
            for key, seconds in sorted(parts.seconds.items(), key=lambda kv: -kv[1]):
                print(f"    {seconds / n * 1e3:7.2f}  {key}")
        if profiler is not None:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
            print(out.getvalue())
        step = statistics.median(t_step)
        return {"managers": statistics.median(s / p for s, p in zip(t_step, t_inside)),
                "vs_bare": step / statistics.median(t_bare), "step_rate": steps * num_envs / step,
                "bare_rate": steps * num_envs / statistics.median(t_bare),
                "iterations_step": statistics.mean(it_step), "iterations_bare": statistics.mean(it_bare)}
    finally:
        env.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tasks", nargs="+", default=DEFAULT_TASKS)
    p.add_argument("--num_envs", nargs="+", type=int, default=[16, 64])
    p.add_argument("--device", default="cpu")
    p.add_argument("--blocks", type=int, default=5, help="alternating step/physics blocks (median taken)")
    p.add_argument("--steps", type=int, default=20, help="env steps per block")
    p.add_argument("--imitator", action="append", default=[], help="as for scripts/train.py: PATH, side=PATH or auto")
    p.add_argument("--breakdown", action="store_true", help="print the time per step of each manager and the resets")
    p.add_argument("--profile", action="store_true", help="print a cProfile of the env steps")
    a = p.parse_args()
    for task in a.tasks:
        check_task(task)
    rows = []
    with tempfile.TemporaryDirectory(prefix="dex_bench_") as tmp:
        for task in a.tasks:
            if a.imitator:
                imitators = resolve_imitators(task, a.imitator)
            else:
                imitators = untrained_imitators(task, a.device, tmp)
            for n in a.num_envs:
                m = measure(task, n, a.device, imitators, a.blocks, a.steps, a.profile, a.breakdown)
                rows.append((task, n, m))
                print(f"[bench_overhead] {task} num_envs={n}: managers {m['managers']:.2f}, vs. bare {m['vs_bare']:.2f}",
                      flush=True)
    print(f"\n{'task':36s} {'envs':>5s} {'managers':>9s} {'vs. bare':>9s} {'env.step/s':>11s} {'bare/s':>8s} "
          f"{'solver it. step / bare':>23s}   (device {a.device})")
    for task, n, m in rows:
        print(f"{task:36s} {n:5d} {m['managers']:9.2f} {m['vs_bare']:9.2f} {m['step_rate']:11.0f} {m['bare_rate']:8.0f} "
              f"{m['iterations_step']:11.1f} / {m['iterations_bare']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
