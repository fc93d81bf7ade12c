"""A MANO-like right hand: MANO's kinematic tree with average adult proportions, written as MJCF.

MANO's model file is licensed and not bundled, so this hand rebuilds what the tasks need of it:

- **MANO's tree and degrees of freedom.** The wrist (the root body, MANO keypoint 0) carries 15 finger
  joints: thumb CMC, MCP and IP; MCP, PIP and DIP of each finger. MANO poses each of them with an
  axis-angle (45 finger parameters); here each is three hinges in a chain, abduction (about the segment
  frame's z), flexion (y) then twist (x). With abduction and twist at 0 a finger bends in one plane.
- **Bodies one-to-one with the 21 MANO keypoints.** Every body named in :data:`~dex_more.mano.MANO_KEYPOINT_NAMES`
  has its origin on that keypoint: the wrist, the 15 joint bodies (each carrying its segment's capsule) and
  five welded fingertip bodies. Human keypoint clips therefore need no correspondence search, and the
  synthetic human hand (:class:`dex_more.motion.synthetic.HumanHand`) is this hand's forward kinematics
  at zero abduction and twist (a test checks it against MuJoCo).
- **Proportions.** Phalanx and first-metacarpal lengths are the adult means of Buryanov & Kotiuk (2010);
  see ``source/hands/mano_right/README.md`` for the table, the palm layout and the joint ranges.

Frames: the hand frame of :mod:`dex_more.motion.synthetic` (x along the fingers, y toward the thumb, z out of
the back of the hand; the palm faces -z). Every segment frame has x along the segment, y its flexion axis and
z toward its back. Lengths in metres, angles in radians, masses in kilograms.
"""
from __future__ import annotations

import numpy as np

from ..mano import FINGER_NAMES, MANO_KEYPOINT_NAMES

NAME = "mano_right"

# Buryanov A., Kotiuk V. (2010), "Proportions of Hand Segments", International Journal of Morphology 28(3):755-758,
# mean bone lengths [mm] of adult hands. Thumb: first metacarpal, proximal, distal phalanx; fingers: proximal,
# middle, distal phalanx. The MANO thumb's first keypoint sits at the CMC joint, so its first segment is the
# metacarpal; a finger's first keypoint is its MCP joint.
BONE_LENGTHS_MM: dict[str, tuple[float, float, float]] = {
    "thumb": (46.22, 31.57, 21.67),
    "index": (39.78, 22.38, 15.82),
    "middle": (44.63, 26.33, 17.40),
    "ring": (41.37, 25.65, 17.30),
    "pinky": (32.74, 18.11, 15.96),
}
TIP_PAD = 0.004
"""Soft tissue beyond the distal phalanx's tuft [m]: MANO's tip keypoint is on the skin, not the bone."""

SEGMENT_LENGTHS: dict[str, tuple[float, float, float]] = {
    f: (a / 1000.0, b / 1000.0, c / 1000.0 + TIP_PAD) for f, (a, b, c) in BONE_LENGTHS_MM.items()}
"""Keypoint-to-keypoint lengths [m] of each finger's three segments (the last one ends at the tip keypoint)."""

# Palm layout (modelling choice, kept from dex_more's first synthetic hand): MCP positions in the hand frame [m] and
# each finger's splay about z [rad]. Wrist-to-MCP distances are 95, 95, 90 and 86 mm, i.e. the metacarpals of
# Buryanov & Kotiuk (68, 65, 58, 54 mm) plus 27-32 mm of carpus.
FINGER_BASES: dict[str, tuple[float, float, float]] = {
    "index": (0.092, 0.024, 0.0), "middle": (0.095, 0.004, 0.0), "ring": (0.089, -0.014, 0.0),
    "pinky": (0.080, -0.031, 0.0)}
FINGER_SPLAY: dict[str, float] = {"index": 0.05, "middle": 0.0, "ring": -0.06, "pinky": -0.14}
THUMB_BASE = (0.030, 0.032, 0.0)
"""Thumb CMC joint in the hand frame [m]."""
THUMB_DIRECTION = (0.55, 0.80, 0.0)
"""The straight thumb's direction in the hand frame (normalised below): in the palm's plane, so the open hand's skin is
flat underneath (the thumb's capsule, on the palm's mid-plane, is 2 mm thinner than the palm)."""
THUMB_BEND = (0.25, -0.45, -0.86)
"""Where the thumb curls to: down and toward the palm centre (orthogonalised against the direction below)."""

