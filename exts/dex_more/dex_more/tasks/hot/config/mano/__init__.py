"""The MANO-like hand's HOT task: tracking synthetic demonstrations of skills (HOT trains a MANO hand)."""

import gymnasium as gym

from . import agents

gym.register(
    id="Dex-HOT-MANO-v0",
    entry_point="dex_more.envs:DexEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.mano_env_cfg:MANOHOTEnvCfg",
        "rsl_rl_cfg_entry_point": f"{agents.__name__}.rsl_rl_ppo_cfg:MANOHOTPPORunnerCfg",
    },
)

gym.register(
    id="Dex-HOT-MANO-Student-v0",
    entry_point="dex_more.envs:DexEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.mano_env_cfg:MANOHOTEnvCfg",
        "rsl_rl_cfg_entry_point": f"{agents.__name__}.rsl_rl_ppo_cfg:MANOHOTStudentRunnerCfg",
        "teacher_task": "Dex-HOT-MANO-v0",
        "multi_teacher": True,
    },
)
"""One student distilled from several MANO teachers at once (``scripts/train.py --teacher KEY=PATH``, one per object)."""
