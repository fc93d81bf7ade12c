"""The HO-tracking environment: a ManagerBasedRLEnv whose objects are those of the clips it tracks."""
from __future__ import annotations

from isaaclab.envs import ManagerBasedRLEnv

from dex_more.assets.objects import ObjectSpec


class HOTrackEnv(ManagerBasedRLEnv):
    """Reads the configured clips before building the scene, so objects, observations and rewards match
    them whatever hydra overrides chose (``env.commands.motion.clip_names=[...]``)."""

    def __init__(self, cfg, render_mode: str | None = None, **kwargs):
        if str(cfg.sim.device).startswith("cuda") and hasattr(cfg.sim.physics, "use_cuda_graph"):
            cfg.sim.physics.use_cuda_graph = True  # Newton on a GPU: capture the step once, replay it
        if cfg.stage == "residual":
            cfg.commands.motion.clip_names = cfg.commands.motion.clip_names or cfg.clip_names
            clips = cfg.commands.motion.resolve_clips_unchecked()
            specs = [ObjectSpec(o.shape, tuple(o.dims), float(o.mass or 0.1), name=o.name) for o in clips[0].objects]
            if not specs:
                raise ValueError(f"clip '{clips[0].name}' has no object: residual tracking needs one or two")
            cfg.set_objects(specs)
        super().__init__(cfg, render_mode, **kwargs)
