"""PPO for the Allegro hand's HOT task: the family's runner (``hot/agents``), named per hand."""
from isaaclab.utils import configclass

from ....agents import rsl_rl_ppo_cfg as hot


@configclass
class AllegroHOTPPORunnerCfg(hot.HOTPPORunnerCfg):
    experiment_name = "hot_allegro"


@configclass
class AllegroHOTStudentRunnerCfg(hot.HOTStudentDistillationRunnerCfg):
    experiment_name = "hot_allegro_student"
