"""H-InDex's stage 2 (seed 001 §4, after Jakab et al. 2018): adapt a pre-trained encoder to the task's own frames by
fine-tuning only its BatchNorm affine parameters (γ, β) with a self-supervised keypoint objective.

For a target frame I_t and a source frame I_s of the same episode (same scene, another moment):

    Φ(I) = the encoder's map after ``stages`` residual stages
    heatmaps = K(Φ(I_t))  →  K keypoints (spatial softmax: expected x, y in [-1, 1])  →  Gaussian maps g_t
    appearance = F(Φ(I_s))
    Î_t = G(concat(g_t, upsample(appearance)))         reconstruct the target
    L = ‖Î_t − I_t‖²                                   (pixel loss: the perceptual loss needs VGG weights that
                                                        cannot be downloaded here)

The keypoints must carry everything that changed between the frames (where the hand and object moved), the
appearance what did not. K, F and G are trained with γ, β and dropped afterwards; every other encoder weight and the
BatchNorm running statistics stay bit-identical (the encoder runs in evaluation mode: BatchNorm uses, and does not
update, its statistics).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from .resnet import ImageNormalisation, ResNet


def bn_affine_parameters(resnet: nn.Module) -> list[nn.Parameter]:
    """γ and β of every BatchNorm layer of ``resnet``."""
    return [p for m in resnet.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)
            for p in (m.weight, m.bias) if p is not None]


def bn_affine_fraction(resnet: nn.Module) -> float:
    """Share of ``resnet``'s parameters that are BatchNorm γ and β (H-InDex: 0.18 % of its model)."""
    return sum(p.numel() for p in bn_affine_parameters(resnet)) / sum(p.numel() for p in resnet.parameters())


@dataclass
class KeypointAdaptationCfg:
    num_keypoints: int = 16
    stages: int = 3
    """Encoder stages before the keypoint and appearance heads (3: stride 16; the last stage is too coarse at 84 px)."""
    appearance_channels: int = 64
    gaussian_std: float = 0.1
    """Width of a keypoint's Gaussian map, in the [-1, 1] image coordinates."""
    learning_rate: float = 1e-3
    batch_size: int = 16


def spatial_softmax(heatmaps: torch.Tensor) -> torch.Tensor:
    """(B, K, h, w) -> (B, K, 2) expected (x, y) in [-1, 1] under each map's softmax."""
    b, k, h, w = heatmaps.shape
    p = heatmaps.flatten(2).softmax(-1).view(b, k, h, w)
    ys = torch.linspace(-1.0, 1.0, h, device=heatmaps.device)
    xs = torch.linspace(-1.0, 1.0, w, device=heatmaps.device)
    return torch.stack([(p.sum(2) * xs).sum(-1), (p.sum(3) * ys).sum(-1)], dim=-1)


def gaussian_maps(keypoints: torch.Tensor, h: int, w: int, std: float) -> torch.Tensor:
    """(B, K, 2) keypoints in [-1, 1] -> (B, K, h, w) isotropic Gaussians of standard deviation ``std``."""
    ys = torch.linspace(-1.0, 1.0, h, device=keypoints.device).view(1, 1, h, 1)
    xs = torch.linspace(-1.0, 1.0, w, device=keypoints.device).view(1, 1, 1, w)
    dx, dy = xs - keypoints[..., 0, None, None], ys - keypoints[..., 1, None, None]
    return torch.exp(-(dx**2 + dy**2) / (2 * std**2))


