"""Scene test bed: one hand + one object on the table, absolute joint targets as actions.

Tests, benchmarks and the asset checks build it with :func:`make_testbed_env_cfg`. It is registered
only under the internal namespace ``dex_more_internal/`` (for smoke-training the pipeline), not
among the ``Dex-*`` tasks users pick from.
"""

import gymnasium as gym

from . import agents
from .testbed_env_cfg import TestbedEnvCfg, make_object_bank_testbed_cfg, make_testbed_env_cfg  # noqa: F401

gym.register(
    id="dex_more_internal/Testbed-Inspire-v0",
    entry_point="isaaclab.envs:ManagerBasedRLEnv",
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.testbed_env_cfg:TestbedInspireEnvCfg",
        "rsl_rl_cfg_entry_point": f"{agents.__name__}.rsl_rl_ppo_cfg:TestbedPPORunnerCfg",
    },
)
