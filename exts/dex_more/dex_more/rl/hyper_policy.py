"""ResDex hyper-policy as an RSL-RL model: weights over k frozen base policies plus a residual.

    λ = weights(hyper(obs))                      softmax (default) or |l| / Σ|l| ("abs_normalized", the paper)
    a = a_R + Σ_i λ_i a_i^B / Σ_i λ_i            a_i^B: base policy i, deterministic, on ``base_obs_group``

The bases are loaded from their training checkpoints (:func:`dex_more.rl.checkpoints.load_frozen_actor`),
kept frozen and evaluated without gradients; only the hyper network learns. ``last_weights`` holds the
λ of the latest forward pass (for logs and plots).
"""
from __future__ import annotations

import torch
import torch.nn as nn
from tensordict import TensorDict

from rsl_rl.models import MLPModel

from .checkpoints import load_frozen_actor
from .model_parts import as_two_input_onnx, make_distribution, make_normalizer, mlp


class HyperPolicy(MLPModel):
    def __init__(
        self,
        obs: TensorDict,
        obs_groups: dict[str, list[str]],
        obs_set: str,
        output_dim: int,
        base_checkpoints: list[str] | tuple[str, ...] = (),
        base_obs_group: str = "base",
        weight_mode: str = "softmax",
        hidden_dims: tuple[int, ...] | list[int] = (1024, 1024, 512, 512),
        activation: str = "elu",
        obs_normalization: bool = False,
        distribution_cfg: dict | None = None,
    ) -> None:
        nn.Module.__init__(self)
        if not base_checkpoints:
            raise ValueError("HyperPolicy needs base_checkpoints: the frozen base policies it mixes")
        if weight_mode not in ("softmax", "abs_normalized"):
            raise ValueError(f"weight_mode must be 'softmax' or 'abs_normalized', not '{weight_mode}'")
        if base_obs_group not in obs:
            raise ValueError(f"the base policies' observation group '{base_obs_group}' is not among {list(obs.keys())}")
        self.obs_groups = list(obs_groups[obs_set])
        self.obs_dim = sum(obs[g].shape[-1] for g in self.obs_groups)
        self.base_obs_group, self.weight_mode = base_obs_group, weight_mode
        self.obs_normalization = obs_normalization
        self.obs_normalizer = make_normalizer(obs_normalization, self.obs_dim)
        device = obs[base_obs_group].device
        self.bases = nn.ModuleList(load_frozen_actor(c, obs[base_obs_group], output_dim, device) for c in base_checkpoints)
        self.num_bases = len(self.bases)
        self.distribution, act_dim = make_distribution(distribution_cfg, output_dim)
        self.output_dim = output_dim
        self.mlp = mlp(self.obs_dim, list(hidden_dims), activation, self.num_bases + act_dim)
        if self.distribution is not None:
            self.distribution.init_mlp_weights(self.mlp)
        self.last_weights: torch.Tensor | None = None

    def base_actions(self, obs: TensorDict) -> torch.Tensor:
        """(B, k, A): every base policy's deterministic action; no gradient ever reaches them."""
        x = obs[self.base_obs_group]
        with torch.no_grad():
            return torch.stack([b(TensorDict({"policy": x}, batch_size=[x.shape[0]])) for b in self.bases], dim=1)

    def weights(self, logits: torch.Tensor) -> torch.Tensor:
        if self.weight_mode == "softmax":
            return torch.softmax(logits, dim=-1)
        a = logits.abs()
        return a / a.sum(-1, keepdim=True).clamp_min(1e-8)

    def forward(self, obs: TensorDict, masks=None, hidden_state=None, stochastic_output: bool = False) -> torch.Tensor:
        out = self.mlp(self.get_latent(obs))
        lam = self.weights(out[..., :self.num_bases])
        self.last_weights = lam.detach()
        mix = (lam[..., None] * self.base_actions(obs)).sum(1) / lam.sum(-1, keepdim=True)
        residual = out[..., self.num_bases:]
        if self.distribution is not None:
            # the distribution's mean is the mixed action plus the residual head's output
            mean_in = residual.clone()
            mean_in[..., :self.output_dim] = residual[..., :self.output_dim] + mix
            if stochastic_output:
                self.distribution.update(mean_in)
                return self.distribution.sample()
            return self.distribution.deterministic_output(mean_in)
        return residual + mix

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
        import copy

        m = copy.deepcopy(model).cpu()
        self.normalizer, self.mlp = m.obs_normalizer, m.mlp
        self.bases = nn.ModuleList(b.as_jit() for b in m.bases)
        self.num_bases, self.output_dim = m.num_bases, m.output_dim
        self.softmax = m.weight_mode == "softmax"
        self.base_obs_dim = m.bases[0].obs_dim

    def forward(self, obs: torch.Tensor, base_obs: torch.Tensor) -> torch.Tensor:
        out = self.mlp(self.normalizer(obs))
        logits = out[:, :self.num_bases]
        if self.softmax:
            lam = torch.softmax(logits, dim=-1)
        else:
            lam = logits.abs() / logits.abs().sum(-1, keepdim=True).clamp_min(1e-8)
        actions = torch.stack([b(base_obs) for b in self.bases], dim=1)
        mix = (lam.unsqueeze(-1) * actions).sum(1) / lam.sum(-1, keepdim=True)
        return out[:, self.num_bases:self.num_bases + self.output_dim] + mix
