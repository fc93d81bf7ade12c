"""The MANO hand's 21 keypoints and the groups of them that rewards, terminations and metrics use.

Every dex_more hand maps these keypoints to points on its bodies (:attr:`dex_more.assets.DexHand.keypoints`);
clips carry them for human hands (:class:`dex_more.motion.ReferenceMotion`).
"""
from __future__ import annotations

MANO_KEYPOINT_NAMES: tuple[str, ...] = (
    "wrist",
    "thumb_proximal", "thumb_intermediate", "thumb_distal", "thumb_tip",
    "index_proximal", "index_intermediate", "index_distal", "index_tip",
    "middle_proximal", "middle_intermediate", "middle_distal", "middle_tip",
    "ring_proximal", "ring_intermediate", "ring_distal", "ring_tip",
    "pinky_proximal", "pinky_intermediate", "pinky_distal", "pinky_tip",
)
"""The 21 MANO keypoints in MANO/OpenPose order: wrist, then per finger (thumb first) MCP/CMC, PIP, DIP, tip."""

NUM_KEYPOINTS = len(MANO_KEYPOINT_NAMES)

FINGER_NAMES: tuple[str, ...] = ("thumb", "index", "middle", "ring", "pinky")

FINGERTIP_KEYPOINT_IDS: tuple[int, ...] = (4, 8, 12, 16, 20)
"""The five fingertips, thumb first."""

LEVEL1_KEYPOINT_IDS: tuple[int, ...] = (1, 5, 9, 13, 17)
"""MCP-level keypoints (thumb CMC, finger bases): ManipTrans' level-1 keypoints."""

LEVEL2_KEYPOINT_IDS: tuple[int, ...] = (2, 3, 6, 7, 10, 11, 14, 15, 18, 19)
"""PIP/DIP-level keypoints: ManipTrans' level-2 keypoints."""

MANO_BONES: tuple[tuple[int, int], ...] = tuple(
    [(0, 1 + 4 * f) for f in range(5)] + [(1 + 4 * f + k, 2 + 4 * f + k) for f in range(5) for k in range(3)])
"""The hand skeleton as keypoint pairs: wrist to each finger base, then along each finger (for drawing)."""
