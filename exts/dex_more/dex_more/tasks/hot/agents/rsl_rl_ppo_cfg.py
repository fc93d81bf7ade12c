"""PPO for HOT tracking, shared by every hand (a hand's ``config/<hand>/agents`` names its experiments). HOT trains
with 4096 envs; the defaults here fit the CPU (16 envs) and scale with --num_envs. No device: it follows --device."""
from isaaclab.utils import configclass

from isaaclab_rl.rsl_rl import RslRlDistillationRunnerCfg, RslRlMLPModelCfg, RslRlOnPolicyRunnerCfg

from dex_more.rl.cfg import MultiTeacherCfg, MultiTeacherDistillationCfg, ResumablePPOAlgorithmCfg


@configclass
class HOTPPORunnerCfg(RslRlOnPolicyRunnerCfg):
    num_steps_per_env = 32
    max_iterations = 1000
    save_interval = 50
    experiment_name = "hot"
    actor = RslRlMLPModelCfg(
        hidden_dims=[512, 256, 128], activation="elu", obs_normalization=True,
        # delta actions: the policy starts near the reference (a = 0 plays it back)
        distribution_cfg=RslRlMLPModelCfg.GaussianDistributionCfg(init_std=0.3),
    )
    critic = RslRlMLPModelCfg(hidden_dims=[512, 256, 128], activation="elu", obs_normalization=True)
    algorithm = ResumablePPOAlgorithmCfg(
        value_loss_coef=1.0, use_clipped_value_loss=True, clip_param=0.2, entropy_coef=0.0,
        num_learning_epochs=5, num_mini_batches=4, learning_rate=5e-4, schedule="adaptive",
        gamma=0.99, lam=0.95, desired_kl=0.016, max_grad_norm=1.0,
    )


@configclass
class HOTStudentDistillationRunnerCfg(RslRlDistillationRunnerCfg):
    """HOT's distillation: one student imitates several teachers at once, each env supervised by the teacher of its
    clip's object (``agent.teacher.route_by=skill``: of its skill). The teachers are PPO runs of the same hand's HOT
    task on a subset of the clips (``env.commands.motion.clip_names=[...]``); ``scripts/train.py --teacher KEY=PATH``
    builds the map. The student observes what the teachers do."""

    num_steps_per_env = 32
    max_iterations = 1000
    save_interval = 50
    experiment_name = "hot_student"
    obs_groups = {"student": ["policy"], "teacher": ["policy"]}
    student = RslRlMLPModelCfg(
        hidden_dims=[512, 256, 128], activation="elu", obs_normalization=True,
        distribution_cfg=RslRlMLPModelCfg.GaussianDistributionCfg(init_std=0.3),
    )
    teacher = MultiTeacherCfg()
    algorithm = MultiTeacherDistillationCfg(num_learning_epochs=5, learning_rate=5e-4, gradient_length=16,
                                            max_grad_norm=1.0)
