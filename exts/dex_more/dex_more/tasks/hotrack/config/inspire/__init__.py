"""The Inspire hands' HO-tracking tasks: imitators, residual policies over them, and the residual
ablations trained without imitator (``-FromScratch``).

The residual tasks name the imitator task that serves each hand (``imitator_tasks``: side -> gym ID).
"""

import gymnasium as gym

from . import agents

_ENV = f"{__name__}.inspire_env_cfg"
_AGENTS = f"{agents.__name__}.rsl_rl_ppo_cfg"

gym.register(
    id="Dex-HOTrack-Imitator-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:InspireImitatorEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:InspireImitatorPPORunnerCfg",
    },
)

gym.register(
    id="Dex-HOTrack-Imitator-Left-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:InspireImitatorLeftEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:InspireImitatorPPORunnerCfg",
    },
)

gym.register(
    id="Dex-HOTrack-Right-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:InspireRightEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:InspireResidualPPORunnerCfg",
        "rsl_rl_mlp_cfg_entry_point": f"{_AGENTS}:InspireResidualMLPPPORunnerCfg",
        "rsl_rl_distillation_cfg_entry_point": f"{_AGENTS}:InspireDistillationRunnerCfg",
        "imitator_tasks": {"right": "Dex-HOTrack-Imitator-v0"},
    },
)

gym.register(
    id="Dex-HOTrack-Left-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:InspireLeftEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:InspireResidualPPORunnerCfg",
        "rsl_rl_mlp_cfg_entry_point": f"{_AGENTS}:InspireResidualMLPPPORunnerCfg",
        "rsl_rl_distillation_cfg_entry_point": f"{_AGENTS}:InspireDistillationRunnerCfg",
        "imitator_tasks": {"left": "Dex-HOTrack-Imitator-Left-v0"},
    },
)

gym.register(
    id="Dex-HOTrack-Bimanual-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:InspireBimanualEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:InspireResidualPPORunnerCfg",
        "rsl_rl_mlp_cfg_entry_point": f"{_AGENTS}:InspireResidualMLPPPORunnerCfg",
        "rsl_rl_distillation_cfg_entry_point": f"{_AGENTS}:InspireDistillationRunnerCfg",
        "imitator_tasks": {"right": "Dex-HOTrack-Imitator-v0", "left": "Dex-HOTrack-Imitator-Left-v0"},
    },
)

gym.register(
    id="Dex-HOTrack-Right-FromScratch-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:InspireRightFromScratchEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:InspireResidualPPORunnerCfg",
        "rsl_rl_mlp_cfg_entry_point": f"{_AGENTS}:InspireResidualMLPPPORunnerCfg",
        "rsl_rl_distillation_cfg_entry_point": f"{_AGENTS}:InspireDistillationRunnerCfg",
        "imitator_tasks": {},
    },
)

gym.register(
    id="Dex-HOTrack-Left-FromScratch-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:InspireLeftFromScratchEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:InspireResidualPPORunnerCfg",
        "rsl_rl_mlp_cfg_entry_point": f"{_AGENTS}:InspireResidualMLPPPORunnerCfg",
        "rsl_rl_distillation_cfg_entry_point": f"{_AGENTS}:InspireDistillationRunnerCfg",
        "imitator_tasks": {},
    },
)

gym.register(
    id="Dex-HOTrack-Bimanual-FromScratch-v0",
    entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:InspireBimanualFromScratchEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:InspireResidualPPORunnerCfg",
        "rsl_rl_mlp_cfg_entry_point": f"{_AGENTS}:InspireResidualMLPPPORunnerCfg",
        "rsl_rl_distillation_cfg_entry_point": f"{_AGENTS}:InspireDistillationRunnerCfg",
        "imitator_tasks": {},
    },
)
