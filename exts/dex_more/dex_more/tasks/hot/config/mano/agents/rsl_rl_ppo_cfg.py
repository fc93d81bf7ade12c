"""PPO for the MANO-like hand's HOT task: the family's runner (``hot/agents``), named per hand."""
from isaaclab.utils import configclass

from ....agents import rsl_rl_ppo_cfg as hot


@configclass
class MANOHOTPPORunnerCfg(hot.HOTPPORunnerCfg):
    experiment_name = "hot_mano"


@configclass
class MANOHOTStudentRunnerCfg(hot.HOTStudentDistillationRunnerCfg):
    experiment_name = "hot_mano_student"
