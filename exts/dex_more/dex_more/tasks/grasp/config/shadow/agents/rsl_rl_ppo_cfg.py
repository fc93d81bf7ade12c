"""PPO and DAgger for the Shadow hand's grasping tasks: the family's runners (``grasp/agents``), named per hand."""
from isaaclab.utils import configclass

from ....agents import rsl_rl_ppo_cfg as grasp


@configclass
class ShadowGraspBasePPORunnerCfg(grasp.GraspBasePPORunnerCfg):
    experiment_name = "grasp_shadow_base"


@configclass
class ShadowGraspHyperPPORunnerCfg(grasp.GraspHyperPPORunnerCfg):
    experiment_name = "grasp_shadow_hyper"


@configclass
class ShadowGraspStudentDistillationRunnerCfg(grasp.GraspStudentDistillationRunnerCfg):
    experiment_name = "grasp_shadow_student"


@configclass
class ShadowGraspVisualPPORunnerCfg(grasp.GraspVisualPPORunnerCfg):
    experiment_name = "grasp_shadow_visual"


@configclass
class ShadowGraspVisualStudentDistillationRunnerCfg(grasp.GraspVisualStudentDistillationRunnerCfg):
    experiment_name = "grasp_shadow_visual_student"
