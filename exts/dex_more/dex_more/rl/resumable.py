"""PPO and distillation whose checkpoints resume where the run that wrote them stopped.

rsl_rl's runner saves the models, the optimiser and ``iter``, the index of the last finished iteration, and on
``--checkpoint`` resumes *at* that index, so one iteration number is trained twice (two tensorboard points at
one step, and ``model_N.pt`` after N+2 updates). The env's step counter, on which every curriculum keys (gravity
and friction ramps, the tracking thresholds' decay), is not saved at all: a resumed run started its curricula
over. The algorithm is the one part of the runner a task chooses (``algorithm.class_name``), so these subclasses
carry that state: they save ``env_state`` (:func:`~dex_more.rl.checkpoints.env_state`) beside the models and, when
a checkpoint is loaded to go on training (rsl_rl's ``iteration`` load flag), restore it and make the runner
resume at ``iter + 1``. Loading for play or as a teacher changes nothing.

Not restored, so a resumed run is not bit-identical to one that never stopped: the env itself. The resumed run
builds and resets its envs (and ``init_at_random_ep_len`` redraws their episode clocks) where the uninterrupted
run's envs were mid-episode, and the random generators are re-seeded at env creation.
"""
from __future__ import annotations

from rsl_rl.algorithms import PPO, Distillation

from .checkpoints import ENV_STATE_KEY, env_state, restore_env_state


class ResumableAlgorithm:
    """Mixin for an rsl_rl algorithm class: keeps the env it trains on and its step counter in checkpoints."""

    env = None
    """The (wrapped) env the runner built this algorithm for; set by :meth:`construct_algorithm`."""

    @classmethod
    def construct_algorithm(cls, obs, env, cfg: dict, device: str):
        alg = super().construct_algorithm(obs, env, cfg, device)
        alg.env = env
        return alg

    def save(self) -> dict:
        saved = super().save()
        if self.env is not None:
            saved[ENV_STATE_KEY] = env_state(self.env)
        return saved

    def load(self, loaded_dict: dict, load_cfg: dict | None, strict: bool) -> bool:
        resume = super().load(loaded_dict, load_cfg, strict)
        if resume:
            # the runner reads ``iter`` after this returns and starts its loop at that index: the next one is due
            loaded_dict["iter"] = int(loaded_dict["iter"]) + 1
            if ENV_STATE_KEY not in loaded_dict:
                print("[dex] the checkpoint holds no env_state (rsl_rl's own PPO wrote it): the env's step counter, "
                      "and with it every curriculum, starts again at 0")
            elif self.env is not None:
                restore_env_state(self.env, loaded_dict[ENV_STATE_KEY])
        return resume


class ResumablePPO(ResumableAlgorithm, PPO):
    """rsl_rl's PPO, resumable (``algorithm.class_name = "dex_more.rl.resumable:ResumablePPO"``)."""


class ResumableDistillation(ResumableAlgorithm, Distillation):
    """rsl_rl's DAgger distillation, resumable (``algorithm.class_name = "dex_more.rl.resumable:ResumableDistillation"``)."""
