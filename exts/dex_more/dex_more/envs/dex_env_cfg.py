"""Settings every dex_more task shares: control rate, physics step and backend presets, the hands it holds, and
(object-diverse scenes) the object each env holds."""
from __future__ import annotations

from isaaclab.envs import ManagerBasedRLEnvCfg
from isaaclab.utils import configclass

from dex_more.sim import PHYSICS_DT, DexObjectDiversePhysicsCfg, DexPhysicsCfg

from .object_bank import ObjectBankCfg

DECIMATION = 2
"""Physics steps per control step: 60 Hz control, the clips' rate (ManipTrans: 1/60 s, 2 substeps)."""
CONTROL_DT = DECIMATION * PHYSICS_DT
"""The control step [s]."""


@configclass
class DexEnvCfg(ManagerBasedRLEnvCfg):
    """A manager-based RL env on the dex_more physics presets, at 60 Hz control (decimation 2 of 1/120 s).

    No device here: it comes from the command line (``--device``); ``./dex`` defaults to the CPU.
    """

    hands: dict = {}
    """Side ("right"/"left") -> bundled hand name; each is the scene entity ``robot_<side>`` and gets a
    :class:`~dex_more.mdp.HandState` (``env.hands[side]``)."""
    object_bank: ObjectBankCfg | None = None
    """A different object of an object set in every env (``env.object_bank``); None: the scene's own objects."""

    def __post_init__(self):
        self.decimation = DECIMATION
        self.sim.dt = PHYSICS_DT
        self.sim.render_interval = self.decimation
        self.sim.physics = DexObjectDiversePhysicsCfg() if self.object_bank is not None else DexPhysicsCfg()
