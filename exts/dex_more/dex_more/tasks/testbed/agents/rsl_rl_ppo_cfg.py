"""A small PPO configuration for smoke-training the scene test bed on the CPU."""
from isaaclab.utils import configclass

from isaaclab_rl.rsl_rl import RslRlMLPModelCfg, RslRlOnPolicyRunnerCfg

from dex_more.rl.cfg import ResumablePPOAlgorithmCfg


@configclass
class TestbedPPORunnerCfg(RslRlOnPolicyRunnerCfg):
    num_steps_per_env = 16
    max_iterations = 20
    save_interval = 10
    experiment_name = "dex_testbed"
    actor = RslRlMLPModelCfg(
        hidden_dims=[64, 64], activation="elu", obs_normalization=True,
        distribution_cfg=RslRlMLPModelCfg.GaussianDistributionCfg(init_std=0.05),
    )
    critic = RslRlMLPModelCfg(hidden_dims=[64, 64], activation="elu", obs_normalization=True)
    algorithm = ResumablePPOAlgorithmCfg(
        value_loss_coef=1.0, use_clipped_value_loss=True, clip_param=0.2, entropy_coef=0.0,
        num_learning_epochs=4, num_mini_batches=2, learning_rate=1e-3, schedule="adaptive",
        gamma=0.99, lam=0.95, desired_kl=0.01, max_grad_norm=1.0,
    )
