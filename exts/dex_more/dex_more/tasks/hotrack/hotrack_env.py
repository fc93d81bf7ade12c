"""The HO-tracking environment: a :class:`~dex_more.envs.DexEnv` whose objects are those of the clips it tracks."""
from __future__ import annotations

from dex_more.assets import ObjectSpec
from dex_more.envs import DexEnv

from .hotrack_env_cfg import HOTrackEnvCfg, HOTrackResidualEnvCfg


class HOTrackEnv(DexEnv):
    """Reads the configured clips before building the scene, so objects, observations and rewards match
    them whatever hydra overrides chose (``env.commands.motion.clip_names=[...]``)."""

    cfg: HOTrackEnvCfg

    def __init__(self, cfg: HOTrackEnvCfg, render_mode: str | None = None, **kwargs):
        if isinstance(cfg, HOTrackResidualEnvCfg):
            clips = cfg.commands.motion.resolve_clips_unchecked()
            specs = [ObjectSpec(o.shape, tuple(o.dims), float(o.mass or 0.1), name=o.name) for o in clips[0].objects]
            if not specs:
                raise ValueError(f"clip '{clips[0].name}' has no object: residual tracking needs one or two")
            cfg.bind_objects(specs)
        super().__init__(cfg, render_mode, **kwargs)
