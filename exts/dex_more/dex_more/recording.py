"""Record a rollout to a time-sampled USD file (Isaac Sim and usdview open it), no GPU or Isaac Sim needed.

The simulation itself is written by Newton's own ``ViewerUSD`` (every shape's geometry, posed per frame);
the reference is added as a ghost: the reference hand keypoints and object centres of each frame as
spheres (green: hands, orange: objects) under ``/root/reference_*``.
"""
from __future__ import annotations

import os

import numpy as np
import warp as wp

GHOST_HAND = (0.2, 0.85, 0.3)
GHOST_OBJECT = (1.0, 0.6, 0.1)


class RolloutRecorder:
    """``recorder.record(env)`` after each ``env.step``; ``recorder.close()`` writes the file."""

    def __init__(self, env, path: str, max_frames: int | None = None):
        from isaaclab_newton.physics import NewtonManager
        from newton.viewer import ViewerUSD

        self.env = env.unwrapped if hasattr(env, "unwrapped") else env
        self.path = os.path.abspath(path)
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self._manager = NewtonManager
        fps = int(round(1.0 / self.env.step_dt))
        self.viewer = ViewerUSD(self.path, fps=fps, num_frames=max_frames)
        self.viewer.set_model(NewtonManager.get_model())
        # Isaac Lab already places each env at its origin: no extra visual spacing between worlds
        self.viewer.set_world_offsets((0.0, 0.0, 0.0))
        self.frame = 0
        self.fps = fps

    def record(self) -> None:
        v = self.viewer
        v.begin_frame(self.frame / self.fps)
        v.log_state(self._manager.get_state_0())
        cm = self.env.command_manager
        if "motion" in cm.active_terms:
            cmd = cm.get_term("motion")
            origins = self.env.scene.env_origins
            for s in cmd.sides:
                mask = cmd.keypoint_mask[s]
                kp = (cmd.ref(cmd.keypoints, s, offset=0)[:, mask] + origins[:, None]).reshape(-1, 3)
                v.log_points(f"reference_{s}_hand", wp.array(kp.cpu().numpy(), dtype=wp.vec3), 0.006, GHOST_HAND)
            for i in range(len(cmd.objects)):
                p = cmd.ref(cmd.object_pose[i], offset=0)[:, :3] + origins
                v.log_points(f"reference_object_{i}", wp.array(p.cpu().numpy(), dtype=wp.vec3), 0.012, GHOST_OBJECT)
        v.end_frame()
        self.frame += 1

    def close(self) -> str:
        self.viewer.close()
        return self.path


def shape_indices_of(body_label_part: str) -> list[int]:
    """Newton shape indices of the bodies whose label contains ``body_label_part`` (to find prims in a recording)."""
    from isaaclab_newton.physics import NewtonManager

    model = NewtonManager.get_model()
    bodies = [i for i, label in enumerate(model.body_label) if body_label_part in label]
    shape_body = model.shape_body.numpy()
    return [int(s) for s in np.flatnonzero(np.isin(shape_body, bodies))]
