"""Synthetic hand–object demonstrations (the HOT idea): kinematically consistent clips from primitives.

A procedural human hand (:class:`HumanHand`, the 21 MANO keypoints of an average adult right hand)
grasps a primitive object of the library. A clip is a sequence of phases at 60 Hz:

    approach (open hand to the pre-grasp) -> close (each finger curls until it touches the object,
    found by bisection on signed distances) -> lift -> move / rotate / hold -> place -> release -> retreat

The object is rigidly attached to the wrist from the end of ``close`` to the start of ``release`` and
static otherwise, so it moves only while grasped. Everything is deterministic given the seed.
Left-hand clips are mirrored right-hand clips (:meth:`ReferenceMotion.mirrored`).

Frames: world z up, the table top at :data:`TABLE_HEIGHT`; the hand frame has x along the fingers,
y toward the thumb (right hand), z out of the back of the hand (the palm faces -z).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from ..assets import mano_hand
from ..assets.objects import ObjectSpec, sample_object
from ..assets.scene import TABLE_HEIGHT
from ..mano import FINGER_NAMES, FINGERTIP_KEYPOINT_IDS
from .reference_motion import HandTrack, ObjectTrack, ReferenceMotion
from .shapes import sdf_world

FPS = 60.0
TOUCH = 0.002
"""A finger touches the object when its skin (its closest sample less the finger's radius) is within this [m] of the
surface (never inside)."""
SQUEEZE = 0.002
"""How far [m] a grasping finger's skin closes into the object (within :data:`~dex_more.motion.skills.MAX_PENETRATION`):
a hand that only touches exerts no force, so a PD hand replaying the clip would let the object slip; this much
squeeze is the grip a human's soft fingertips give."""
CONTACT = 0.005
"""Per-frame fingertip contact flag: the tip within this [m] of the surface (its keypoint in the HO-tracking
demonstrations; its pad's skin in HOT's clips)."""
TIP_RADII = np.array([mano_hand.SEGMENT_RADII[f][2] for f in FINGER_NAMES])
"""Radius [m] of each fingertip's pad, thumb first; the tip keypoint is on the pad's far end."""

_FINGER_FLEX = np.array([1.4, 1.6, 1.0])  # full curl [rad] of MCP, PIP, DIP at closure 1
_THUMB_FLEX = np.array([0.78, 0.90, 0.80])  # ... of the thumb's CMC, MCP, IP


class HumanHand:
    """21 MANO keypoints of a right hand as a function of per-finger closure c ∈ [0, 1] (thumb first).

    The geometry is the MANO-like hand asset's (:mod:`dex_more.assets.mano_hand`): closure c flexes each joint of a
    finger by c × its full curl, with no abduction or twist, so ``mano_right`` reproduces these keypoints exactly."""

    @staticmethod
    def _chain(base, d0, bend, lengths, angles):
        pts, theta, p = [base], 0.0, np.asarray(base, dtype=float)
        for length, a in zip(lengths, angles):
            theta += a
            p = p + length * (np.cos(theta) * d0 + np.sin(theta) * bend)
            pts.append(p)
        return pts

    def local_keypoints(self, closure: np.ndarray) -> np.ndarray:
        """(21, 3) keypoints in the hand frame for closure (5,) (thumb, index, middle, ring, pinky)."""
        kp = [np.zeros(3)]
        for i, f in enumerate(FINGER_NAMES):
            R = mano_hand.finger_frame(f)  # columns: along the finger, flexion axis, back of the finger
            flex = closure[i] * (_THUMB_FLEX if f == "thumb" else _FINGER_FLEX)
            kp += self._chain(mano_hand.finger_base(f), R[:, 0], -R[:, 2], mano_hand.SEGMENT_LENGTHS[f], flex)
        return np.stack(kp)

    @staticmethod
    def finger_radii(finger: int, per_segment: int = 6) -> np.ndarray:
        """Radius [m] of the finger at each point of :meth:`finger_samples`: the MANO-like hand's capsules. A finger is
        as thick as the robot that tracks it, so a grasp stops where its skin, not its bone, meets the object."""
        return np.repeat(mano_hand.SEGMENT_RADII[FINGER_NAMES[finger]], per_segment)

    def finger_samples(self, closure: np.ndarray, finger: int, per_segment: int = 6, skin: bool = False) -> np.ndarray:
        """Points along the segments of one finger (0 = thumb) in the hand frame, for collision checks: its keypoint
        chain, or with ``skin`` the axes of the MANO-like hand's capsules, whose skin lies :meth:`finger_radii` away.
        The two differ at the tip: the tip keypoint is on the skin, so the last capsule's axis (and the pad sphere's
        centre) ends one pad radius short of it."""
        kp = self.local_keypoints(closure)
        ends = [kp[1 + 4 * finger + k] for k in range(4)]
        if skin:
            ends[3] = _pad_centre(kp, finger)
        s = np.linspace(0, 1, per_segment)[:, None]
        return np.concatenate([a + s * (b - a) for a, b in zip(ends[:-1], ends[1:])])

    def pad_centres(self, closure: np.ndarray) -> np.ndarray:
        """(5, 3) centre of each fingertip's pad sphere (radius :data:`TIP_RADII`) in the hand frame, thumb first."""
        kp = self.local_keypoints(closure)
        return np.stack([_pad_centre(kp, f) for f in range(5)])


def _pad_centre(kp: np.ndarray, finger: int) -> np.ndarray:
    """(3,) the pad sphere's centre of ``finger`` from the 21 keypoints: one pad radius back from the tip keypoint
    (which is on the skin) along the distal segment."""
    dip, tip = kp[3 + 4 * finger], kp[4 + 4 * finger]
    return tip - TIP_RADII[finger] * (tip - dip) / np.linalg.norm(tip - dip)


@dataclass
class GraspPose:
    wrist_pos: np.ndarray  # (3,) world
    wrist_quat: np.ndarray  # (4,) x, y, z, w
    closure: np.ndarray  # (5,)
    touching: np.ndarray  # (5,) bool


def close_fingers(hand: HumanHand, wrist_pos, wrist_quat, sdf, scan_steps: int = 40, skin: bool = True) -> GraspPose:
    """Curl each finger until its skin first touches the object, then :data:`SQUEEZE` further into it; fingers that
    curl fully without touching stay free. ``skin=False``: the fingers are their keypoint chains (no thickness, no
    squeeze), the tips end on the surface: what a robot hand retargeted to the keypoints needs to touch the object
    (the HO-tracking demonstrations, :func:`default_demo_set`); HOT's clips are made for the MANO-like hand's skin.

    A finger's first touch is found on a grid of ``scan_steps`` closures (a finger that sweeps through a thin object
    and out again must stop before it, not at the far side), then refined by bisection between the last clear and
    the first touching grid value. ``sdf(points)``: signed distance [m] of world points (n, 3) to the object where it
    is (< 0 inside)."""
    R = Rotation.from_quat(wrist_quat)
    closure, touching = np.zeros(5), np.zeros(5, dtype=bool)

    def min_sdf(c_all, f):  # of the finger's skin
        return (sdf(R.apply(hand.finger_samples(c_all, f, skin=skin)) + wrist_pos) - skin * hand.finger_radii(f)).min()

    for f in range(5):
        c = closure.copy()
        c[f] = 0.0
        if min_sdf(c, f) <= 0.0:
            raise ValueError("the open hand already intersects the object: bad pre-grasp")
        grid = np.linspace(0.0, 1.0, scan_steps + 1)

        def skin_sdf(k):
            return min_sdf(np.where(np.arange(5) == f, grid[k], c), f)

        first = next((k for k in range(1, len(grid)) if skin_sdf(k) <= TOUCH), None)
        if first is None:
            closure[f] = 1.0
            continue
        # the first grid closure SQUEEZE deep; a finger that only grazes a thin object is closed to touching instead
        deep = next((k for k in range(first, len(grid)) if skin and skin_sdf(k) <= -SQUEEZE), None)
        depth, k = (SQUEEZE, deep) if deep is not None else (0.0, first)
        lo, hi = grid[k - 1], grid[k]
        for _ in range(30):  # invariant: at lo the skin is at most `depth` inside, at hi deeper (or touching)
            mid = (lo + hi) / 2
            c[f] = mid
            if min_sdf(c, f) > -depth:
                lo = mid
            else:
                hi = mid
        closure[f] = lo
        touching[f] = True
    return GraspPose(np.asarray(wrist_pos, float), np.asarray(wrist_quat, float), closure, touching)


def _smoothstep(n: int) -> np.ndarray:
    s = np.linspace(0.0, 1.0, n)
    return s * s * (3 - 2 * s)


@dataclass
class ClipPlan:
    """What a clip does after the grasp: lift height, then a translation and/or yaw, then place or hold."""

    skill: str
    lift: float = 0.10  # [m]
    move: tuple[float, float] = (0.0, 0.0)  # horizontal translation [m]
    yaw: float = 0.0  # rotation about the vertical through the object [rad]
    place: bool = True


def top_grasp_wrist(spec: ObjectSpec, obj_pos: np.ndarray, yaw: float, hand: HumanHand) -> tuple[np.ndarray, np.ndarray]:
    """Wrist pose putting the palm centre 1 cm above the object's top, fingers along ``yaw``, palm down."""
    quat = Rotation.from_euler("z", yaw).as_quat()
    palm_centre = np.array([0.06, 0.0, 0.0])
    top = obj_pos + np.array([0.0, 0.0, spec.half_height + 0.012])
    return top - Rotation.from_quat(quat).apply(palm_centre), quat


def side_grasp_wrist(spec: ObjectSpec, obj_pos: np.ndarray, hand: HumanHand) -> tuple[np.ndarray, np.ndarray]:
    """Right hand on the object's +x face, palm toward -x, fingers along +y (two-handed carries)."""
    # hand z (back of hand) -> world +x, hand x (fingers) -> world +y, hand y -> world +z... keep right-handed
    R = np.column_stack([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    quat = Rotation.from_matrix(R).as_quat()
    half_x = spec.dims[0] / 2 if spec.kind == "box" else spec.dims[0]
    palm_centre = np.array([0.06, 0.0, 0.0])
    face = obj_pos + np.array([half_x + 0.012, 0.0, 0.0])
    return face - Rotation.from_quat(quat).apply(palm_centre), quat


def make_clip(name: str, spec: ObjectSpec, grasp_wrist, plan: ClipPlan, obj_xy=(0.0, 0.0)) -> ReferenceMotion:
    """Build one right-hand clip. ``grasp_wrist(spec, obj_pos)`` -> (wrist_pos, wrist_quat) of the grasp."""
    hand = HumanHand()
    obj_pos0 = np.array([obj_xy[0], obj_xy[1], TABLE_HEIGHT + spec.half_height])
    obj_quat0 = np.array([0.0, 0.0, 0.0, 1.0])
    pose0 = np.concatenate([obj_pos0, obj_quat0])
    g_pos, g_quat = grasp_wrist(spec, obj_pos0)
    grasp = close_fingers(hand, g_pos, g_quat, lambda pts: sdf_world(spec.kind, spec.dims, pose0, pts), skin=False)
    if grasp.touching[0] + grasp.touching[1:].sum() < 3 or not grasp.touching[0]:
        raise ValueError(f"{name}: grasp of {spec.name} touches with {grasp.touching.tolist()}; "
                         "need the thumb and two fingers")
    back = Rotation.from_quat(g_quat).apply([0.0, 0.0, 1.0])  # away from the palm
    pre_pos = g_pos + 0.08 * back

    n = {"approach": 48, "close": 30, "lift": 36, "move": 60, "place": 36, "release": 24, "retreat": 24}
    wrist_p, wrist_q, closure, obj = [], [], [], []
    open_c = np.zeros(5)

    def push(wp, wq, c, op):
        wrist_p.append(wp), wrist_q.append(wq), closure.append(c), obj.append(op)

    for s in _smoothstep(n["approach"]):
        push(pre_pos + s * (g_pos - pre_pos), g_quat, open_c, pose0)
    for s in _smoothstep(n["close"])[1:]:
        push(g_pos, g_quat, s * grasp.closure, pose0)
    # grasped: the object is rigid in the wrist frame from here on
    T_wo = (Rotation.from_quat(g_quat).inv(), Rotation.from_quat(g_quat).inv().apply(obj_pos0 - g_pos))

    def carry(wp, wq):
        Rw = Rotation.from_quat(wq)
        op = wp + Rw.apply(T_wo[1])
        oq = (Rw * T_wo[0] * Rotation.from_quat(obj_quat0)).as_quat()
        push(wp, wq, grasp.closure, np.concatenate([op, oq]))

    lifted = g_pos + np.array([0.0, 0.0, plan.lift])
    for s in _smoothstep(n["lift"])[1:]:
        carry(g_pos + s * (lifted - g_pos), g_quat)
    pivot = obj_pos0 + np.array([0.0, 0.0, plan.lift])
    end_pos, end_quat = lifted, g_quat
    if plan.move != (0.0, 0.0) or plan.yaw:
        shift = np.array([plan.move[0], plan.move[1], 0.0])
        for s in _smoothstep(n["move"])[1:]:
            Ryaw = Rotation.from_euler("z", s * plan.yaw)
            wp = pivot + s * shift + Ryaw.apply(lifted - pivot)
            carry(wp, (Ryaw * Rotation.from_quat(g_quat)).as_quat())
        end_quat = (Rotation.from_euler("z", plan.yaw) * Rotation.from_quat(g_quat)).as_quat()
        end_pos = pivot + shift + Rotation.from_euler("z", plan.yaw).apply(lifted - pivot)
    else:
        for _ in range(n["move"] // 2):  # hold in the air
            carry(lifted, g_quat)
    if plan.place:
        down = end_pos - np.array([0.0, 0.0, plan.lift])
        for s in _smoothstep(n["place"])[1:]:
            carry(end_pos + s * (down - end_pos), end_quat)
        placed = obj[-1]
        for s in _smoothstep(n["release"])[1:]:
            push(down, end_quat, (1 - s) * grasp.closure, placed)
        back_end = Rotation.from_quat(end_quat).apply([0.0, 0.0, 1.0])
        for s in _smoothstep(n["retreat"])[1:]:
            push(down + s * 0.08 * back_end, end_quat, open_c, placed)

    closure = np.stack(closure)
    wrist_p, wrist_q, obj = np.stack(wrist_p), np.stack(wrist_q), np.stack(obj)
    R = Rotation.from_quat(wrist_q)
    local = np.stack([hand.local_keypoints(c) for c in closure])  # (T, 21, 3)
    kps = np.einsum("tij,tkj->tki", R.as_matrix(), local) + wrist_p[:, None]
    tips = kps[:, list(FINGERTIP_KEYPOINT_IDS)]
    tip_sdf = np.stack([sdf_world(spec.kind, spec.dims, obj[t], tips[t]) for t in range(len(obj))])
    hand_track = HandTrack(wrist_pos=wrist_p, wrist_quat=wrist_q, keypoints=kps, contacts=tip_sdf < CONTACT)
    obj_track = ObjectTrack(pose=obj, shape=spec.kind, dims=tuple(spec.dims), name=spec.name, mass=spec.mass)
    return ReferenceMotion(fps=FPS, hands={"right": hand_track}, objects=[obj_track], skill=plan.skill,
                           name=name).validate()


def merge_bimanual(right: ReferenceMotion, left: ReferenceMotion, name: str, shared_object: bool) -> ReferenceMotion:
    """One two-hand clip from a right-hand clip and a left-hand clip of equal length."""
    if right.num_frames != left.num_frames:
        raise ValueError(f"{name}: right and left clips differ in length ({right.num_frames} vs {left.num_frames})")
    objects = right.objects if shared_object else right.objects + left.objects
    return ReferenceMotion(fps=right.fps, hands={"right": right.hands["right"], "left": left.hands["left"]},
                           objects=objects, skill=right.skill, name=name).validate()


def default_demo_set(seed: int = 0) -> list[tuple[ReferenceMotion, str]]:
    """The bundled clips with their split: 4 right, 2 left, 2 bimanual one-object, 1 bimanual two-object."""
    rng = np.random.default_rng(seed)
    hand = HumanHand()

    def top(spec, yaw=0.0):
        return lambda s, p: top_grasp_wrist(s, p, yaw, hand)

    def obj(kind, k):
        return sample_object(kind, seed * 100 + k)

    clips: list[tuple[ReferenceMotion, str]] = []
    box, cyl, box3, box2 = obj("box", 1), obj("cylinder", 2), obj("box", 3), obj("box", 4)
    r1 = make_clip("right_grasp_box", box, top(box), ClipPlan("grasp", place=False))
    r2 = make_clip("right_move_cylinder", cyl, top(cyl, 0.3),
                   ClipPlan("move", move=tuple(rng.uniform(-0.12, 0.12, 2)), place=True))
    r3 = make_clip("right_rotate_box", box2, top(box2), ClipPlan("rotate", yaw=float(rng.uniform(0.6, 1.2))))
    r4 = make_clip("right_place_box", box3, top(box3, -0.4), ClipPlan("place", move=(0.0, 0.08), place=True))
    clips += [(r1, "train"), (r2, "train"), (r3, "train"), (r4, "validation")]
    clips += [(_renamed(r2.mirrored(), "left_move_cylinder"), "train"),
              (_renamed(r3.mirrored(), "left_rotate_box"), "validation")]
    # two-handed carries: a long box held on its +-x faces by mirrored side grasps
    for k, (move, split) in enumerate((((0.0, 0.10), "train"), ((0.0, -0.08), "validation"))):
        big = ObjectSpec("box", (0.16, 0.10, 0.08 + 0.01 * k), 0.0, name=f"carry_box_{k}")
        big = ObjectSpec("box", big.dims, round(400.0 * big.volume, 6), name=big.name)
        right = make_clip("r", big, lambda s, p: side_grasp_wrist(s, p, hand), ClipPlan("move", move=move))
        clips.append((merge_bimanual(right, right.mirrored(), f"bimanual_carry_box_{k}", True), split))
    # two objects, one per hand, placed symmetrically
    a, b = obj("box", 5), obj("cylinder", 6)
    ra = make_clip("ra", a, top(a), ClipPlan("move", move=(0.0, 0.08)), obj_xy=(0.15, 0.0))
    rb = make_clip("rb", b, top(b), ClipPlan("move", move=(0.0, 0.08)), obj_xy=(0.15, 0.0))
    clips.append((merge_bimanual(ra, rb.mirrored(), "bimanual_two_objects", False), "train"))
    return clips


def _renamed(m: ReferenceMotion, name: str) -> ReferenceMotion:
    m.name = name
    return m
