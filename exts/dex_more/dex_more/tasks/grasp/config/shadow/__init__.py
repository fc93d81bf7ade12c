"""The Shadow hand's universal-grasping tasks (ResDex): base policy, hyper-policy, point-cloud student; and the base
policy's visual variant (H-InDex)."""

import gymnasium as gym

from . import agents

_ENV = f"{__name__}.shadow_env_cfg"
_AGENTS = f"{agents.__name__}.rsl_rl_ppo_cfg"

gym.register(
    id="Dex-Grasp-Base-Shadow-v0",
    entry_point="dex_more.envs:DexEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:ShadowGraspBaseEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:ShadowGraspBasePPORunnerCfg",
    },
)

gym.register(
    id="Dex-Grasp-Hyper-Shadow-v0",
    entry_point="dex_more.envs:DexEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:ShadowGraspHyperEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:ShadowGraspHyperPPORunnerCfg",
        "base_task": "Dex-Grasp-Base-Shadow-v0",
    },
)

gym.register(
    id="Dex-Grasp-Student-Shadow-v0",
    entry_point="dex_more.envs:DexEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:ShadowGraspStudentEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:ShadowGraspStudentDistillationRunnerCfg",
        "base_task": "Dex-Grasp-Base-Shadow-v0",
        "teacher_task": "Dex-Grasp-Hyper-Shadow-v0",
    },
)

gym.register(
    id="Dex-Grasp-Base-Shadow-Visual-v0",
    entry_point="dex_more.envs:DexEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:ShadowGraspBaseVisualEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:ShadowGraspVisualPPORunnerCfg",
    },
)

gym.register(
    id="Dex-Grasp-Base-Shadow-Visual-Student-v0",
    entry_point="dex_more.envs:DexEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{_ENV}:ShadowGraspBaseVisualEnvCfg",
        "rsl_rl_cfg_entry_point": f"{_AGENTS}:ShadowGraspVisualStudentDistillationRunnerCfg",
        "teacher_task": "Dex-Grasp-Base-Shadow-v0",
    },
)
