"""Curriculum terms of HO tracking (ManipTrans): gravity ramps up from 0 over the first env steps."""
from __future__ import annotations

import torch


def gravity_ramp(env, env_ids, num_steps: int = 1920, gravity: float = -9.81) -> torch.Tensor:
    """Set the gravity of the resetting envs to ``gravity · min(1, step / num_steps)`` [m/s²] (z).

    Newton keeps one gravity vector per env (world); other backends share one scene-wide vector and are
    left at full gravity. Returns the current value for the logs.
    """
    scale = 1.0 if num_steps <= 0 else min(1.0, env.common_step_counter / num_steps)
    if getattr(env.command_manager.get_term("motion").cfg, "eval_mode", False):
        scale = 1.0
    manager = env.sim.physics_manager
    get_model = getattr(manager, "get_model", None)
    model = get_model() if get_model is not None else None
    if model is not None and getattr(model, "gravity", None) is not None:
        import warp as wp
        from newton import ModelFlags

        g = wp.to_torch(model.gravity)[: env.num_envs]
        g[env_ids, 2] = gravity * scale
        manager.add_model_change(ModelFlags.MODEL_PROPERTIES)
    return torch.tensor(gravity * scale)
