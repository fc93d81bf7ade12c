"""A student policy for DAgger distillation from point clouds (ResDex's vision student, HOT's distillation).

    g = max over points of PointNet(p_j)          p_j ∈ R³: the object's surface points, (B, N·3) flattened
    a = MLP(concat(normalise(proprio), g))        proprio: every other observation group of the set

The point features are order-independent (shared per-point MLP + max pooling). Trained with rsl_rl's
``Distillation`` algorithm against a teacher loaded from a dex_more checkpoint (e.g. a MoRE residual).
"""
from __future__ import annotations

import torch
import torch.nn as nn
from tensordict import TensorDict

from rsl_rl.models import MLPModel

from .model_parts import make_distribution, make_normalizer, mlp


class PointNetEncoder(nn.Module):
    """Shared per-point MLP, then max pooling: (B, N, 3) -> (B, dims[-1])."""

    def __init__(self, dims: list[int], activation: str):
        super().__init__()
        self.point_mlp = mlp(3, dims, activation)

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        return self.point_mlp(points).max(dim=-2).values


class PointCloudStudent(MLPModel):
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
        nn.Module.__init__(self)
        groups = list(obs_groups[obs_set])
        if point_cloud_group not in groups:
            raise ValueError(f"the student's observation set '{obs_set}' ({groups}) lacks '{point_cloud_group}'")
        if obs[point_cloud_group].shape[-1] % 3:
            raise ValueError(f"'{point_cloud_group}' has {obs[point_cloud_group].shape[-1]} values; expected N·3")
        self.point_cloud_group = point_cloud_group
        self.obs_groups = [g for g in groups if g != point_cloud_group]
        self.obs_dim = sum(obs[g].shape[-1] for g in self.obs_groups)
        self.obs_normalization = obs_normalization
        self.obs_normalizer = make_normalizer(obs_normalization, self.obs_dim)
        self.encoder = PointNetEncoder(list(point_dims), activation)
        self.distribution, out = make_distribution(distribution_cfg, output_dim)
        self.mlp = mlp(self.obs_dim + point_dims[-1], list(hidden_dims), activation, out)
        if self.distribution is not None:
            self.distribution.init_mlp_weights(self.mlp)

    def get_latent(self, obs: TensorDict, masks=None, hidden_state=None) -> torch.Tensor:
        proprio = self.obs_normalizer(torch.cat([obs[g] for g in self.obs_groups], dim=-1))
        points = obs[self.point_cloud_group]
        return torch.cat([proprio, self.encoder(points.view(points.shape[0], -1, 3))], dim=-1)
