"""Physics presets shared by every dex_more task.

``newton_mjwarp`` (default) runs kit-less on the CPU here and on GPUs at scale; ``physx`` needs Isaac Sim
and gives the GUI. Select with the hydra override ``presets=physx``. The physics step is 1/120 s
(ManipTrans: 1/60 s control with 2 substeps); :class:`dex_more.envs.DexEnvCfg` sets it with the control rate.
"""
from __future__ import annotations

from isaaclab_newton.physics import MJWarpSolverCfg, NewtonCfg
from isaaclab_physx.physics import PhysxCfg

from isaaclab.utils import configclass

from isaaclab_tasks.utils import PresetCfg

PHYSICS_DT = 1.0 / 120.0
"""Physics step [s]."""


def newton_cfg(use_mujoco_contacts: bool = True) -> NewtonCfg:
    """Newton with the MuJoCo-Warp solver; contacts from MuJoCo's collision detection or from Newton's pipeline."""
    return NewtonCfg(
        # pyramidal friction cones: 4x the CPU throughput of elliptic+impratio=10 (measured with
        # benchmarks/bench_testbed.py, Inspire + box, 16 envs: 557 vs 145 env-steps/s)
        solver_cfg=MJWarpSolverCfg(njmax=400, nconmax=150, integrator="implicitfast", cone="pyramidal",
                                   use_mujoco_contacts=use_mujoco_contacts),
        num_substeps=1,
        # captured once and replayed on CUDA devices; Newton runs eagerly on the CPU whatever this says
        use_cuda_graph=True,
    )


@configclass
class DexPhysicsCfg(PresetCfg):
    """Backend presets. Constraint/contact budgets are per world (one env)."""

    newton_mjwarp = newton_cfg()
    physx = PhysxCfg(bounce_threshold_velocity=0.2)
    default = newton_mjwarp


@configclass
class DexObjectDiversePhysicsCfg(PresetCfg):
    """Presets of scenes with a different object in each env (:mod:`dex_more.envs.object_bank`): on Newton the
    contacts come from Newton's collision pipeline, which reads every env's own object geometry."""

    newton_mjwarp = newton_cfg(use_mujoco_contacts=False)
    physx = PhysxCfg(bounce_threshold_velocity=0.2)
    default = newton_mjwarp
