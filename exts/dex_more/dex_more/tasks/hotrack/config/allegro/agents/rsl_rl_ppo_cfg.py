"""PPO for the Allegro hand's HO-tracking tasks: the family's runners (``hotrack/agents``), tuned here per hand."""
from isaaclab.utils import configclass

from ....agents import rsl_rl_ppo_cfg as hotrack


@configclass
class AllegroImitatorPPORunnerCfg(hotrack.HOTrackImitatorPPORunnerCfg):
    experiment_name = "hotrack_allegro_imitator"


@configclass
class AllegroResidualPPORunnerCfg(hotrack.HOTrackResidualPPORunnerCfg):
    experiment_name = "hotrack_allegro_residual"


@configclass
class AllegroResidualMLPPPORunnerCfg(hotrack.HOTrackResidualMLPPPORunnerCfg):
    experiment_name = "hotrack_allegro_residual_mlp"


@configclass
class AllegroDistillationRunnerCfg(hotrack.HOTrackDistillationRunnerCfg):
    experiment_name = "hotrack_allegro_distillation"
