"""Mixture of Residual Experts (MoRE, the HO-Tracker challenge winner) as an RSL-RL model.

    f = encoder(obs)                      obs: every group of the model's set except ``base_action_group``
    w = softmax(router(f))                over ``num_experts`` sparse experts
    w' = top-k of w, the rest zero        (renormalised over the k only if ``renormalize``)
    x = concat(f, a_base)                 a_base: the frozen base/imitator action (``base_action_group``)
    y = Σ_k w'_k E_k(x) + Σ_s E_shared_s(x)
    out = head(y)                         MLP (``hidden_dims``): the mean of the residual action (or a value)

Sparse experts run only on the samples routed to them. During an update of :class:`MoEPPO` the model
also adds the routing losses to its own gradient (see :meth:`enable_routing_losses`) and keeps the
routing statistics that the algorithm logs.
"""
from __future__ import annotations

import torch
import torch.nn as nn
from tensordict import TensorDict

from rsl_rl.models import MLPModel

from .model_parts import as_two_input_onnx, mlp


class _AddAuxiliaryLoss(torch.autograd.Function):
    """Identity on ``x`` whose backward also back-propagates ``loss`` (with gradient 1): the routing losses
    reach the router through whichever loss the algorithm differentiates, without changing PPO's code."""

    @staticmethod
    def forward(ctx, x, loss):
        ctx.save_for_backward(loss)
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        (loss,) = ctx.saved_tensors
        return grad_output, torch.ones_like(loss)


def load_balance_loss(probs: torch.Tensor, top1: torch.Tensor) -> torch.Tensor:
    """Switch-Transformer load balancing: N · Σ_i f_i · P_i.

    f_i: fraction of samples whose top-1 expert is i (not differentiable); P_i: mean router probability
    of expert i. Equals 1 for a perfectly balanced router; N when one expert takes everything.
    """
    n = probs.shape[-1]
    f = torch.bincount(top1, minlength=n).to(probs.dtype) / max(1, top1.numel())
    return n * (f * probs.mean(0)).sum()


def routing_entropy(probs: torch.Tensor) -> torch.Tensor:
    """Mean over samples of -Σ_k w_k log w_k [nats] (0 for a certain router, log N for a uniform one)."""
    return -(probs * torch.log(probs.clamp_min(1e-12))).sum(-1).mean()


