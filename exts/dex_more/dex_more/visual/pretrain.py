"""H-InDex's stage 1, made here: a ResNet regresses the 21 root-relative 3D hand keypoints of rendered hand images
(:mod:`.hand_pose_data`) — the task FrankMocap's hand module was trained on; its trunk becomes the policy's encoder.

Loss: mean squared error [cm²] over the keypoints the hand maps (its ``mask``). Reported: MPJPE, the mean per-joint
position error [mm], on a held-out share of the images.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from .resnet import ImageNormalisation, ResNet

NUM_KEYPOINTS = 21


@dataclass
class HandPoseDataset:
    """Images (N, H, W, 3) uint8, keypoints (N, 21, 3) [m] and masks (N, 21) bool (which keypoints count)."""

    images: np.ndarray
    keypoints: np.ndarray
    masks: np.ndarray

    def __post_init__(self):
        n = len(self.images)
        if self.images.ndim != 4 or self.images.shape[-1] != 3 or self.images.dtype != np.uint8:
            raise ValueError(f"images: {self.images.shape} {self.images.dtype}; expected (N, H, W, 3) uint8")
        if self.keypoints.shape != (n, NUM_KEYPOINTS, 3):
            raise ValueError(f"keypoints: {self.keypoints.shape}; expected ({n}, {NUM_KEYPOINTS}, 3)")
        if self.masks.shape != (n, NUM_KEYPOINTS):
            raise ValueError(f"masks: {self.masks.shape}; expected ({n}, {NUM_KEYPOINTS})")

    def __len__(self) -> int:
        return len(self.images)

    @classmethod
    def concatenate(cls, parts: list[HandPoseDataset]) -> HandPoseDataset:
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("images", "keypoints", "masks")))


@dataclass
class PretrainResult:
    resnet: ResNet
    train_loss: list[float] = field(default_factory=list)
    """Per epoch: mean training loss [cm²]."""
    val_mpjpe_mm: list[float] = field(default_factory=list)
    """Per epoch: held-out MPJPE [mm]."""


class HandPoseRegressor(torch.nn.Module):
    """(B, H, W, 3) RGB in [0, 1] -> (B, 21, 3) keypoints [m]: normalisation, the ResNet, its ``fc`` head."""

    def __init__(self, arch: str):
        super().__init__()
        self.normalise = ImageNormalisation()
        self.resnet = ResNet(arch, num_outputs=NUM_KEYPOINTS * 3)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.resnet(self.normalise(images)).view(-1, NUM_KEYPOINTS, 3) / 100.0  # the head predicts cm


def mpjpe_mm(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> float:
    """Mean per-joint position error [mm] over the masked keypoints."""
    err = (pred - target).norm(dim=-1)
    return float((err * mask).sum() / mask.sum().clamp_min(1)) * 1000.0


def pretrain_hand_pose(data: HandPoseDataset, arch: str = "resnet50", epochs: int = 20, batch_size: int = 64,
                       learning_rate: float = 1e-3, val_fraction: float = 0.1, seed: int = 0,
                       log=print) -> PretrainResult:
    """Train :class:`HandPoseRegressor` on ``data`` (Adam; a fixed held-out split); returns the ResNet (with the
    keypoint head as ``fc``) and its curves."""
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    n = len(data)
    order = torch.randperm(n, generator=g)
    n_val = max(1, int(round(val_fraction * n)))
    val, train = order[:n_val], order[n_val:]
    images = torch.as_tensor(data.images)
    keypoints = torch.as_tensor(data.keypoints, dtype=torch.float32)
    masks = torch.as_tensor(data.masks, dtype=torch.float32)
    model = HandPoseRegressor(arch)
    opt = torch.optim.Adam(model.parameters(), lr=learning_rate)
    result = PretrainResult(model.resnet)
    for epoch in range(epochs):
        model.train()
        perm = train[torch.randperm(len(train), generator=g)]
        total = 0.0
        for k in range(0, len(perm), batch_size):
            ids = perm[k:k + batch_size]
            if len(ids) < 2:  # BatchNorm needs two samples
                continue
            pred = model(images[ids].float() / 255.0)
            se = ((pred - keypoints[ids]) * 100.0).pow(2).sum(-1)  # cm²
            loss = (se * masks[ids]).sum() / masks[ids].sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(ids)
        model.eval()
        with torch.no_grad():
            pred = torch.cat([model(images[val[k:k + batch_size]].float() / 255.0)
                              for k in range(0, len(val), batch_size)])
        result.train_loss.append(total / len(train))
        result.val_mpjpe_mm.append(mpjpe_mm(pred, keypoints[val], masks[val]))
        log(f"[pretrain] epoch {epoch + 1}/{epochs}: train loss {result.train_loss[-1]:.2f} cm², held-out MPJPE "
            f"{result.val_mpjpe_mm[-1]:.1f} mm")
    return result
