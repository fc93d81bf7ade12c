"""The Shadow right hand tracking the bundled HOT clips (retargeted to it by scripts/make_hot_demos.py)."""
from isaaclab.utils import configclass

from ... import hot_env_cfg as hot


@configclass
class ShadowHOTEnvCfg(hot.HOTEnvCfg):
    hands = {"right": "shadow_right"}
