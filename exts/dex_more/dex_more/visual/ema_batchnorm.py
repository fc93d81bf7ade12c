"""H-InDex's stage 3 BatchNorm (seed 001 §4, Eq. 4–5): the encoder's BatchNorm layers normalise with their running
statistics (as in evaluation), and while the policy collects experience they move those statistics towards the
current observations by an exponential moving average of momentum ``m``:

    μ ← (1 − m) · μ + m · E[x]          σ² ← (1 − m) · σ² + m · Var[x]      (per channel, over batch and pixels)

m = 0 leaves the statistics as pre-training (and stage 2) left them; the paper tries m ∈ {0, 0.1, 0.01, 0.001}.
Unlike :class:`torch.nn.BatchNorm2d` in training mode, the output never uses the batch's own statistics, so an
env's features do not depend on what the other envs see.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


class EMABatchNorm2d(nn.BatchNorm2d):
    """A :class:`~torch.nn.BatchNorm2d` that normalises with its running statistics and, while :attr:`collecting`,
    updates them by the EMA of the module docstring (the unbiased batch variance, as PyTorch's BatchNorm keeps)."""

    def __init__(self, num_features: int, ema_momentum: float = 0.0, eps: float = 1e-5):
        super().__init__(num_features, eps=eps)
        if not 0.0 <= ema_momentum <= 1.0:
            raise ValueError(f"EMA BatchNorm momentum {ema_momentum}: expected a value in [0, 1]")
        self.ema_momentum = ema_momentum
        self.collecting = False
        """Update the statistics on the next forward passes (set by the policy around its rollouts)."""

    @classmethod
    def from_batchnorm(cls, bn: nn.BatchNorm2d, ema_momentum: float) -> EMABatchNorm2d:
        """The same layer (affine parameters and statistics copied) with EMA updates."""
        ema = cls(bn.num_features, ema_momentum, bn.eps).to(bn.weight.device)
        ema.load_state_dict(bn.state_dict())
        return ema

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.collecting and self.ema_momentum > 0.0 and x.shape[0] * x.shape[2] * x.shape[3] > 1:
            with torch.no_grad():
                m = self.ema_momentum
                self.running_mean.mul_(1.0 - m).add_(m * x.mean(dim=(0, 2, 3)))
                self.running_var.mul_(1.0 - m).add_(m * x.var(dim=(0, 2, 3), unbiased=True))
                self.num_batches_tracked.add_(1)
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)


def convert_to_ema_batchnorm(module: nn.Module, ema_momentum: float) -> nn.Module:
    """Replace every :class:`~torch.nn.BatchNorm2d` of ``module`` (in place) by an :class:`EMABatchNorm2d` with the
    same parameters and statistics; returns ``module``."""
    for name, child in module.named_children():
        if isinstance(child, nn.BatchNorm2d) and not isinstance(child, EMABatchNorm2d):
            setattr(module, name, EMABatchNorm2d.from_batchnorm(child, ema_momentum))
        else:
            convert_to_ema_batchnorm(child, ema_momentum)
    return module


def set_collecting(module: nn.Module, collecting: bool) -> None:
    """Switch the EMA updates of every :class:`EMABatchNorm2d` in ``module`` on or off."""
    for m in module.modules():
        if isinstance(m, EMABatchNorm2d):
            m.collecting = collecting
