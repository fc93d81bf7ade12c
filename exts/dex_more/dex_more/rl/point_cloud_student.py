"""A student policy for DAgger distillation from point clouds (ResDex's vision student, HOT's distillation).

    g = max over points of PointNet(p_j)          p_j ∈ R³: the object's surface points, (B, N·3) flattened
    a = MLP(concat(normalise(proprio), g))        proprio: every other observation group of the set

The point features are order-independent (shared per-point MLP + max pooling). Trained with rsl_rl's
``Distillation`` algorithm against a teacher loaded from a dex_more checkpoint (e.g. a MoRE residual).
"""
from __future__ import annotations

import copy

import torch
import torch.nn as nn
from tensordict import TensorDict

from .model_parts import EncodedGroupMLPModel, as_two_input_onnx, mlp


class PointNetEncoder(nn.Module):
    """Shared per-point MLP, then max pooling: (B, N, 3) -> (B, dims[-1])."""

    def __init__(self, dims: list[int], activation: str):
        super().__init__()
        self.point_mlp = mlp(3, dims, activation)

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        return self.point_mlp(points).max(dim=-2).values


class PointCloudStudent(EncodedGroupMLPModel):
    """An MLP over the normalised proprioception plus the PointNet feature of the point-cloud group."""

    def __init__(
        self,
        obs: TensorDict,
        obs_groups: dict[str, list[str]],
        obs_set: str,
        output_dim: int,
        point_cloud_group: str = "point_cloud",
        point_dims: tuple[int, ...] | list[int] = (64, 128, 256),
        hidden_dims: tuple[int, ...] | list[int] = (512, 256, 128),
        activation: str = "elu",
        obs_normalization: bool = False,
        distribution_cfg: dict | None = None,
    ) -> None:
        groups = list(obs_groups[obs_set])
        if point_cloud_group not in groups:
            raise ValueError(f"the student's observation set '{obs_set}' ({groups}) lacks '{point_cloud_group}'")
        if obs[point_cloud_group].shape[-1] % 3:
            raise ValueError(f"'{point_cloud_group}' has {obs[point_cloud_group].shape[-1]} values; expected N·3")
        # read by the hooks the base initialiser calls
        self.point_cloud_group = self.encoded_group = point_cloud_group
        self.encoded_dim = point_dims[-1]
        super().__init__(obs, obs_groups, obs_set, output_dim, hidden_dims, activation, obs_normalization,
                         distribution_cfg)
        self.num_points = obs[point_cloud_group].shape[-1] // 3
        self.encoder = PointNetEncoder(list(point_dims), activation)

    def encode(self, points: torch.Tensor) -> torch.Tensor:
        return self.encoder(points.view(points.shape[0], -1, 3))

    # ------------------------------------------------------------------ export
    def as_jit(self) -> nn.Module:
        return _ExportablePointCloudStudent(self)

    def as_onnx(self, verbose: bool) -> nn.Module:
        return as_two_input_onnx(_ExportablePointCloudStudent(self), "points", self.obs_dim, 3 * self.num_points)


class _ExportablePointCloudStudent(nn.Module):
    """Deterministic student for TorchScript/ONNX: forward(obs, points), obs = its groups concatenated, points
    (B, N·3)."""

    def __init__(self, model: PointCloudStudent):
        super().__init__()
        m = copy.deepcopy(model).cpu()
        self.normalizer, self.encoder, self.mlp = m.obs_normalizer, m.encoder, m.mlp
        self.deterministic_output = (m.distribution.as_deterministic_output_module() if m.distribution is not None
                                     else nn.Identity())

    def forward(self, obs: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
        g = self.encoder(points.view(points.shape[0], -1, 3))
        return self.deterministic_output(self.mlp(torch.cat([self.normalizer(obs), g], dim=-1)))
