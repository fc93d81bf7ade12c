"""A picture of a clip: 3-D snapshots of hand keypoints and objects, and time series (matplotlib, to a file)."""
from __future__ import annotations

import numpy as np

from ..mano import FINGERTIP_KEYPOINT_IDS, MANO_BONES
from .reference_motion import ReferenceMotion

_SIDE_COLOUR = {"right": "tab:blue", "left": "tab:red"}


def plot_motion(motion: ReferenceMotion, path: str, snapshots: int = 5) -> str:
    """Write a PNG/PDF/SVG of ``motion`` to ``path``: snapshots across the clip, then positions and contacts over time."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    T = motion.num_frames
    frames = np.linspace(0, T - 1, snapshots).round().astype(int)
    fig = plt.figure(figsize=(4 * snapshots, 8))
    for i, t in enumerate(frames):
        ax = fig.add_subplot(2, snapshots, i + 1, projection="3d")
        for side, h in motion.hands.items():
            if h.keypoints is None:
                ax.scatter(*h.wrist_pos[t], color=_SIDE_COLOUR[side])
                continue
            kp = h.keypoints[t]
            for a, b in MANO_BONES:
                ax.plot(*zip(kp[a], kp[b]), color=_SIDE_COLOUR[side], lw=1.5)
            if h.contacts is not None:
                tips = kp[list(FINGERTIP_KEYPOINT_IDS)][h.contacts[t]]
                if len(tips):
                    ax.scatter(*tips.T, color="k", s=12)
        for o in motion.objects:
            ax.scatter(*o.pose[t, :3], color="tab:orange", s=60, marker="s")
        ax.set_title(f"t = {t / motion.fps:.2f} s")
        _equal_axes(ax, motion)
    t = np.arange(T) / motion.fps
    ax = fig.add_subplot(2, 2, 3)
    for side, h in motion.hands.items():
        for k, axis in enumerate("xyz"):
            ax.plot(t, h.wrist_pos[:, k], color=_SIDE_COLOUR[side], ls=["-", "--", ":"][k], label=f"{side} wrist {axis}")
    for j, o in enumerate(motion.objects):
        for k, axis in enumerate("xyz"):
            ax.plot(t, o.pose[:, k], color="tab:orange", ls=["-", "--", ":"][k], label=f"object {j} {axis}")
    ax.set_xlabel("time [s]")
    ax.set_ylabel("position [m]")
    ax.legend(fontsize=7, ncol=2)
    ax = fig.add_subplot(2, 2, 4)
    rows, labels = [], []
    for side, h in motion.hands.items():
        if h.contacts is not None:
            rows += list(h.contacts.T)
            labels += [f"{side} {f}" for f in ("thumb", "index", "middle", "ring", "pinky")]
    if rows:
        ax.imshow(np.array(rows, dtype=float), aspect="auto", cmap="Greys", interpolation="nearest",
                  extent=(0, t[-1], len(rows) - 0.5, -0.5))
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("time [s]")
    ax.set_title("fingertip contacts")
    fig.suptitle(f"{motion.name} ({motion.skill}, {motion.duration:.2f} s at {motion.fps:g} Hz)")
    fig.subplots_adjust(left=0.05, right=0.98, top=0.9, bottom=0.08, hspace=0.25)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def _equal_axes(ax, motion):
    pts = [h.keypoints.reshape(-1, 3) if h.keypoints is not None else h.wrist_pos for h in motion.hands.values()]
    pts += [o.pose[:, :3] for o in motion.objects]
    p = np.concatenate(pts)
    c, r = (p.max(0) + p.min(0)) / 2, (p.max(0) - p.min(0)).max() / 2 + 0.02
    ax.set_xlim(c[0] - r, c[0] + r)
    ax.set_ylim(c[1] - r, c[1] + r)
    ax.set_zlim(c[2] - r, c[2] + r)
