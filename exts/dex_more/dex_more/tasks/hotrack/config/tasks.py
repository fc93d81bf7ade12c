"""Every HO-tracking task: a hand family (Inspire default, Shadow, Allegro), a stage and clips."""
from __future__ import annotations

from isaaclab.utils import configclass

from ..hotrack_env_cfg import HOTrackEnvCfg

# default clips of the residual tasks: one object set each (a task tracks clips of the same objects)
RIGHT_CLIPS = ["right_move_cylinder"]
LEFT_CLIPS = ["left_move_cylinder"]
BIMANUAL_CLIPS = ["bimanual_carry_box_0"]

HAND_FAMILIES = {
    "Inspire": {"right": "inspire_right", "left": "inspire_left"},
    "Shadow": {"right": "shadow_right", "left": "shadow_left"},
    "Allegro": {"right": "allegro_right"},
}


def make_cfg_class(family: str, variant: str) -> type:
    """The env cfg class of ``variant`` (Imitator, Imitator-Left, Right, Left, Bimanual[-FromScratch]) for a family."""
    hands = HAND_FAMILIES[family]
    base = variant.replace("-FromScratch", "")
    side_hands = {
        "Imitator": {"right": hands["right"]},
        "Imitator-Left": {"left": hands.get("left")},
        "Right": {"right": hands["right"]},
        "Left": {"left": hands.get("left")},
        "Bimanual": {"right": hands["right"], "left": hands.get("left")},
    }[base]
    stage = "imitator" if base.startswith("Imitator") else "residual"
    clips = {"Right": RIGHT_CLIPS, "Left": LEFT_CLIPS, "Bimanual": BIMANUAL_CLIPS}.get(base, [])

    @configclass
    class _Cfg(HOTrackEnvCfg):
        def __post_init__(self):
            self.hands = dict(side_hands)
            self.stage = stage
            self.clip_names = list(clips)
            self.from_scratch = variant.endswith("FromScratch")
            super().__post_init__()

    _Cfg.__name__ = _Cfg.__qualname__ = f"HOTrack{family}{variant.replace('-', '')}EnvCfg"
    return _Cfg
