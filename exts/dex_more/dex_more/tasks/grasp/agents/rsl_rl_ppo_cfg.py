"""PPO and DAgger for universal grasping, shared by every hand (a hand's ``config/<hand>/agents`` subclasses these).
ResDex's Table 8: 8 steps per iteration, 5 epochs of 4 minibatches, Adam 3e-4, γ 0.96, λ 0.95, clip 0.2, initial
std 0.8, gradient norm 1.0, MLP 1024-1024-512-512 ELU; 4096 envs (bases) and 11000 (hyper-policy) on a GPU, 16 by
default here (--num_envs scales it). Table 9 (DAgger) steps once per iteration at 11000 envs; with CPU-sized batches
the student collects 8. The paper names no learning-rate schedule: Isaac Lab's adaptive one (KL 0.016) is used.
No device: it follows --device. On a CPU a base policy learns with more steps per env and a smaller network
(tests/test_learning.py's run: 128 envs, 24 steps, 256-256-128, initial std 0.5)."""
from isaaclab.utils import configclass

from isaaclab_rl.rsl_rl import RslRlDistillationRunnerCfg, RslRlMLPModelCfg, RslRlOnPolicyRunnerCfg

from dex_more.rl.cfg import (HandInformedVisualPolicyCfg, HyperPolicyModelCfg, PointCloudStudentCfg,
                             ResumableDistillationAlgorithmCfg, ResumablePPOAlgorithmCfg)

HIDDEN_DIMS = [1024, 1024, 512, 512]


@configclass
class GraspBasePPORunnerCfg(RslRlOnPolicyRunnerCfg):
    """A geometry-agnostic base policy (one object)."""

    num_steps_per_env = 8
    max_iterations = 5000
    save_interval = 100
    experiment_name = "grasp_base"
    actor = RslRlMLPModelCfg(
        hidden_dims=HIDDEN_DIMS, activation="elu", obs_normalization=True,
        distribution_cfg=RslRlMLPModelCfg.GaussianDistributionCfg(init_std=0.8),
    )
    critic = RslRlMLPModelCfg(hidden_dims=HIDDEN_DIMS, activation="elu", obs_normalization=True)
    algorithm = ResumablePPOAlgorithmCfg(
        value_loss_coef=1.0, use_clipped_value_loss=True, clip_param=0.2, entropy_coef=0.0,
        num_learning_epochs=5, num_mini_batches=4, learning_rate=3e-4, schedule="adaptive",
        gamma=0.96, lam=0.95, desired_kl=0.016, max_grad_norm=1.0,
    )


@configclass
class GraspHyperPPORunnerCfg(GraspBasePPORunnerCfg):
    """The hyper-policy over frozen bases (``actor.base_checkpoints``: scripts/train.py's ``--base PATH``, one per
    base). ``agent.actor.residual=false`` trains the MoE-only ablation."""

    max_iterations = 20000
    experiment_name = "grasp_hyper"
    obs_groups = {"actor": ["policy"], "critic": ["policy"]}
    actor = HyperPolicyModelCfg(
        base_obs_group="base", weight_mode="softmax", residual=True, hidden_dims=HIDDEN_DIMS, activation="elu",
        obs_normalization=True, distribution_cfg=RslRlMLPModelCfg.GaussianDistributionCfg(init_std=0.8),
    )


@configclass
class GraspVisualPPORunnerCfg(GraspBasePPORunnerCfg):
    """H-InDex's stage 3 on the visual base layout: the actor sees the image (frozen encoder, EMA BatchNorm) and
    proprioception; the critic the base layout's state (group ``critic``). Stage 1 and 2 weights:
    ``agent.actor.encoder_checkpoint=PATH``."""

    experiment_name = "grasp_visual"
    obs_groups = {"actor": ["policy", "image"], "critic": ["critic"]}
    actor = HandInformedVisualPolicyCfg(
        hidden_dims=[512, 256, 128], activation="elu", obs_normalization=True,
        distribution_cfg=RslRlMLPModelCfg.GaussianDistributionCfg(init_std=0.8),
    )
    critic = RslRlMLPModelCfg(hidden_dims=[512, 256, 128], activation="elu", obs_normalization=True)


@configclass
class GraspStudentDistillationRunnerCfg(RslRlDistillationRunnerCfg):
    """DAgger: a point-cloud student imitates a trained hyper-policy (``--checkpoint <hyper model_*.pt>``; its bases
    come from the hyper run's folder). The student sees proprioception and the object's points, not its state."""

    num_steps_per_env = 8
    max_iterations = 8000
    save_interval = 100
    experiment_name = "grasp_student"
    obs_groups = {"student": ["student", "point_cloud"], "teacher": ["policy"]}
    student = PointCloudStudentCfg(
        point_cloud_group="point_cloud", point_dims=[64, 128, 256], hidden_dims=HIDDEN_DIMS, activation="elu",
        obs_normalization=True, distribution_cfg=RslRlMLPModelCfg.GaussianDistributionCfg(init_std=0.8),
    )
    teacher = GraspHyperPPORunnerCfg().actor
    algorithm = ResumableDistillationAlgorithmCfg(num_learning_epochs=5, learning_rate=3e-4, gradient_length=8,
                                                  max_grad_norm=1.0)


@configclass
class GraspVisualStudentDistillationRunnerCfg(RslRlDistillationRunnerCfg):
    """H-InDex's stage 3 by DAgger instead of PPO: the visual policy imitates a trained state-based base policy
    (``--checkpoint <Dex-Grasp-Base-Shadow-v0 model_*.pt>``), which reads the base layout's state (group ``critic``:
    the base policy's own view)."""

    num_steps_per_env = 8
    max_iterations = 2000
    save_interval = 100
    experiment_name = "grasp_visual_student"
    obs_groups = {"student": ["policy", "image"], "teacher": ["critic"]}
    student = GraspVisualPPORunnerCfg().actor
    teacher = GraspBasePPORunnerCfg().actor
    algorithm = ResumableDistillationAlgorithmCfg(num_learning_epochs=5, learning_rate=3e-4, gradient_length=8,
                                                  max_grad_norm=1.0)
