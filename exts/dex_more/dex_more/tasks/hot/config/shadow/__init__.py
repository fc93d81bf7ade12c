"""The Shadow hand's HOT task: tracking synthetic demonstrations of skills."""

import gymnasium as gym

from . import agents

gym.register(
    id="Dex-HOT-Shadow-v0",
    entry_point="dex_more.envs:DexEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.shadow_env_cfg:ShadowHOTEnvCfg",
        "rsl_rl_cfg_entry_point": f"{agents.__name__}.rsl_rl_ppo_cfg:ShadowHOTPPORunnerCfg",
    },
)

gym.register(
    id="Dex-HOT-Shadow-Student-v0",
    entry_point="dex_more.envs:DexEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.shadow_env_cfg:ShadowHOTEnvCfg",
        "rsl_rl_cfg_entry_point": f"{agents.__name__}.rsl_rl_ppo_cfg:ShadowHOTStudentRunnerCfg",
        "teacher_task": "Dex-HOT-Shadow-v0",
        "multi_teacher": True,
    },
)
"""One student distilled from several Shadow teachers at once (``scripts/train.py --teacher KEY=PATH``, one per object)."""
