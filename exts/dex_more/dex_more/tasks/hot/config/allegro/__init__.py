"""The Allegro hand's HOT task: tracking synthetic demonstrations of skills."""

import gymnasium as gym

from . import agents

gym.register(
    id="Dex-HOT-Allegro-v0",
    entry_point="dex_more.envs:DexEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.allegro_env_cfg:AllegroHOTEnvCfg",
        "rsl_rl_cfg_entry_point": f"{agents.__name__}.rsl_rl_ppo_cfg:AllegroHOTPPORunnerCfg",
    },
)

gym.register(
    id="Dex-HOT-Allegro-Student-v0",
    entry_point="dex_more.envs:DexEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.allegro_env_cfg:AllegroHOTEnvCfg",
        "rsl_rl_cfg_entry_point": f"{agents.__name__}.rsl_rl_ppo_cfg:AllegroHOTStudentRunnerCfg",
        "teacher_task": "Dex-HOT-Allegro-v0",
        "multi_teacher": True,
    },
)
"""One student distilled from several Allegro teachers at once (``scripts/train.py --teacher KEY=PATH``, one per object)."""
