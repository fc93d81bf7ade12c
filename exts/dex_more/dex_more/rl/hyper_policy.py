"""ResDex hyper-policy as an RSL-RL model: weights over k frozen base policies plus a residual.

    h = trunk(obs)                               the MLP's hidden layers (``hidden_dims``)
    λ = weights(weight_head(h))                  softmax (default) or |l| / Σ|l| ("abs_normalized", the paper)
    a = a_R(h) + Σ_i λ_i a_i^B / Σ_i λ_i         a_R: the MLP's output layer; a_i^B: base policy i, deterministic,
                                                 on ``base_obs_group``

``residual=False`` is ResDex's MoE-only ablation (Table 3): a = Σ_i λ_i a_i^B / Σ_i λ_i, the output layer's action
part unused (it still carries the distribution's parameters, e.g. a learned std).

The bases are loaded from their training checkpoints (:func:`dex_more.rl.checkpoints.load_frozen_actor`),
kept frozen and evaluated without gradients; only the hyper network learns. ``last_weights`` holds the
λ of the latest forward pass (for logs and plots).
"""
from __future__ import annotations

import copy

import torch
import torch.nn as nn
from tensordict import TensorDict

from rsl_rl.models import MLPModel
from rsl_rl.utils import unpad_trajectories

from .checkpoints import load_frozen_actor
from .model_parts import as_two_input_onnx


def mixing_weights(logits: torch.Tensor, softmax: bool) -> torch.Tensor:
    """λ from the hyper network's logits: softmax, or |l| / Σ|l| (ResDex)."""
    if softmax:
        return torch.softmax(logits, dim=-1)
    a = logits.abs()
    return a / a.sum(-1, keepdim=True).clamp_min(1e-8)


class HyperPolicy(MLPModel):
    """An :class:`~rsl_rl.models.MLPModel` (the residual, through the base initialiser) with a second head on the
    MLP's last hidden layer for λ, and the frozen bases."""

    def __init__(
        self,
        obs: TensorDict,
        obs_groups: dict[str, list[str]],
        obs_set: str,
        output_dim: int,
        base_checkpoints: list[str] | tuple[str, ...] = (),
        base_obs_group: str = "base",
        weight_mode: str = "softmax",
        residual: bool = True,
        hidden_dims: tuple[int, ...] | list[int] = (1024, 1024, 512, 512),
        activation: str = "elu",
        obs_normalization: bool = False,
        distribution_cfg: dict | None = None,
    ) -> None:
        if not base_checkpoints:
            raise ValueError("HyperPolicy needs base_checkpoints: the frozen base policies it mixes")
        if weight_mode not in ("softmax", "abs_normalized"):
            raise ValueError(f"weight_mode must be 'softmax' or 'abs_normalized', not '{weight_mode}'")
        if base_obs_group not in obs:
            raise ValueError(f"the base policies' observation group '{base_obs_group}' is not among {list(obs.keys())}")
        super().__init__(obs, obs_groups, obs_set, output_dim, hidden_dims, activation, obs_normalization,
                         distribution_cfg)
        self.base_obs_group, self.weight_mode, self.residual = base_obs_group, weight_mode, residual
        device = obs[base_obs_group].device
        self.bases = nn.ModuleList(load_frozen_actor(c, obs[base_obs_group], output_dim, device) for c in base_checkpoints)
        self.num_bases = len(self.bases)
        self.output_dim = output_dim
        self.weight_head = nn.Linear(hidden_dims[-1], self.num_bases)
        self.last_weights: torch.Tensor | None = None

    def trunk(self, latent: torch.Tensor) -> torch.Tensor:
        """The MLP's last hidden features h (shared by the residual and the weight head)."""
        for layer in list(self.mlp)[:-1]:
            latent = layer(latent)
        return latent

    def base_actions(self, obs: TensorDict) -> torch.Tensor:
        """(B, k, A): every base policy's deterministic action; no gradient ever reaches them."""
        x = obs[self.base_obs_group]
        with torch.no_grad():
            return torch.stack([b(TensorDict({"policy": x}, batch_size=[x.shape[0]])) for b in self.bases], dim=1)

    def forward(self, obs: TensorDict, masks=None, hidden_state=None, stochastic_output: bool = False) -> torch.Tensor:
        obs = unpad_trajectories(obs, masks) if masks is not None else obs
        h = self.trunk(self.get_latent(obs))
        lam = mixing_weights(self.weight_head(h), self.weight_mode == "softmax")
        self.last_weights = lam.detach()
        mix = (lam[..., None] * self.base_actions(obs)).sum(1) / lam.sum(-1, keepdim=True)
        out = self.mlp[-1](h)
        # the action (the distribution's mean) is the mixed base action plus the residual head's output
        action = out[..., :self.output_dim] + mix if self.residual else mix
        out = torch.cat([action, out[..., self.output_dim:]], dim=-1)
        if self.distribution is not None:
            if stochastic_output:
                self.distribution.update(out)
                return self.distribution.sample()
            return self.distribution.deterministic_output(out)
        return out

    # ------------------------------------------------------------------ export
    def as_jit(self) -> nn.Module:
        return _ExportableHyperPolicy(self)

    def as_onnx(self, verbose: bool) -> nn.Module:
        module = _ExportableHyperPolicy(self)
        return as_two_input_onnx(module, "base_obs", self.obs_dim, module.base_obs_dim)


class _ExportableHyperPolicy(nn.Module):
    """Deterministic hyper-policy for TorchScript/ONNX: forward(obs, base_obs), obs = its groups concatenated."""

    def __init__(self, model: HyperPolicy):
        super().__init__()
        m = copy.deepcopy(model).cpu()
        self.normalizer, self.weight_head = m.obs_normalizer, m.weight_head
        self.trunk = nn.Sequential(*list(m.mlp)[:-1])
        self.residual = m.mlp[-1]
        self.bases = nn.ModuleList(b.as_jit() for b in m.bases)
        self.output_dim = m.output_dim
        self.residual_on = m.residual
        self.softmax = m.weight_mode == "softmax"
        self.base_obs_dim = m.bases[0].obs_dim

    def forward(self, obs: torch.Tensor, base_obs: torch.Tensor) -> torch.Tensor:
        h = self.trunk(self.normalizer(obs))
        lam = mixing_weights(self.weight_head(h), self.softmax)
        actions = torch.stack([b(base_obs) for b in self.bases], dim=1)
        mix = (lam.unsqueeze(-1) * actions).sum(1) / lam.sum(-1, keepdim=True)
        if not self.residual_on:
            return mix
        return self.residual(h)[:, :self.output_dim] + mix
