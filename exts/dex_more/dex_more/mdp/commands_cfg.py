"""Configuration of the reference-motion command (:class:`~dex_more.mdp.commands.ReferenceMotionCommand`)."""
from __future__ import annotations

from dataclasses import MISSING

import isaaclab.sim as sim_utils
from isaaclab.managers import CommandTermCfg
from isaaclab.markers import VisualizationMarkersCfg
from isaaclab.utils import configclass

from dex_more.errors import as_name_list
from dex_more.motion.library import DEFAULT_MANIFEST, load_clips, read_manifest, select_clips
from dex_more.motion.reference_motion import ReferenceMotion

from .commands import ReferenceMotionCommand


GHOST_HAND = (0.2, 0.85, 0.3)
"""Colour (RGB) of the reference hands' keypoints wherever the reference is drawn as a ghost."""
GHOST_OBJECT = (1.0, 0.6, 0.1)
"""Colour (RGB) of the reference objects' centres."""
GHOST_HAND_RADIUS, GHOST_OBJECT_RADIUS = 0.006, 0.012
"""Radii [m] of the ghost's spheres: hand keypoints, object centres."""


def _sphere(radius: float, color: tuple[float, float, float]) -> sim_utils.SphereCfg:
    return sim_utils.SphereCfg(radius=radius, visual_material=sim_utils.PreviewSurfaceCfg(diffuse_color=color))


@configclass
class ReferenceMotionCommandCfg(CommandTermCfg):
    """Clips to track and how episodes start."""

    class_type: type = ReferenceMotionCommand
    resampling_time_range: tuple[float, float] = (1.0e9, 1.0e9)  # never: clips restart only on reset
    hands: dict = MISSING
    """Side -> bundled hand name, e.g. {"right": "inspire_right"}."""
    manifest: str = DEFAULT_MANIFEST
    clip_names: list = []
    """Clips to track (names in the manifest); empty = every clip of the manifest with exactly these sides."""
    num_objects: int = 0
    """Objects in the scene (0 for the imitator); every clip must carry this many."""
    start_fraction: float = 0.98
    """Reference-state initialisation: start frame uniform in [0, start_fraction · length)."""
    eval_mode: bool = False
    """Start every episode at frame 0 with the final (tightest) termination thresholds."""
    end_margin: int = 3
    """Success = reaching the last frame minus this many frames."""
    threshold_decay_steps: int = 1920
    """Env steps over which the termination scale s decays from 1.0 to :attr:`final_threshold_scale`."""
    final_threshold_scale: float = 0.7
    """Termination scale s at the end of the curriculum and in evaluation (ManipTrans: 0.7); termination
    thresholds are their configured values at this s."""
    per_env_objects: bool = False
    """Each env holds the object of the clip it tracks, assigned at every reset (a scene with an object bank,
    :attr:`~dex_more.envs.DexEnvCfg.object_bank`): the clips may use different objects of the bank, found by
    name (:attr:`~dex_more.motion.ObjectTrack.name`)."""
    object_scale_range: tuple = (1.0, 1.0)
    """With :attr:`per_env_objects`: each reset scales the env's object uniformly by a factor drawn from this
    range (HOT's object-scale randomisation of the noisy stage); the reference stays as recorded."""
    state_noise_prob: float = 0.0
    """Probability that a reset perturbs the hand's reference state (HOT's state-noise initialisation)."""
    state_noise_std: tuple = (0.01, 0.05, 0.1)
    """Standard deviations of that perturbation: wrist position [m], wrist rotation joints [rad], finger joints
    [rad] (fingers then clipped to their limits)."""
    ghost_markers: VisualizationMarkersCfg = VisualizationMarkersCfg(
        prim_path="/Visuals/ReferenceMotion",
        markers={"hand_keypoint": _sphere(GHOST_HAND_RADIUS, GHOST_HAND),
                 "object_centre": _sphere(GHOST_OBJECT_RADIUS, GHOST_OBJECT)})
    """The reference drawn as a ghost when ``debug_vis`` is on (``play.py --viz`` turns it on): the target frame's
    hand keypoints and object centres, in every visualizer of the simulation."""

    def resolve_clips_unchecked(self) -> list[ReferenceMotion]:
        """The clips, before the object count is known (the env sizes the scene from them)."""
        n, self.num_objects = self.num_objects, 0
        try:
            return self.resolve_clips()
        finally:
            self.num_objects = n

    def resolve_clips(self) -> list[ReferenceMotion]:
        entries = read_manifest(self.manifest)
        names = as_name_list(self.clip_names) or None
        chosen = select_clips(entries, sides=None if names else tuple(self.hands), names=names)
        if names:
            missing = set(names) - {e.name for e in chosen}
            if missing:
                raise ValueError(f"clips {sorted(missing)} are not in {self.manifest}; it has {[e.name for e in entries]}")
        if not chosen:
            raise ValueError(f"no clip in {self.manifest} has exactly the hands {sorted(self.hands)}")
        clips = load_clips(chosen, min_frames=self.end_margin + 3)
        for c in clips:
            if set(self.hands) - set(c.hands):
                raise ValueError(f"clip '{c.name}' has hands {c.sides}; the task needs {sorted(self.hands)}")
            if self.num_objects and len(c.objects) != self.num_objects:
                raise ValueError(f"clip '{c.name}' has {len(c.objects)} objects; the task spawns {self.num_objects}")
        if self.num_objects and not self.per_env_objects:
            for c in clips[1:]:
                if c.object_signature != clips[0].object_signature:
                    raise ValueError(f"clip '{c.name}' uses other objects than '{clips[0].name}': one task tracks "
                                     "clips of the same object(s); pick clips with env.commands.motion.clip_names")
        return clips
