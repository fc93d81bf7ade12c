"""Build a task with a trained policy for playing or evaluating it (headless, any device)."""
from __future__ import annotations

import contextlib
import io
import os
import sys


@contextlib.contextmanager
def quiet_stdout():
    """Hold back what building an env and a runner prints (Isaac Lab's table of every manager, rsl_rl's repr of every
    model: hundreds of lines, useful when training, noise when playing or evaluating); shown if the build fails."""
    held = io.StringIO()
    try:
        with contextlib.redirect_stdout(held):
            yield
    except BaseException:
        sys.stdout.write(held.getvalue())
        raise


def checked_run_overrides(task: str, checkpoint: str, overrides: list[str] | None = None) -> list[str]:
    """``overrides`` plus what the checkpoint's run folder says its task was built with (the frozen imitators of a
    residual run, ``env.actions.hand_<side>.imitator_checkpoint=PATH``, unless ``overrides`` names them), after
    checking everything the run folder holds: the errors name its files and fields, before an env is built."""
    from dex_more.cli import check_task
    from dex_more.rl.checkpoints import (check_frozen_actor, hydra_overrides, hyper_policy_fields,
                                         is_distillation_run, multi_teacher_fields, read_actor_cfg,
                                         read_policy_checkpoint, run_dir_imitators, run_file,
                                         visual_policy_fields)

    check_task(task)
    read_policy_checkpoint(checkpoint, expected_tasks=(task,))
    student = is_distillation_run(checkpoint)
    overrides = list(overrides or [])
    if os.path.exists(run_file(checkpoint, "params/agent.yaml")):
        read_actor_cfg(checkpoint, "student" if student else "actor")
        # a hyper-policy (or a student's hyper-policy teacher) is rebuilt over the bases it was trained with
        fields = hyper_policy_fields(checkpoint, "teacher" if student else "actor")
        if student:  # a student of several teachers is rebuilt over the teacher map it was distilled from
            fields = {**(fields or {}), **(multi_teacher_fields(checkpoint) or {})}
        section = f"agent.{'teacher' if student else 'actor'}"
        # a visual policy (or student) is rebuilt with the encoder it was trained with
        visual = hydra_overrides(f"agent.{'student' if student else 'actor'}",
                                 visual_policy_fields(checkpoint, "student" if student else "actor") or {})
        for o in hydra_overrides(section, fields or {}) + visual:
            if not any(x.startswith(o.split("=", 1)[0] + "=") for x in overrides):
                overrides.append(o)
    for side, path in run_dir_imitators(checkpoint).items():
        key = f"env.actions.hand_{side}.imitator_checkpoint="
        if not any(o.startswith(key) for o in overrides):
            overrides.append(key + path)
    for o in overrides:
        if o.startswith("env.actions.hand_") and ".imitator_checkpoint=" in o:
            check_frozen_actor(o.split("=", 1)[1])
    return overrides


def agent_entry_point(task: str, checkpoint: str) -> str:
    """The task's RSL-RL agent config (gym registry key) the checkpoint was trained with: the one whose actor class is
    the run's (``params/agent.yaml``), e.g. ``rsl_rl_mlp_cfg_entry_point`` for ManipTrans' single residual MLP;
    ``rsl_rl_cfg_entry_point`` for a checkpoint without its run folder."""
    import gymnasium as gym
    from rsl_rl.utils import resolve_callable

    from dex_more.rl.checkpoints import CheckpointError, is_distillation_run, read_actor_cfg, run_file
    from isaaclab_tasks.utils import load_cfg_from_registry

    if not os.path.exists(run_file(checkpoint, "params/agent.yaml")):
        return "rsl_rl_cfg_entry_point"
    section = "student" if is_distillation_run(checkpoint) else "actor"
    actor_class, _ = read_actor_cfg(checkpoint, section)
    keys = sorted((k for k in gym.spec(task).kwargs if k.startswith("rsl_rl") and k.endswith("_cfg_entry_point")),
                  key=lambda k: k != "rsl_rl_cfg_entry_point")
    for key in keys:
        actor = getattr(load_cfg_from_registry(task, key), section, None)  # a PPO config has no student
        # (str: the config may hold its "module:name" as a lazily imported callable)
        if actor is not None and resolve_callable(str(actor.class_name)) is actor_class:
            return key
    raise CheckpointError(run_file(checkpoint, "params/agent.yaml"), f"{section}.class_name", actor_class.__name__,
                          f"the {section} of one of {task}'s agent configs ({', '.join(keys)})")


def build_policy_env(task: str, checkpoint: str, num_envs: int = 1, device: str = "cpu",
                     overrides: list[str] | None = None, eval_mode: bool = True, seed: int = 0, visualizers=()):
    """(RslRlVecEnvWrapper env, OnPolicyRunner with the checkpoint loaded, deterministic policy); ``visualizers``:
    Isaac Lab visualizer configs the env's simulation serves (:func:`dex_more.viewer.web_viewer_cfg`)."""
    import importlib.metadata as md

    import gymnasium as gym

    import dex_more.tasks  # noqa: F401
    from dex_more.mdp.commands import MOTION_COMMAND
    from dex_more.rl.checkpoints import CheckpointError
    from isaaclab_rl.rsl_rl import RslRlVecEnvWrapper, handle_deprecated_rsl_rl_cfg
    from isaaclab_rl.rsl_rl.utils import create_rsl_rl_runner
    from isaaclab_tasks.utils import resolve_task_config

    overrides = checked_run_overrides(task, checkpoint, overrides)
    with quiet_stdout():
        env_cfg, agent_cfg = resolve_task_config(task, agent_entry_point(task, checkpoint), overrides=overrides)
    env_cfg.scene.num_envs = num_envs
    env_cfg.sim.device = device
    motion = getattr(getattr(env_cfg, "commands", None), MOTION_COMMAND, None)
    if visualizers:
        env_cfg.sim.visualizer_cfgs = list(visualizers)
        if motion is not None:
            motion.debug_vis = True  # the reference as a ghost
    env_cfg.seed = seed
    if eval_mode and motion is not None:
        motion.eval_mode = True
        # a clip is played to its end: HOT trains on episodes shorter than its clips (TRAIN_EPISODE_STEPS)
        frames = max(c.num_frames for c in motion.resolve_clips())
        env_cfg.episode_length_s = max(env_cfg.episode_length_s, (frames + 1) * env_cfg.sim.dt * env_cfg.decimation)
    agent_cfg.device = device
    agent_cfg = handle_deprecated_rsl_rl_cfg(agent_cfg, md.version("rsl-rl-lib"))
    with quiet_stdout():
        env = RslRlVecEnvWrapper(gym.make(task, cfg=env_cfg), clip_actions=agent_cfg.clip_actions)
        runner = create_rsl_rl_runner(env, agent_cfg)
    from dex_more.rl.checkpoints import is_distillation_run

    # the actor (a student and its teacher) is all a player needs; a checkpoint without critic or optimizer plays
    load_cfg = {"student": True, "teacher": True} if is_distillation_run(checkpoint) else {"actor": True}
    try:
        runner.load(checkpoint, load_cfg=load_cfg, map_location=device)
    except (RuntimeError, KeyError) as e:
        env.close()
        raise CheckpointError(checkpoint, "actor_state_dict", f"weights that do not fit ({str(e)[:120]})",
                              f"an actor for {task}'s observation and action sizes") from None
    return env, runner, runner.get_inference_policy(device=device)
