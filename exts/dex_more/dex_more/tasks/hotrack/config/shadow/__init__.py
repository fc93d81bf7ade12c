"""The Shadow hands' HO-tracking tasks: imitators and residual policies over them.

The residual tasks name the imitator task that serves each hand (``imitator_tasks``: side -> gym ID).
"""

import gymnasium as gym

from . import agents

_ENV = f"{__name__}.shadow_env_cfg"
_AGENTS = f"{agents.__name__}.rsl_rl_ppo_cfg"

gym.register(
    id="Dex-HOTrack-Imitator-Shadow-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:ShadowImitatorEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:ShadowImitatorPPORunnerCfg",
    },
)

gym.register(
    id="Dex-HOTrack-Imitator-Left-Shadow-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:ShadowImitatorLeftEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:ShadowImitatorPPORunnerCfg",
    },
)

gym.register(
    id="Dex-HOTrack-Right-Shadow-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:ShadowRightEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:ShadowResidualPPORunnerCfg",
        "rsl_rl_mlp_cfg_entry_point": f"{_AGENTS}:ShadowResidualMLPPPORunnerCfg",
        "rsl_rl_distillation_cfg_entry_point": f"{_AGENTS}:ShadowDistillationRunnerCfg",
        "imitator_tasks": {"right": "Dex-HOTrack-Imitator-Shadow-v0"},
    },
)

gym.register(
    id="Dex-HOTrack-Left-Shadow-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:ShadowLeftEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:ShadowResidualPPORunnerCfg",
        "rsl_rl_mlp_cfg_entry_point": f"{_AGENTS}:ShadowResidualMLPPPORunnerCfg",
        "rsl_rl_distillation_cfg_entry_point": f"{_AGENTS}:ShadowDistillationRunnerCfg",
        "imitator_tasks": {"left": "Dex-HOTrack-Imitator-Left-Shadow-v0"},
    },
)

gym.register(
    id="Dex-HOTrack-Bimanual-Shadow-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:ShadowBimanualEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:ShadowResidualPPORunnerCfg",
        "rsl_rl_mlp_cfg_entry_point": f"{_AGENTS}:ShadowResidualMLPPPORunnerCfg",
        "rsl_rl_distillation_cfg_entry_point": f"{_AGENTS}:ShadowDistillationRunnerCfg",
        "imitator_tasks": {"right": "Dex-HOTrack-Imitator-Shadow-v0", "left": "Dex-HOTrack-Imitator-Left-Shadow-v0"},
    },
)
