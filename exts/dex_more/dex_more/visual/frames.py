"""In-domain frames for H-InDex's stage 2: videos of a visual task's own camera while its hand moves at random."""
from __future__ import annotations

import numpy as np
import torch


def collect_videos(env, steps: int, image_group: str = "image", seed: int = 0) -> np.ndarray:
    """(N, T, H, W, 3) uint8: ``steps`` frames of each of the env's N cameras (the observation group
    ``image_group``, RGB in [0, 1]) under uniform random actions in [-1, 1], episodes resetting as they end.
    ``env``: a gymnasium env of a visual task (unwrapped or not)."""
    base = env.unwrapped
    g = torch.Generator(device=base.device).manual_seed(seed)
    obs, _ = env.reset()
    frames = []
    for _ in range(steps):
        frames.append((obs[image_group].clamp(0.0, 1.0) * 255.0).round().to(torch.uint8).cpu())
        action = torch.rand(base.num_envs, base.action_manager.total_action_dim, generator=g, device=base.device)
        obs, *_ = env.step(2.0 * action - 1.0)
    return torch.stack(frames, dim=1).numpy()