# Capsule radii [m] per segment. Adjacent fingers' MCPs are 18-20 mm apart, so neighbouring proximal capsules
# clear each other by at least 1 mm when straight.
SEGMENT_RADII: dict[str, tuple[float, float, float]] = {
    "thumb": (0.0100, 0.0090, 0.0085), "index": (0.0090, 0.0082, 0.0075), "middle": (0.0090, 0.0082, 0.0075),
    "ring": (0.0080, 0.0075, 0.0070), "pinky": (0.0070, 0.0065, 0.0060)}
PALM_RADIUS = 0.012
"""Palm capsules [m]: from a point 2 cm before the wrist toward each MCP; about 2.4 cm thick like a palm."""
DENSITY = 1100.0
"""Soft tissue and bone [kg/m³]."""

JOINT_LEVELS: dict[str, tuple[str, str, str]] = {"thumb": ("cmc", "mcp", "ip")}
JOINT_LEVELS.update({f: ("mcp", "pip", "dip") for f in FINGER_NAMES[1:]})
DOF_AXES = (("abd", "0 0 1"), ("flex", "0 1 0"), ("twist", "1 0 0"))
"""The three hinges of each joint, parent to child."""

# Ranges [rad] (lower, upper) per joint level and DoF. Flexion: normal active ranges of the AAOS (1965, "Joint
# Motion: Method of Measuring and Recording"), MCP 90° flexion / 20° extension, PIP 100°, DIP 80°, thumb MCP 55°,
# IP 80° / 20° hyperextension; abduction and twist are small where the joint is a hinge (± 5°) and larger at MCPs
# and the thumb's saddle joint (modelling choice).
JOINT_RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "mcp": {"abd": (-0.35, 0.35), "flex": (-0.35, 1.57), "twist": (-0.17, 0.17)},
    "pip": {"abd": (-0.09, 0.09), "flex": (-0.05, 1.75), "twist": (-0.09, 0.09)},
    "dip": {"abd": (-0.09, 0.09), "flex": (-0.09, 1.40), "twist": (-0.09, 0.09)},
    "cmc": {"abd": (-0.60, 0.60), "flex": (-0.35, 1.20), "twist": (-0.50, 0.50)},
    "thumb_mcp": {"abd": (-0.17, 0.17), "flex": (-0.17, 1.20), "twist": (-0.17, 0.17)},
    "ip": {"abd": (-0.09, 0.09), "flex": (-0.35, 1.40), "twist": (-0.09, 0.09)},
}


def thumb_frame() -> np.ndarray:
    """(3, 3) rotation whose columns are the straight thumb's segment axes in the hand frame."""
    x = np.asarray(THUMB_DIRECTION, float)
    x /= np.linalg.norm(x)
    bend = np.asarray(THUMB_BEND, float)
    bend = bend - bend.dot(x) * x
    bend /= np.linalg.norm(bend)
    y = np.cross(x, bend)  # flexion about +y turns x toward the bend
    return np.stack([x, y, np.cross(x, y)], axis=1)


def finger_frame(finger: str) -> np.ndarray:
    """(3, 3) rotation of a straight finger's segment axes in the hand frame (thumb included)."""
    if finger == "thumb":
        return thumb_frame()
    s = FINGER_SPLAY[finger]
    return np.array([[np.cos(s), -np.sin(s), 0.0], [np.sin(s), np.cos(s), 0.0], [0.0, 0.0, 1.0]])


def finger_base(finger: str) -> np.ndarray:
    return np.asarray(THUMB_BASE if finger == "thumb" else FINGER_BASES[finger], float)


def joint_names(finger: str) -> tuple[str, ...]:
    """The nine hinge names of one finger, parent to child: ``<finger>_<level>_<abd|flex|twist>``."""
    return tuple(f"{finger}_{level}_{dof}" for level in JOINT_LEVELS[finger] for dof, _ in DOF_AXES)


FINGER_JOINT_NAMES: tuple[str, ...] = tuple(j for f in FINGER_NAMES for j in joint_names(f))
"""All 45 finger hinges, thumb first (the action order of the MANO-like hand)."""


def keypoint_body(finger: str, segment: int) -> str:
    """The body on MANO keypoint ``segment`` (0..3; 3 = the tip) of ``finger``."""
    return MANO_KEYPOINT_NAMES[1 + 4 * FINGER_NAMES.index(finger) + segment]


