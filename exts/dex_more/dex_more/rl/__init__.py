"""RSL-RL side of dex_more, plugged in through rsl_rl's ``class_name`` entries (no fork): the Mixture of Residual
Experts, MoE-PPO, the ResDex hyper-policy, the point-cloud student, H-InDex's visual policy, resumable PPO and
distillation, and frozen-checkpoint loading."""

from .hand_informed_visual_policy import HandInformedVisualPolicy  # noqa: F401
from .hyper_policy import HyperPolicy  # noqa: F401
from .mixture_of_residual_experts import MixtureOfResidualExperts  # noqa: F401
from .moe_ppo import MoEPPO  # noqa: F401
from .point_cloud_student import PointCloudStudent  # noqa: F401
from .resumable import ResumableDistillation, ResumablePPO  # noqa: F401
