"""PPO for the Shadow hand's HO-tracking tasks: the family's runners (``hotrack/agents``), tuned here per hand."""
from isaaclab.utils import configclass

from ....agents import rsl_rl_ppo_cfg as hotrack


@configclass
class ShadowImitatorPPORunnerCfg(hotrack.HOTrackImitatorPPORunnerCfg):
    experiment_name = "hotrack_shadow_imitator"


@configclass
class ShadowResidualPPORunnerCfg(hotrack.HOTrackResidualPPORunnerCfg):
    experiment_name = "hotrack_shadow_residual"


@configclass
class ShadowResidualMLPPPORunnerCfg(hotrack.HOTrackResidualMLPPPORunnerCfg):
    experiment_name = "hotrack_shadow_residual_mlp"


@configclass
class ShadowDistillationRunnerCfg(hotrack.HOTrackDistillationRunnerCfg):
    experiment_name = "hotrack_shadow_distillation"
