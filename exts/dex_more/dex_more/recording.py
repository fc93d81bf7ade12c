"""Record a rollout to a time-sampled USD file (Isaac Sim and usdview open it), no GPU or Isaac Sim needed.

The simulation itself is written by Newton's own ``ViewerUSD`` (every shape's geometry, posed per frame);
the reference is added as a ghost: the reference hand keypoints and object centres of each frame as
spheres (green: hands, orange: objects) under ``/root/reference_*``.
"""
from __future__ import annotations

import os

import numpy as np
import warp as wp

from .mano import MANO_BONES
from .mdp.commands import MOTION_COMMAND, reference_motion
from .mdp.commands_cfg import GHOST_HAND, GHOST_HAND_RADIUS, GHOST_OBJECT, GHOST_OBJECT_RADIUS


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
        if MOTION_COMMAND in self.env.command_manager.active_terms:
            hands, objects = reference_motion(self.env).ghost_points()
            for s, kp in hands.items():
                v.log_points(f"reference_{s}_hand", wp.array(kp.cpu().numpy(), dtype=wp.vec3), GHOST_HAND_RADIUS,
                             GHOST_HAND)
            for i, p in enumerate(objects):
                v.log_points(f"reference_object_{i}", wp.array(p.cpu().numpy(), dtype=wp.vec3), GHOST_OBJECT_RADIUS,
                             GHOST_OBJECT)
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


class KeypointAnimation:
    """A GIF of a rollout drawn with matplotlib (no GPU renderer needed): per frame, the robot hands'
    keypoints (blue), the reference keypoints (green, faint) and the objects' centres (orange: simulated,
    light: reference), for env 0. ``capture()`` after each step, ``save(path)`` at the end."""

    def __init__(self, env):
        self.env = env.unwrapped if hasattr(env, "unwrapped") else env
        self.frames: list[dict] = []

    def capture(self) -> None:
        cmd = reference_motion(self.env)
        origin = self.env.scene.env_origins[0]
        frame = {"hands": {}, "ref": {}, "objects": [], "ref_objects": []}
        for s in cmd.sides:
            m = cmd.keypoint_mask[s]
            frame["hands"][s] = self.env.hands[s].keypoints[0, m].cpu().numpy()
            frame["ref"][s] = cmd.ref(cmd.keypoints, s, offset=0)[0, m].cpu().numpy()
        for i, o in enumerate(cmd.objects):
            frame["objects"].append((o.data.root_pos_w.torch[0] - origin).cpu().numpy())
            frame["ref_objects"].append(cmd.ref(cmd.object_pose[i], offset=0)[0, :3].cpu().numpy())
        self.frames.append(frame)

    def save(self, path: str, fps: int = 30) -> str:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.animation import FuncAnimation, PillowWriter

        pts = np.concatenate([np.concatenate(list(f["hands"].values()) + list(f["ref"].values())) for f in self.frames])
        c, r = (pts.max(0) + pts.min(0)) / 2, (pts.max(0) - pts.min(0)).max() / 2 + 0.05
        fig = plt.figure(figsize=(5, 5))
        ax = fig.add_subplot(projection="3d")

        def draw(k):
            ax.cla()
            f = self.frames[k]
            for s in f["hands"]:
                ax.scatter(*f["ref"][s].T, color="tab:green", alpha=0.25, s=12)
                ax.scatter(*f["hands"][s].T, color="tab:blue", s=10)
                if len(f["hands"][s]) == 21:  # every MANO keypoint mapped: draw the bones too
                    for a, b in MANO_BONES:
                        ax.plot(*zip(f["hands"][s][a], f["hands"][s][b]), color="tab:blue", lw=1)
            for p, q in zip(f["objects"], f["ref_objects"]):
                ax.scatter(*q, color="orange", alpha=0.3, s=120, marker="s")
                ax.scatter(*p, color="tab:orange", s=120, marker="s")
            ax.set_xlim(c[0] - r, c[0] + r)
            ax.set_ylim(c[1] - r, c[1] + r)
            ax.set_zlim(c[2] - r, c[2] + r)
            ax.set_title(f"step {k}  (blue: robot, green: reference)", fontsize=9)

        anim = FuncAnimation(fig, draw, frames=len(self.frames))
        anim.save(path, writer=PillowWriter(fps=fps))
        plt.close(fig)
        return path
