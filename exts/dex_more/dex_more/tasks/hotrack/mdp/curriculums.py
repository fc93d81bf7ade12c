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


def friction_ramp(env, env_ids, num_steps: int = 1920, start_scale: float = 3.0) -> torch.Tensor:
    """Scale the friction coefficient of the objects' shapes in the resetting envs by a factor that falls
    linearly from ``start_scale`` to 1 over ``num_steps`` env steps (ManipTrans: ×3 → nominal).

    Newton only (per-shape friction on the model); elsewhere the friction stays nominal. Returns the factor.
    """
    scale = 1.0 if num_steps <= 0 else start_scale + (1.0 - start_scale) * min(1.0, env.common_step_counter / num_steps)
    if getattr(env.command_manager.get_term("motion").cfg, "eval_mode", False):
        scale = 1.0
    get_model = getattr(env.sim.physics_manager, "get_model", None)
    model = get_model() if get_model is not None else None
    if model is None or getattr(model, "shape_material_mu", None) is None:
        return torch.tensor(scale)
    import warp as wp
    from newton import ModelFlags

    cache = env.__dict__.setdefault("_dex_friction", {})
    if "shapes" not in cache:
        bodies = [i for i, label in enumerate(model.body_label) if "/Object_" in label]
        shape_body = wp.to_torch(model.shape_body).long()
        shapes = torch.nonzero(torch.isin(shape_body, torch.tensor(bodies, device=shape_body.device))).flatten()
        mu = wp.to_torch(model.shape_material_mu)
        cache["shapes"], cache["nominal"] = shapes, mu[shapes].clone()
        cache["world"] = wp.to_torch(model.shape_world).long()[shapes]
    mu = wp.to_torch(model.shape_material_mu)
    shapes, nominal, world = cache["shapes"], cache["nominal"], cache["world"]
    ids = torch.as_tensor(env_ids, device=world.device).long() if not isinstance(env_ids, slice) else None
    sel = torch.ones_like(world, dtype=torch.bool) if ids is None else torch.isin(world, ids)
    mu[shapes[sel]] = nominal[sel] * scale
    env.sim.physics_manager.add_model_change(ModelFlags.SHAPE_PROPERTIES)
    return torch.tensor(scale)
