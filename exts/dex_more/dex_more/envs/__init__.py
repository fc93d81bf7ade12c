"""The environment class and configuration every dex_more task builds on."""

from .dex_env import DexEnv  # noqa: F401
from .dex_env_cfg import CONTROL_DT, DexEnvCfg  # noqa: F401
