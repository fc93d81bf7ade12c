"""H-InDex's stage 3 policy (seed 001 §4): a frozen hand-informed image encoder, its BatchNorm statistics updated by
an exponential moving average while the policy collects experience, and an MLP head trained by PPO.

    f = pool(ResNet(normalise(image)))            the encoder: conv weights and BN affine frozen, BN statistics EMA
    a = MLP(concat(normalise(proprio), f))        proprio: every other observation group of the set

The image group is (B, H, W, 3) RGB in [0, 1] (Isaac Lab's camera term) and is normalised with ImageNet's mean and
standard deviation, as the pre-training saw it. The statistics move only in rollouts (training mode, no gradient:
rsl_rl collects under ``torch.inference_mode``), never in the PPO update passes over the same observations, nor in
play/evaluation (evaluation mode).
"""
from __future__ import annotations

import copy

import torch
import torch.nn as nn
from tensordict import TensorDict

from dex_more.visual.checkpoints import load_encoder
from dex_more.visual.ema_batchnorm import convert_to_ema_batchnorm, set_collecting
from dex_more.visual.resnet import ImageNormalisation, ResNet, stage_channels

from .model_parts import EncodedGroupMLPModel, as_two_input_onnx


class ImageEncoder(nn.Module):
    """(B, H, W, 3) RGB in [0, 1] -> (B, feature_dim): ImageNet normalisation, then the ResNet's pooled feature."""

    def __init__(self, arch: str, checkpoint: str, ema_momentum: float):
        super().__init__()
        self.normalise = ImageNormalisation()
        self.resnet = ResNet(arch)
        if checkpoint:
            load_encoder(self.resnet, checkpoint)
        convert_to_ema_batchnorm(self.resnet, ema_momentum)
        self.resnet.requires_grad_(False)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():  # frozen: no graph through the ResNet, in rollouts and updates alike
            return self.resnet(self.normalise(image))


class HandInformedVisualPolicy(EncodedGroupMLPModel):
    """An MLP over the normalised proprioception plus the frozen encoder's feature of the image group."""

    def __init__(
        self,
        obs: TensorDict,
        obs_groups: dict[str, list[str]],
        obs_set: str,
        output_dim: int,
        image_group: str = "image",
        encoder_arch: str = "resnet50",
        encoder_checkpoint: str = "",
        ema_momentum: float = 0.01,
        hidden_dims: tuple[int, ...] | list[int] = (512, 256, 128),
        activation: str = "elu",
        obs_normalization: bool = False,
        distribution_cfg: dict | None = None,
    ) -> None:
        groups = list(obs_groups[obs_set])
        if image_group not in groups:
            raise ValueError(f"the observation set '{obs_set}' ({groups}) lacks the image group '{image_group}'")
        shape = tuple(obs[image_group].shape[1:])
        if len(shape) != 3 or shape[-1] != 3:
            raise ValueError(f"'{image_group}' has shape {shape} per env; expected (H, W, 3) RGB")
        # read by the hooks the base initialiser calls
        self.image_group = self.encoded_group = image_group
        self.image_shape = shape
        self.encoded_dim = stage_channels(encoder_arch)
        super().__init__(obs, obs_groups, obs_set, output_dim, hidden_dims, activation, obs_normalization,
                         distribution_cfg)
        self.encoder = ImageEncoder(encoder_arch, encoder_checkpoint, ema_momentum)

    def encode(self, image: torch.Tensor) -> torch.Tensor:
        set_collecting(self.encoder, self.training and not torch.is_grad_enabled())
        return self.encoder(image)

    # ------------------------------------------------------------------ export
    def as_jit(self) -> nn.Module:
        return _ExportableVisualPolicy(self)

    def as_onnx(self, verbose: bool) -> nn.Module:
        h, w, c = self.image_shape
        return as_two_input_onnx(_ExportableVisualPolicy(self), "image", self.obs_dim, h * w * c)


class _ExportableVisualPolicy(nn.Module):
    """Deterministic policy for TorchScript/ONNX: forward(obs, image), obs = its groups concatenated, image
    (B, H, W, 3) or flattened (B, H·W·3); the BatchNorm statistics frozen as trained."""

    def __init__(self, model: HandInformedVisualPolicy):
        super().__init__()
        m = copy.deepcopy(model).cpu().eval()
        set_collecting(m.encoder, False)
        self.normalizer, self.encoder, self.mlp = m.obs_normalizer, m.encoder, m.mlp
        self.image_shape = list(m.image_shape)
        self.deterministic_output = (m.distribution.as_deterministic_output_module() if m.distribution is not None
                                     else nn.Identity())

    def forward(self, obs: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        f = self.encoder(image.reshape([image.shape[0]] + self.image_shape))
        return self.deterministic_output(self.mlp(torch.cat([self.normalizer(obs), f], dim=-1)))