class KeypointReconstruction(nn.Module):
    """The encoder Φ plus the heads K (keypoints), F (appearance) and G (decoder) of the module docstring."""

    def __init__(self, resnet: ResNet, cfg: KeypointAdaptationCfg):
        super().__init__()
        self.resnet, self.cfg = resnet, cfg
        self.normalise = ImageNormalisation()
        c = resnet.stage_channels(cfg.stages)
        self.keypoint_head = nn.Conv2d(c, cfg.num_keypoints, 1)
        self.appearance_head = nn.Sequential(nn.Conv2d(c, cfg.appearance_channels, 1), nn.ReLU())
        d = cfg.num_keypoints + cfg.appearance_channels
        up = lambda cin, cout: [nn.Upsample(scale_factor=2, mode="bilinear"),  # noqa: E731
                                nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU()]
        self.decoder = nn.Sequential(nn.Conv2d(d, 128, 3, padding=1), nn.ReLU(), *up(128, 64), *up(64, 32),
                                     nn.Conv2d(32, 3, 3, padding=1))

    def keypoints(self, images: torch.Tensor) -> torch.Tensor:
        """(B, H, W, 3) in [0, 1] -> (B, K, 2) keypoints in [-1, 1]."""
        return spatial_softmax(self.keypoint_head(self.resnet.features(self.normalise(images), self.cfg.stages)))

    def forward(self, target: torch.Tensor, source: torch.Tensor) -> torch.Tensor:
        """Reconstruct ``target`` (B, H, W, 3) from its keypoints and ``source``'s appearance: (B, H, W, 3)."""
        h, w = target.shape[1:3]
        appearance = self.appearance_head(self.resnet.features(self.normalise(source), self.cfg.stages))
        gh, gw = appearance.shape[-2:]
        g = gaussian_maps(self.keypoints(target), gh, gw, self.cfg.gaussian_std)
        out = self.decoder(torch.cat([g, appearance], dim=1))
        return torch.sigmoid(F.interpolate(out, size=(h, w), mode="bilinear")).permute(0, 2, 3, 1)


class BatchNormAffineAdapter:
    """Trains :class:`KeypointReconstruction` on frame pairs with only the encoder's γ, β (and the heads) free."""

    def __init__(self, resnet: ResNet, cfg: KeypointAdaptationCfg | None = None, seed: int = 0):
        self.cfg = cfg or KeypointAdaptationCfg()
        torch.manual_seed(seed)
        self.model = KeypointReconstruction(resnet, self.cfg)
        resnet.requires_grad_(False)
        for p in bn_affine_parameters(resnet):
            p.requires_grad_(True)
        heads = [p for n, p in self.model.named_parameters() if not n.startswith("resnet.")]
        self.optimizer = torch.optim.Adam(bn_affine_parameters(resnet) + heads, lr=self.cfg.learning_rate)
        self.generator = torch.Generator().manual_seed(seed)

    def sample_pairs(self, videos: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """A batch of (target, source) frames from ``videos`` (V, T, H, W, 3) uint8: same video, two moments."""
        v, t = videos.shape[:2]
        n = self.cfg.batch_size
        vid = torch.randint(0, v, (n,), generator=self.generator)
        a, b = torch.randint(0, t, (n,), generator=self.generator), torch.randint(0, t, (n,), generator=self.generator)
        return videos[vid, a].float() / 255.0, videos[vid, b].float() / 255.0

    def step(self, videos: torch.Tensor) -> float:
        """One Adam step on a batch of pairs; returns the reconstruction loss (mean squared pixel error, [0, 1]²)."""
        target, source = self.sample_pairs(videos)
        self.model.train()
        self.model.resnet.eval()  # BatchNorm normalises with (and keeps) its running statistics
        loss = F.mse_loss(self.model(target, source), target)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, videos: torch.Tensor, batches: int = 4, seed: int = 1) -> float:
        """Mean reconstruction loss over ``batches`` fixed batches (same seed: same pairs)."""
        saved, self.generator = self.generator, torch.Generator().manual_seed(seed)
        self.model.eval()
        try:
            return sum(float(F.mse_loss(self.model(t, s), t)) for t, s in
                       (self.sample_pairs(videos) for _ in range(batches))) / batches
        finally:
            self.generator = saved


def changed_fraction(before: dict[str, torch.Tensor], resnet: nn.Module) -> float:
    """Share of ``resnet``'s parameters (weights, not statistics) whose values differ from ``before`` (a state dict
    copied earlier), counted element by element."""
    changed = total = 0
    for name, p in resnet.named_parameters():
        changed += int((p.detach() != before[name]).sum())
        total += p.numel()
    return changed / total
