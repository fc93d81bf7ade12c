"""PPO for the Inspire hand's HO-tracking tasks: the family's runners (``hotrack/agents``), tuned here per hand."""
from isaaclab.utils import configclass

from ....agents import rsl_rl_ppo_cfg as hotrack


@configclass
class InspireImitatorPPORunnerCfg(hotrack.HOTrackImitatorPPORunnerCfg):
    experiment_name = "hotrack_inspire_imitator"


@configclass
class InspireResidualPPORunnerCfg(hotrack.HOTrackResidualPPORunnerCfg):
    experiment_name = "hotrack_inspire_residual"


@configclass
class InspireResidualMLPPPORunnerCfg(hotrack.HOTrackResidualMLPPPORunnerCfg):
    experiment_name = "hotrack_inspire_residual_mlp"


@configclass
class InspireDistillationRunnerCfg(hotrack.HOTrackDistillationRunnerCfg):
    experiment_name = "hotrack_inspire_distillation"
