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
