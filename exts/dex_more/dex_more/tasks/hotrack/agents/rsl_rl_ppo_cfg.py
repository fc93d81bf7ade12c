"""PPO for HO tracking, shared by every hand (a hand's ``config/<hand>/agents`` subclasses these). MoRE's published
run: horizon 32, minibatch 2048, Adam 5e-4 with decay, 6144 envs; the defaults here fit the CPU (16 envs) and scale
with --num_envs. No device: it follows --device."""
from isaaclab.utils import configclass

from isaaclab_rl.rsl_rl import RslRlDistillationRunnerCfg, RslRlMLPModelCfg, RslRlOnPolicyRunnerCfg

from dex_more.rl.cfg import (MoEPPOAlgorithmCfg, MoREModelCfg, PointCloudStudentCfg, ResumableDistillationAlgorithmCfg,
                             ResumablePPOAlgorithmCfg)


@configclass
class HOTrackPPORunnerCfg(RslRlOnPolicyRunnerCfg):
    num_steps_per_env = 32
    max_iterations = 1000
    save_interval = 50
    experiment_name = "hotrack"
    actor = RslRlMLPModelCfg(
        hidden_dims=[512, 256, 128], activation="elu", obs_normalization=True,
        distribution_cfg=RslRlMLPModelCfg.GaussianDistributionCfg(init_std=0.5),
    )
    critic = RslRlMLPModelCfg(hidden_dims=[512, 256, 128], activation="elu", obs_normalization=True)
    algorithm = ResumablePPOAlgorithmCfg(
        value_loss_coef=1.0, use_clipped_value_loss=True, clip_param=0.2, entropy_coef=0.0,
        num_learning_epochs=5, num_mini_batches=4, learning_rate=5e-4, schedule="adaptive",
        gamma=0.99, lam=0.95, desired_kl=0.016, max_grad_norm=1.0,
    )


@configclass
class HOTrackImitatorPPORunnerCfg(HOTrackPPORunnerCfg):
    experiment_name = "hotrack_imitator"


@configclass
class HOTrackResidualPPORunnerCfg(HOTrackPPORunnerCfg):
    """The residual as a Mixture of Residual Experts (4 sparse experts, top-1, 1 shared) trained with MoE-PPO."""

    experiment_name = "hotrack_residual"
    obs_groups = {"actor": ["policy", "base_action"], "critic": ["policy", "base_action"]}
    actor = MoREModelCfg(
        base_action_group="base_action", num_experts=4, top_k=1, num_shared_experts=1,
        encoder_dims=[512, 256], expert_dims=[256, 128], router_dims=[128], hidden_dims=[128], activation="elu",
        obs_normalization=True,
        distribution_cfg=RslRlMLPModelCfg.GaussianDistributionCfg(init_std=0.1),  # a residual starts near the imitator
    )
    algorithm = MoEPPOAlgorithmCfg(
        value_loss_coef=1.0, use_clipped_value_loss=True, clip_param=0.2, entropy_coef=0.0,
        num_learning_epochs=5, num_mini_batches=4, learning_rate=5e-4, schedule="adaptive",
        gamma=0.99, lam=0.95, desired_kl=0.016, max_grad_norm=1.0, load_balance_coef=0.01, router_entropy_coef=0.01,
    )


@configclass
class HOTrackResidualMLPPPORunnerCfg(HOTrackPPORunnerCfg):
    """ManipTrans' single residual MLP (the MoRE ablation): ``--agent rsl_rl_mlp_cfg_entry_point``."""

    experiment_name = "hotrack_residual_mlp"

    def __post_init__(self):
        super().__post_init__()
        self.actor.distribution_cfg.init_std = 0.1


@configclass
class HOTrackDistillationRunnerCfg(RslRlDistillationRunnerCfg):
    """DAgger: a point-cloud student imitates a trained MoRE teacher (``--agent rsl_rl_distillation_cfg_entry_point
    --checkpoint <teacher model_*.pt>``). The student sees the hand's proprioception and reference targets
    (the imitators' inputs), the frozen imitators' actions and the object's points; not the object's state."""

    num_steps_per_env = 32
    max_iterations = 500
    save_interval = 50
    experiment_name = "hotrack_distillation"
    obs_groups = {"student": ["student", "point_cloud", "base_action"], "teacher": ["policy", "base_action"]}
    student = PointCloudStudentCfg(
        point_cloud_group="point_cloud", point_dims=[64, 128, 256], hidden_dims=[512, 256, 128], activation="elu",
        obs_normalization=True, distribution_cfg=RslRlMLPModelCfg.GaussianDistributionCfg(init_std=0.1),
    )
    teacher = HOTrackResidualPPORunnerCfg().actor
    algorithm = ResumableDistillationAlgorithmCfg(num_learning_epochs=2, learning_rate=1e-3, gradient_length=16,
                                                  max_grad_norm=1.0)