def _f(v) -> str:
    return " ".join(f"{x:.6g}" for x in np.asarray(v, float).ravel())


def _quat_wxyz(R: np.ndarray) -> np.ndarray:
    from scipy.spatial.transform import Rotation

    x, y, z, w = Rotation.from_matrix(R).as_quat()
    return np.array([w, x, y, z])


def mjcf() -> str:
    """The hand's MJCF (without the virtual wrist, which ``scripts/build_assets.py`` adds like for every hand)."""
    out = [f'<mujoco model="{NAME}">', '  <compiler angle="radian" autolimits="true"/>',
           '  <option cone="elliptic" impratio="10"/>', "  <default>", f'    <default class="{NAME}">',
           '      <joint damping="0" armature="0.0001"/>',
           f'      <geom type="capsule" density="{DENSITY:g}" friction="1 0.005 0.0001" rgba="0.87 0.72 0.6 1"/>',
           "    </default>", "  </default>", "  <worldbody>", f'    <body name="wrist" childclass="{NAME}">']
    heel = np.array([-0.02, 0.0, 0.0])
    for f in FINGER_NAMES[1:]:  # the palm: one capsule per metacarpal
        out.append(f'      <geom name="palm_{f}" fromto="{_f(heel + [0, finger_base(f)[1] * 0.8, 0])} '
                   f'{_f(finger_base(f))}" size="{PALM_RADIUS}"/>')
    out.append(f'      <geom name="palm_thenar" fromto="{_f(heel)} {_f(finger_base("thumb"))}" size="{PALM_RADIUS}"/>')
    excludes = []
    for f in FINGER_NAMES:
        lengths, radii = SEGMENT_LENGTHS[f], SEGMENT_RADII[f]
        depth, parent = 3, "wrist"
        for k, level in enumerate(JOINT_LEVELS[f]):
            ind = "  " * depth
            pos = finger_base(f) if k == 0 else np.array([lengths[k - 1], 0.0, 0.0])
            quat = _quat_wxyz(finger_frame(f)) if k == 0 else np.array([1.0, 0.0, 0.0, 0.0])
            rng = JOINT_RANGES["thumb_mcp" if (f, level) == ("thumb", "mcp") else level]
            body = keypoint_body(f, k)
            for i, (dof, axis) in enumerate(DOF_AXES):
                last = i == len(DOF_AXES) - 1
                name = body if last else f"{f}_{level}_{dof}_link"
                attrs = f' pos="{_f(pos)}" quat="{_f(quat)}"' if i == 0 else ""
                out.append(f'{ind}<body name="{name}"{attrs}>')
                if not last:  # a massless link between two hinges would leave the solver ill-conditioned
                    out.append(f'{ind}  <inertial pos="0 0 0" mass="0.001" diaginertia="1e-8 1e-8 1e-8"/>')
                lo, hi = rng[dof]
                out.append(f'{ind}  <joint name="{f}_{level}_{dof}" axis="{axis}" range="{lo:g} {hi:g}"/>')
                ind += "  "
            # the segment capsule; the last one stops one radius short so that its cap ends on the tip keypoint
            end = lengths[k] - (radii[k] if k == 2 else 0.0)
            out.append(f'{ind}<geom name="{body}" fromto="0 0 0 {end:.6g} 0 0" size="{radii[k]}"/>')
            excludes.append((parent, body))  # hinge chains put links between segments: MuJoCo's parent filter misses
            parent = body
            depth += 3
        ind = "  " * depth
        out.append(f'{ind}<body name="{keypoint_body(f, 3)}" pos="{lengths[2]:.6g} 0 0">')
        out.append(f'{ind}  <geom name="{keypoint_body(f, 3)}" type="sphere" pos="{-radii[2]:.6g} 0 0" size="{radii[2]}"/>')
        out.append(f"{ind}</body>")
        excludes.append((keypoint_body(f, 1), keypoint_body(f, 3)))  # a short distal segment: the pad reaches its parent
        for d in range(depth - 1, 2, -1):
            out.append("  " * d + "</body>")
    out += ["    </body>", "  </worldbody>", "  <contact>"]
    out += [f'    <exclude body1="{a}" body2="{b}"/>' for a, b in excludes]
    out += ["  </contact>", "</mujoco>", ""]
    return "\n".join(out)
