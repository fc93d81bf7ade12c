"""The Allegro hand's HO-tracking tasks (a right hand only): imitator and residual policy over it.

The residual tasks name the imitator task that serves each hand (``imitator_tasks``: side -> gym ID).
"""

import gymnasium as gym

from . import agents

_ENV = f"{__name__}.allegro_env_cfg"
_AGENTS = f"{agents.__name__}.rsl_rl_ppo_cfg"

gym.register(
    id="Dex-HOTrack-Imitator-Allegro-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:AllegroImitatorEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:AllegroImitatorPPORunnerCfg",
    },
)

gym.register(
    id="Dex-HOTrack-Right-Allegro-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:AllegroRightEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:AllegroResidualPPORunnerCfg",
        "rsl_rl_mlp_cfg_entry_point": f"{_AGENTS}:AllegroResidualMLPPPORunnerCfg",
        "rsl_rl_distillation_cfg_entry_point": f"{_AGENTS}:AllegroDistillationRunnerCfg",
        "imitator_tasks": {"right": "Dex-HOTrack-Imitator-Allegro-v0"},
    },
)
