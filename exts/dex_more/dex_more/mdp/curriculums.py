"""Curriculum terms (ManipTrans): gravity ramps up from 0 and the objects' friction down from ×3 over the first
env steps, applied to the envs that reset. In evaluation (the motion command's ``eval_mode``) both are final.

Newton keeps one gravity vector per world and a friction coefficient per shape; other backends are left at
the nominal values. A model change makes the solver re-read the model and re-pack its contacts on the next
step, so the terms announce one only when a value changed (never once the ramps are over).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from isaaclab.managers import CurriculumTermCfg, ManagerTermBase

from .commands import MOTION_COMMAND, reference_motion

if TYPE_CHECKING:
    from dex_more.envs import DexEnv


def _progress(env: DexEnv, num_steps: int) -> float:
    """Fraction of the ramp done, in [0, 1]; 1 in evaluation."""
    if MOTION_COMMAND in env.command_manager.active_terms and reference_motion(env).cfg.eval_mode:
        return 1.0
    return 1.0 if num_steps <= 0 else min(1.0, env.common_step_counter / num_steps)


def _newton_model(env: DexEnv):
    get_model = getattr(env.sim.physics_manager, "get_model", None)
    return get_model() if get_model is not None else None


def gravity_ramp(env: DexEnv, env_ids, num_steps: int, gravity: float) -> torch.Tensor:
    """Set the gravity of the resetting envs to ``gravity · min(1, step / num_steps)`` [m/s²] (z).

    Returns the current value for the logs.
    """
    value = gravity * _progress(env, num_steps)
    set_gravity_z(env, env_ids, value)
    return torch.tensor(value)


def set_gravity_z(env: DexEnv, env_ids, value: float) -> None:
    """Gravity ``value`` [m/s²] along z in the envs ``env_ids`` (a slice or indices); the solver is told only when
    a value changes. Newton keeps one gravity vector per world; other backends are left as they are."""
    model = _newton_model(env)
    if model is not None and getattr(model, "gravity", None) is not None:
        import warp as wp
        from newton import ModelFlags

        g = wp.to_torch(model.gravity)[: env.num_envs]
        if bool((g[env_ids, 2] != value).any()):
            g[env_ids, 2] = value
            env.sim.physics_manager.add_model_change(ModelFlags.MODEL_PROPERTIES)


class friction_ramp(ManagerTermBase):
    """Scale the friction coefficient of the objects' shapes in the resetting envs by a factor that falls
    linearly from ``start_scale`` to 1 over ``num_steps`` env steps (ManipTrans: ×3 → nominal).

    ``shapes``, ``nominal`` and ``world``: the objects' Newton shape ids, their nominal coefficients and their
    worlds (envs), found once. Returns the factor.
    """

    def __init__(self, cfg: CurriculumTermCfg, env: DexEnv):
        super().__init__(cfg, env)
        self.shapes = self.nominal = self.world = None
        model = _newton_model(env)
        if model is not None and getattr(model, "shape_material_mu", None) is not None:
            import warp as wp

            bodies = [i for i, label in enumerate(model.body_label) if "/Object_" in label]
            shape_body = wp.to_torch(model.shape_body).long()
            self.shapes = torch.nonzero(torch.isin(shape_body, torch.tensor(bodies, device=shape_body.device))).flatten()
            self._mu = wp.to_torch(model.shape_material_mu)
            self.nominal = self._mu[self.shapes].clone()
            self.world = wp.to_torch(model.shape_world).long()[self.shapes]

    def __call__(self, env: DexEnv, env_ids, num_steps: int, start_scale: float) -> torch.Tensor:
        scale = start_scale + (1.0 - start_scale) * _progress(env, num_steps)
        if self.shapes is not None:
            from newton import ModelFlags

            if isinstance(env_ids, slice):
                sel = torch.ones_like(self.world, dtype=torch.bool)
            else:
                sel = torch.isin(self.world, torch.as_tensor(env_ids, device=self.world.device).long())
            mu = self.nominal[sel] * scale
            if not torch.equal(self._mu[self.shapes[sel]], mu):
                self._mu[self.shapes[sel]] = mu
                env.sim.physics_manager.add_model_change(ModelFlags.SHAPE_PROPERTIES)
        return torch.tensor(scale)
