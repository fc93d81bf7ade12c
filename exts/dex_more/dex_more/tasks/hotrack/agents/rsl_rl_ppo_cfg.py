"""PPO for HO tracking. MoRE's published run: horizon 32, minibatch 2048, Adam 5e-4 with decay, 6144 envs;
the defaults here fit the CPU (16 envs) and scale with --num_envs."""
from isaaclab.utils import configclass

from isaaclab_rl.rsl_rl import RslRlMLPModelCfg, RslRlOnPolicyRunnerCfg, RslRlPpoAlgorithmCfg


@configclass
class HOTrackPPORunnerCfg(RslRlOnPolicyRunnerCfg):
    num_steps_per_env = 32
    max_iterations = 1000
    save_interval = 50
    experiment_name = "hotrack"
    device = "cpu"
    actor = RslRlMLPModelCfg(
        hidden_dims=[512, 256, 128], activation="elu", obs_normalization=True,
        distribution_cfg=RslRlMLPModelCfg.GaussianDistributionCfg(init_std=0.5),
    )
    critic = RslRlMLPModelCfg(hidden_dims=[512, 256, 128], activation="elu", obs_normalization=True)
    algorithm = RslRlPpoAlgorithmCfg(
        value_loss_coef=1.0, use_clipped_value_loss=True, clip_param=0.2, entropy_coef=0.0,
        num_learning_epochs=5, num_mini_batches=4, learning_rate=5e-4, schedule="adaptive",
        gamma=0.99, lam=0.95, desired_kl=0.016, max_grad_norm=1.0,
    )


@configclass
class HOTrackImitatorPPORunnerCfg(HOTrackPPORunnerCfg):
    experiment_name = "hotrack_imitator"


@configclass
class HOTrackResidualPPORunnerCfg(HOTrackPPORunnerCfg):
    experiment_name = "hotrack_residual"

    def __post_init__(self):
        super().__post_init__()
        self.actor.distribution_cfg.init_std = 0.1  # a residual starts near the imitator