class MixtureOfResidualExperts(MLPModel):
    """See the module docstring. An :class:`~rsl_rl.models.MLPModel` whose latent is the expert mixture ``y``:
    the base initialiser builds the normaliser, the distribution and the action head (``mlp``, hidden sizes
    ``hidden_dims``) and this class adds the encoder, router and experts; ``get_latent`` returns ``y`` and
    ``MLPModel.forward`` does the rest. Constructor arguments follow rsl_rl models."""

    def __init__(
        self,
        obs: TensorDict,
        obs_groups: dict[str, list[str]],
        obs_set: str,
        output_dim: int,
        base_action_group: str = "base_action",
        num_experts: int = 4,
        top_k: int = 1,
        num_shared_experts: int = 1,
        renormalize: bool = False,
        encoder_dims: tuple[int, ...] | list[int] = (512, 256),
        expert_dims: tuple[int, ...] | list[int] = (256, 128),
        router_dims: tuple[int, ...] | list[int] = (128,),
        hidden_dims: tuple[int, ...] | list[int] = (128,),
        activation: str = "elu",
        obs_normalization: bool = False,
        distribution_cfg: dict | None = None,
    ) -> None:
        if not 1 <= top_k <= num_experts:
            raise ValueError(f"top_k must lie in [1, num_experts={num_experts}], got {top_k}")
        if base_action_group not in obs:
            raise ValueError(f"MoRE needs the base action as observation group '{base_action_group}'; "
                             f"the environment provides {list(obs.keys())}")
        # read by the hooks the base initialiser calls
        self.base_action_group = base_action_group
        self._mixture_dim = expert_dims[-1]
        super().__init__(obs, obs_groups, obs_set, output_dim, hidden_dims, activation, obs_normalization,
                         distribution_cfg)
        self.base_dim = obs[base_action_group].shape[-1]
        self.num_experts, self.top_k, self.renormalize = num_experts, top_k, renormalize
        feat = encoder_dims[-1]
        self.encoder = mlp(self.obs_dim, list(encoder_dims), activation)
        self.router = mlp(feat, list(router_dims), activation, num_experts)
        self.experts = nn.ModuleList(mlp(feat + self.base_dim, list(expert_dims), activation) for _ in range(num_experts))
        self.shared_experts = nn.ModuleList(mlp(feat + self.base_dim, list(expert_dims), activation)
                                            for _ in range(num_shared_experts))
        self._routing_coefs: tuple[float, float] | None = None
        self._stats: dict[str, torch.Tensor] = {}
        self.last_probs: torch.Tensor | None = None
        self.last_top_idx: torch.Tensor | None = None

    # ------------------------------------------------------------------ MLPModel hooks
    def _get_obs_dim(self, obs: TensorDict, obs_groups: dict[str, list[str]], obs_set: str) -> tuple[list[str], int]:
        """The encoder's groups: every group of the set but the base action (which goes to the experts)."""
        groups = [g for g in obs_groups[obs_set] if g != self.base_action_group]
        return super()._get_obs_dim(obs, {obs_set: groups}, obs_set)

    def _get_latent_dim(self) -> int:
        return self._mixture_dim

    def get_latent(self, obs: TensorDict, masks=None, hidden_state=None) -> torch.Tensor:
        """The expert mixture y (B, expert_dims[-1]) of the normalised observation and the base action."""
        return self.mixture(super().get_latent(obs), obs[self.base_action_group])

    # ------------------------------------------------------------------ forward
    def mixture(self, latent: torch.Tensor, base_action: torch.Tensor) -> torch.Tensor:
        """The head input y (B, hidden) for normalised inputs ``latent`` and the base action."""
        f = self.encoder(latent)
        probs = torch.softmax(self.router(f), dim=-1)
        top_w, top_idx = probs.topk(self.top_k, dim=-1)
        if self.renormalize:
            top_w = top_w / top_w.sum(-1, keepdim=True)
        x = torch.cat([f, base_action], dim=-1)
        y = sum(e(x) for e in self.shared_experts)
        for k, expert in enumerate(self.experts):
            hit = top_idx == k  # (B, top_k)
            rows = hit.any(-1).nonzero(as_tuple=True)[0]
            if rows.numel() == 0:
                continue
            weight = (top_w * hit).sum(-1)[rows, None]
            y = y.index_add(0, rows, weight * expert(x[rows]))
        self.last_probs, self.last_top_idx = probs.detach(), top_idx  # for diagnostics (expert id per step)
        if self._routing_coefs is not None and torch.is_grad_enabled():
            lb = load_balance_loss(probs, top_idx[:, 0])
            ent = routing_entropy(probs)
            y = _AddAuxiliaryLoss.apply(y, self._routing_coefs[0] * lb + self._routing_coefs[1] * ent)
            self._accumulate(probs, top_idx[:, 0], lb, ent)
        return y

    # ------------------------------------------------------------------ routing losses and statistics
    def enable_routing_losses(self, load_balance_coef: float, entropy_coef: float) -> None:
        """From now on, forward passes with gradients add ``load_balance_coef · L_lb + entropy_coef · H``."""
        self._routing_coefs = (float(load_balance_coef), float(entropy_coef))
        self._stats = {}

    def disable_routing_losses(self) -> dict[str, float]:
        """Stop adding the losses; return the means over the passes since :meth:`enable_routing_losses`."""
        self._routing_coefs = None
        n = float(self._stats.pop("count", torch.tensor(0.0)))
        out = {k: float(v) / max(n, 1.0) for k, v in self._stats.items() if k != "load"}
        if "load" in self._stats:
            for i, frac in enumerate((self._stats["load"] / max(n, 1.0)).tolist()):
                out[f"moe_load_expert_{i}"] = frac
        self._stats = {}
        return out

    def _accumulate(self, probs, top1, lb, ent):
        with torch.no_grad():
            load = torch.bincount(top1, minlength=self.num_experts).to(probs.dtype) / max(1, top1.numel())
            new = {"moe_load_balance": lb.detach(), "moe_router_entropy": ent.detach(),
                   "moe_top1_weight": probs.max(-1).values.mean(), "load": load, "count": torch.tensor(1.0)}
            for k, v in new.items():
                self._stats[k] = self._stats.get(k, 0.0) + v

    # ------------------------------------------------------------------ export
    def as_jit(self) -> nn.Module:
        return _ExportableMoRE(self)

    def as_onnx(self, verbose: bool) -> nn.Module:
        return as_two_input_onnx(_ExportableMoRE(self), "base_action", self.obs_dim, self.base_dim)


class _ExportableMoRE(nn.Module):
    """Deterministic MoRE for TorchScript/ONNX: forward(obs, base_action) with the groups concatenated.

    Dense over the experts (export graphs need static shapes): the top-k mask keeps the result equal to
    the sparse model's.
    """

    def __init__(self, model: MixtureOfResidualExperts):
        super().__init__()
        import copy

        m = copy.deepcopy(model).cpu()
        self.normalizer = m.obs_normalizer
        self.encoder, self.router, self.head = m.encoder, m.router, m.mlp
        self.experts, self.shared_experts = m.experts, m.shared_experts
        self.top_k, self.renormalize = m.top_k, m.renormalize
        self.base_dim, self.mixture_dim = m.base_dim, m._mixture_dim
        self.deterministic_output = (m.distribution.as_deterministic_output_module() if m.distribution is not None
                                     else nn.Identity())

    def forward(self, obs: torch.Tensor, base_action: torch.Tensor) -> torch.Tensor:
        f = self.encoder(self.normalizer(obs))
        probs = torch.softmax(self.router(f), dim=-1)
        top_w, top_idx = probs.topk(self.top_k, dim=-1)
        if self.renormalize:
            top_w = top_w / top_w.sum(-1, keepdim=True)
        weights = torch.zeros_like(probs).scatter(-1, top_idx, top_w)
        x = torch.cat([f, base_action], dim=-1)
        y = torch.zeros(x.shape[0], self.mixture_dim, dtype=x.dtype)
        for s in self.shared_experts:
            y = y + s(x)
        for k, e in enumerate(self.experts):
            y = y + weights[:, k:k + 1] * e(x)
        return self.deterministic_output(self.head(y))
