"""PPO for the Shadow hand's HOT task: the family's runner (``hot/agents``), named per hand."""
from isaaclab.utils import configclass

from ....agents import rsl_rl_ppo_cfg as hot


@configclass
class ShadowHOTPPORunnerCfg(hot.HOTPPORunnerCfg):
    experiment_name = "hot_shadow"


@configclass
class ShadowHOTStudentRunnerCfg(hot.HOTStudentDistillationRunnerCfg):
    experiment_name = "hot_shadow_student"
