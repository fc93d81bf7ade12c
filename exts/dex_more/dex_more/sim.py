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
HOLDING_IMPRATIO = 10.0
"""Friction-to-normal impedance ratio of the scenes where hands hold objects (:class:`DexObjectDiversePhysicsCfg`)."""
HOLDING_SUBSTEPS = 2
"""Substeps per physics step of the scenes where hands hold objects."""


def newton_cfg(use_mujoco_contacts: bool = True, cone: str = "pyramidal", impratio: float = 1.0,
               num_substeps: int = 1) -> NewtonCfg:
    """Newton with the MuJoCo-Warp solver; contacts from MuJoCo's collision detection or from Newton's pipeline."""
    return NewtonCfg(
        solver_cfg=MJWarpSolverCfg(njmax=400, nconmax=150, integrator="implicitfast", cone=cone, impratio=impratio,
                                   use_mujoco_contacts=use_mujoco_contacts),
        num_substeps=num_substeps,
        # captured once and replayed on CUDA devices; Newton runs eagerly on the CPU whatever this says
        use_cuda_graph=True,
    )


@configclass
class DexPhysicsCfg(PresetCfg):
    """Backend presets. Constraint/contact budgets are per world (one env). Pyramidal friction cones at one substep:
    4x the CPU throughput of elliptic cones with impratio 10 (benchmarks/bench_testbed.py, Inspire + box, 16 envs:
    557 vs 145 env-steps/s)."""

    newton_mjwarp = newton_cfg()
    physx = PhysxCfg(bounce_threshold_velocity=0.2)
    default = newton_mjwarp


@configclass
class DexObjectDiversePhysicsCfg(PresetCfg):
    """Presets of scenes with a different object in each env (:mod:`dex_more.envs.object_bank`): on Newton the
    contacts come from Newton's collision pipeline, which reads every env's own object geometry.

    These scenes are the ones whose hands must hold objects up (grasping, HOT), so their friction holds: elliptic
    cones with impratio 10 and two substeps. MuJoCo-Warp has no no-slip solver, and with pyramidal cones at one
    substep a squeezed object creeps out of the fingers. Measured with the grasp validation
    (:mod:`dex_more.envs.grasp_validation`) on the 17 bundled Shadow proposals of the four cluster centres, which all
    hold at its own setting (elliptic, impratio 10, four substeps): 1 holds with pyramidal cones at one substep,
    5 at two substeps, 7 with elliptic cones at one substep, 15 at two. Cost on the CPU: 2.6× on the grasping tasks
    (benchmarks/bench_grasp.py, 64 envs: 315 vs 807 env-steps/s), 12-19× on the Inspire test bed
    (benchmarks/bench_objects.py). Override ``env.sim.physics.solver_cfg.cone`` and ``env.sim.physics.num_substeps``
    for a run that needs no holding."""

    newton_mjwarp = newton_cfg(use_mujoco_contacts=False, cone="elliptic", impratio=HOLDING_IMPRATIO,
                               num_substeps=HOLDING_SUBSTEPS)
    physx = PhysxCfg(bounce_threshold_velocity=0.2)
    default = newton_mjwarp
