"""The environment class of every dex_more task: Isaac Lab's manager-based RL env plus the hands' derived state."""
from __future__ import annotations

import torch
from isaaclab_newton.physics import NewtonCfg

from isaaclab.envs import ManagerBasedRLEnv
from isaaclab.managers import RewardManager

from dex_more.assets import get_hand
from dex_more.mdp.hand_state import HandState

from .dex_env_cfg import DexEnvCfg
from .object_bank import ObjectBank, object_bank_physx_spawn_cfg


class DexEnv(ManagerBasedRLEnv):
    """:class:`ManagerBasedRLEnv` with ``hands``: one :class:`~dex_more.mdp.HandState` per side of ``cfg.hands``.

    The hand states cache what many terms read (keypoints, wrist pose) per :attr:`state_version`, which changes
    with every physics step and every reset. Code that writes an articulation's state outside a reset (a test, a
    script teleporting the hand) calls :meth:`state_changed` before reading terms again.
    """

    cfg: DexEnvCfg

    def __init__(self, cfg: DexEnvCfg, render_mode: str | None = None, **kwargs):
        self._state_generation = 0
        self.hands: dict[str, HandState] = {}
        self.object_bank: ObjectBank | None = None
        """Which object each env holds (scenes with :attr:`DexEnvCfg.object_bank`, on Newton)."""
        self._objects_on_newton = cfg.object_bank is not None and isinstance(cfg.sim.physics, NewtonCfg)
        if cfg.object_bank is not None and not self._objects_on_newton:
            # PhysX: Isaac Lab's own multi-asset spawning, one object per env, fixed for the run
            asset = getattr(cfg.scene, cfg.object_bank.asset_name)
            asset.spawn = object_bank_physx_spawn_cfg(cfg.object_bank)
            cfg.scene.replicate_physics = False
        super().__init__(cfg, render_mode, **kwargs)

    @property
    def state_version(self) -> tuple[int, int]:
        """Changes whenever the simulated state may have: (physics steps taken, resets and announced writes)."""
        return self._sim_step_counter, self._state_generation

    def state_changed(self) -> None:
        """Announce a state write outside a physics step or reset: cached derived state is recomputed."""
        self._state_generation += 1

    def load_managers(self):
        # the managers call every term once while they are built: the hand states must exist first
        self.hands = {side: HandState(self, side, get_hand(name)) for side, name in self.cfg.hands.items()}
        if self._objects_on_newton:
            self.object_bank = ObjectBank(self, self.cfg.object_bank)
        super().load_managers()
        # Isaac Lab builds its RewardManager inline, with no hook to choose the class; the subclass adds no state
        self.reward_manager.__class__ = FiniteRewardManager

    def _reset_idx(self, env_ids: torch.Tensor | slice):
        super()._reset_idx(env_ids)
        self.state_changed()


class FiniteRewardManager(RewardManager):
    """Isaac Lab's reward manager, except that a non-finite term value (an env whose physics blew up) counts 0.

    Such an env is ended by the ``physics_blowup`` termination in the same step and counted in the logged
    ``Episode_Termination/physics_blowup`` (the share of envs whose last episode it ended); without this, its NaN would reach the batch's returns and the logged
    episode sums, and one bad env would end the run.
    """

    def compute(self, dt: float) -> torch.Tensor:
        sums_before = self._episode_sum_buf.clone()
        super().compute(dt)
        bad = ~torch.isfinite(self._step_reward)
        if bool(bad.any()):
            rows = bad.any(dim=1)
            self._step_reward.nan_to_num_(nan=0.0, posinf=0.0, neginf=0.0)
            self._reward_buf[rows] = self._step_reward[rows].sum(dim=1) * dt
            self._episode_sum_buf[rows] = sums_before[rows] + self._step_reward[rows] * dt
        return self._reward_buf
