"""Pieces shared by dex_more's RSL-RL models: feature MLPs, the MLP model with an encoded observation group, and the
two-input ONNX wrapper."""
from __future__ import annotations

import torch
import torch.nn as nn
from tensordict import TensorDict

from rsl_rl.models import MLPModel
from rsl_rl.utils import resolve_nn_activation


def mlp(in_dim: int, dims: list[int], activation: str, out_dim: int | None = None) -> nn.Sequential:
    """Linear layers of sizes ``dims``, each followed by ``activation``; then a plain linear ``out_dim`` layer.

    Unlike :class:`rsl_rl.modules.MLP` it may end on an activation (a feature extractor: encoders, experts,
    PointNet) and may have a single layer.
    """
    layers, d = [], in_dim
    for h in dims:
        layers += [nn.Linear(d, h), resolve_nn_activation(activation)]
        d = h
    if out_dim is not None:
        layers.append(nn.Linear(d, out_dim))
    return nn.Sequential(*layers)


class EncodedGroupMLPModel(MLPModel):
    """An :class:`~rsl_rl.models.MLPModel` whose latent is the normalised proprioception (every group of its set but
    one) plus an encoder's feature of that one group (a point cloud, an image): hooks ``_get_obs_dim``,
    ``_get_latent_dim``, ``get_latent``. A subclass sets :attr:`encoded_group` and :attr:`encoded_dim` before the
    base initialiser runs (its hooks read them) and implements :meth:`encode`."""

    encoded_group: str
    encoded_dim: int

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(B, ...) the encoded group -> (B, :attr:`encoded_dim`)."""
        raise NotImplementedError

    def _get_obs_dim(self, obs: TensorDict, obs_groups: dict[str, list[str]], obs_set: str) -> tuple[list[str], int]:
        groups = [g for g in obs_groups[obs_set] if g != self.encoded_group]
        return super()._get_obs_dim(obs, {obs_set: groups}, obs_set)

    def _get_latent_dim(self) -> int:
        return self.obs_dim + self.encoded_dim

    def get_latent(self, obs: TensorDict, masks=None, hidden_state=None) -> torch.Tensor:
        return torch.cat([super().get_latent(obs), self.encode(obs[self.encoded_group])], dim=-1)


def as_two_input_onnx(module: nn.Module, second_input: str, obs_dim: int, second_dim: int) -> nn.Module:
    """Give an export module ``forward(obs, <second_input>)`` the attributes rsl_rl's ONNX exporter reads."""
    module.is_recurrent = False
    module.input_names = ["obs", second_input]
    module.output_names = ["actions"]
    module.get_dummy_inputs = lambda: (torch.zeros(1, obs_dim), torch.zeros(1, second_dim))
    return module
