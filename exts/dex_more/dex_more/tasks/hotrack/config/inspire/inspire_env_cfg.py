"""The Inspire hands (robosuite 1.5.2, MIT) in every HO-tracking layout, and the residual ablations without imitator."""
from isaaclab.utils import configclass

from ... import hotrack_env_cfg as hotrack

RIGHT = {"right": "inspire_right"}
LEFT = {"left": "inspire_left"}


@configclass
class InspireImitatorEnvCfg(hotrack.HOTrackImitatorRightEnvCfg):
    hands = RIGHT


@configclass
class InspireImitatorLeftEnvCfg(hotrack.HOTrackImitatorLeftEnvCfg):
    hands = LEFT


@configclass
class InspireRightEnvCfg(hotrack.HOTrackResidualRightEnvCfg):
    hands = RIGHT


@configclass
class InspireLeftEnvCfg(hotrack.HOTrackResidualLeftEnvCfg):
    hands = LEFT


@configclass
class InspireBimanualEnvCfg(hotrack.HOTrackResidualBimanualEnvCfg):
    hands = {**RIGHT, **LEFT}


@configclass
class InspireRightFromScratchEnvCfg(InspireRightEnvCfg):
    from_scratch = True


@configclass
class InspireLeftFromScratchEnvCfg(InspireLeftEnvCfg):
    from_scratch = True


@configclass
class InspireBimanualFromScratchEnvCfg(InspireBimanualEnvCfg):
    from_scratch = True
