"""Isaac Lab-style configclasses of dex_more's RSL-RL extensions; they convert to the dicts rsl_rl resolves
(``class_name`` = "module:Class")."""
from __future__ import annotations

from isaaclab.utils import configclass

from isaaclab_rl.rsl_rl import RslRlDistillationAlgorithmCfg, RslRlMLPModelCfg, RslRlPpoAlgorithmCfg


@configclass
class MoREModelCfg(RslRlMLPModelCfg):
    """:class:`~dex_more.rl.mixture_of_residual_experts.MixtureOfResidualExperts`."""

    class_name: str = "dex_more.rl.mixture_of_residual_experts:MixtureOfResidualExperts"
    base_action_group: str = "base_action"
    num_experts: int = 4
    top_k: int = 1
    num_shared_experts: int = 1
    renormalize: bool = False
    encoder_dims: list[int] = [512, 256]
    expert_dims: list[int] = [256, 128]
    router_dims: list[int] = [128]
    hidden_dims: list[int] = [128]
    """The action head's hidden layers (the MLP from the expert mixture to the action)."""


@configclass
class ResumablePPOAlgorithmCfg(RslRlPpoAlgorithmCfg):
    """:class:`~dex_more.rl.resumable.ResumablePPO`: PPO whose checkpoints resume the step counter and iteration."""

    class_name: str = "dex_more.rl.resumable:ResumablePPO"


@configclass
class ResumableDistillationAlgorithmCfg(RslRlDistillationAlgorithmCfg):
    """:class:`~dex_more.rl.resumable.ResumableDistillation`: DAgger, resumable like :class:`ResumablePPOAlgorithmCfg`."""

    class_name: str = "dex_more.rl.resumable:ResumableDistillation"


@configclass
class MoEPPOAlgorithmCfg(ResumablePPOAlgorithmCfg):
    """:class:`~dex_more.rl.moe_ppo.MoEPPO`: PPO plus the routing losses."""

    class_name: str = "dex_more.rl.moe_ppo:MoEPPO"
    load_balance_coef: float = 0.01
    router_entropy_coef: float = 0.01


@configclass
class HyperPolicyModelCfg(RslRlMLPModelCfg):
    """:class:`~dex_more.rl.hyper_policy.HyperPolicy` (ResDex): λ over frozen bases plus a residual."""

    class_name: str = "dex_more.rl.hyper_policy:HyperPolicy"
    base_checkpoints: list[str] = []
    base_obs_group: str = "base"
    weight_mode: str = "softmax"
    residual: bool = True
    """False: the MoE-only ablation of ResDex's Table 3 (λ only, no residual action)."""
    hidden_dims: list[int] = [1024, 1024, 512, 512]


@configclass
class PointCloudStudentCfg(RslRlMLPModelCfg):
    """:class:`~dex_more.rl.point_cloud_student.PointCloudStudent`: PointNet over the object's points + MLP."""

    class_name: str = "dex_more.rl.point_cloud_student:PointCloudStudent"
    point_cloud_group: str = "point_cloud"
    point_dims: list[int] = [64, 128, 256]
    hidden_dims: list[int] = [512, 256, 128]


@configclass
class HandInformedVisualPolicyCfg(RslRlMLPModelCfg):
    """:class:`~dex_more.rl.hand_informed_visual_policy.HandInformedVisualPolicy` (H-InDex's stage 3): a frozen
    ResNet with EMA BatchNorm over the image group + MLP."""

    class_name: str = "dex_more.rl.hand_informed_visual_policy:HandInformedVisualPolicy"
    image_group: str = "image"
    encoder_arch: str = "resnet50"
    encoder_checkpoint: str = ""
    """Stage 1's or 2's encoder (scripts/hindex_pretrain.py, scripts/hindex_adapt.py), a torchvision ResNet state
    dict or FrankMocap's hand-module checkpoint (:mod:`dex_more.visual.checkpoints`); empty: random weights."""
    ema_momentum: float = 0.01
    """m of the EMA BatchNorm (H-InDex tries 0, 0.1, 0.01, 0.001; 0 keeps the encoder's statistics)."""
    hidden_dims: list[int] = [512, 256, 128]


@configclass
class MultiTeacherCfg:
    """:class:`~dex_more.rl.multi_teacher.MultiTeacher`: frozen PPO teachers by object or skill (HOT's distillation)."""

    class_name: str = "dex_more.rl.multi_teacher:MultiTeacher"
    teachers: dict = {}
    """The teacher map: {object name or skill: the teacher's checkpoint ``model_*.pt``}."""
    route_by: str = "object"
    """What the map's keys are: ``object`` (the clip's object) or ``skill``."""
    command_name: str = "motion"
    """The reference-motion command whose per-env clip selects the teacher."""
    distribution_cfg: None = None
    """The teachers act deterministically (their means); Isaac Lab's rsl_rl config handling reads these two fields."""
    stochastic: bool = False


@configclass
class MultiTeacherDistillationCfg(ResumableDistillationAlgorithmCfg):
    """:class:`~dex_more.rl.multi_teacher.MultiTeacherDistillation`: DAgger, each env supervised by its clip's teacher."""

    class_name: str = "dex_more.rl.multi_teacher:MultiTeacherDistillation"
