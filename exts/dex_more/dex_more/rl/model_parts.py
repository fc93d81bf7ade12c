"""Pieces shared by dex_more's RSL-RL models: feature MLPs and the two-input ONNX wrapper."""
from __future__ import annotations

import torch
import torch.nn as nn

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


def as_two_input_onnx(module: nn.Module, second_input: str, obs_dim: int, second_dim: int) -> nn.Module:
    """Give an export module ``forward(obs, <second_input>)`` the attributes rsl_rl's ONNX exporter reads."""
    module.is_recurrent = False
    module.input_names = ["obs", second_input]
    module.output_names = ["actions"]
    module.get_dummy_inputs = lambda: (torch.zeros(1, obs_dim), torch.zeros(1, second_dim))
    return module
