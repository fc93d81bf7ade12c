"""Retargeting human keypoints to a bundled robot hand: Adam on batched forward kinematics (no simulator).

Per clip and hand, the optimiser fits, for every frame, the robot's wrist pose (position + continuous
6-D rotation) and its actuated finger joints (through a sigmoid onto their limits, so limits always
hold; mimic followers = ratio × driver) to the 21 MANO keypoints, with ManipTrans' per-keypoint
weights (thumb tip 25, index tip 20, middle tip 10, ring tip 7, pinky tip 5, others 1) and a temporal
smoothness term. The wrist is initialised per frame by a least-squares (Kabsch) fit of the palm
keypoints. The :class:`RetargetReport` says how well it went and flags a failed clip instead of
letting bad data through silently.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from scipy.spatial.transform import Rotation

from ..assets.hands import WRIST_JOINT_NAMES, DexHand
from ..mano import FINGERTIP_KEYPOINT_IDS, MANO_KEYPOINT_NAMES
from .hand_model import HandKinematics, matrix_to_rot6d, rot6d_to_matrix

KEYPOINT_WEIGHTS = {4: 25.0, 8: 20.0, 12: 10.0, 16: 7.0, 20: 5.0}
"""ManipTrans' weights by MANO keypoint index (tips); every other keypoint weighs 1."""
PALM_KEYPOINTS = (0, 1, 5, 9, 13, 17)
"""Wrist and the finger bases: nearly rigid with the palm, used for the wrist initialisation."""


@dataclass
class RetargetConfig:
    iterations: int = 300
    """Adam steps (cosine-decayed learning rates)."""
    refine_iterations: int = 300
    """L-BFGS iterations after Adam."""
    lr_wrist: float = 5e-3
    lr_joints: float = 1e-1
    smooth_weight: float = 1.0
    """Weight of the squared second difference over frames of joints [rad] and wrist [cm, 6-D rotation]."""
    frame_threshold_cm: float = 2.0
    """A frame is 'over' when any fingertip is farther than this from its target."""
    fail_mean_cm: float = 2.5
    """A clip fails when the mean error over all mapped keypoints exceeds this (hands differ from humans:
    knuckles and wrists of a robot hand need not sit where a human's do; fingertips must)."""
    fail_tip_mean_cm: float = 1.0
    """... or when the mean fingertip error exceeds this ..."""
    fail_over_fraction: float = 0.1
    """... or when more than this fraction of the frames is over :attr:`frame_threshold_cm`."""


@dataclass
class RetargetReport:
    clip: str
    hand: str
    side: str
    frames: int
    mean_cm: float
    max_cm: float
    tip_mean_cm: float
    tip_max_cm: float
    frames_over: int
    threshold_cm: float
    failed: bool
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        status = "FAILED: " + self.reason if self.failed else "ok"
        return (f"{self.clip:28s} {self.hand:14s} keypoints mean {self.mean_cm:5.2f} cm max {self.max_cm:5.2f} cm | "
                f"tips mean {self.tip_mean_cm:5.2f} cm max {self.tip_max_cm:5.2f} cm | "
                f"{self.frames_over}/{self.frames} frames with a tip > {self.threshold_cm:g} cm | {status}")


def kabsch(src: torch.Tensor, dst: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Rotation R (..., 3, 3) and translation t (..., 3) minimising ||R src + t - dst|| over points (..., N, 3)."""
    cs, cd = src.mean(-2, keepdim=True), dst.mean(-2, keepdim=True)
    H = (src - cs).transpose(-1, -2) @ (dst - cd)
    U, _, Vt = torch.linalg.svd(H)
    d = torch.sign(torch.det(Vt.transpose(-1, -2) @ U.transpose(-1, -2)))
    D = torch.diag_embed(torch.stack([torch.ones_like(d), torch.ones_like(d), d], dim=-1))
    R = Vt.transpose(-1, -2) @ D @ U.transpose(-1, -2)
    t = cd[..., 0, :] - (R @ cs[..., 0, :, None])[..., 0]
    return R, t


def retarget(keypoints: np.ndarray, hand: DexHand, cfg: RetargetConfig | None = None, clip: str = "", side: str = "",
             kinematics: HandKinematics | None = None) -> tuple[np.ndarray, list[str], RetargetReport]:
    """Fit ``hand`` to MANO ``keypoints`` (T, 21, 3) [m, world frame].

    Returns the robot joint trajectory (T, 6 + J) — the virtual wrist joints (relative to a hand base at
    the world origin; angles unwrapped over time) then every finger joint in MJCF order — its column
    names, and the report.
    """
    cfg = cfg or RetargetConfig()
    hk = kinematics or HandKinematics(hand)
    ids = hk.keypoint_ids
    target = torch.tensor(np.asarray(keypoints)[:, ids], dtype=torch.float64) * 100.0  # cm
    T = target.shape[0]
    w = torch.tensor([KEYPOINT_WEIGHTS.get(k, 1.0) for k in ids], dtype=torch.float64)
    A = hk.actuated_to_full
    act_rows = [hk.joint_names.index(n) for n in hk.actuated_names]
    lo, hi = hk.lower[act_rows], hk.upper[act_rows]

    # wrist initialisation: palm keypoints of the robot at mid-range joints onto the human's
    palm = [ids.index(k) for k in PALM_KEYPOINTS if k in ids]
    q_mid = hk.full_from_actuated((lo + hi) / 2)
    robot_palm = hk.keypoints(q_mid)[palm] * 100.0
    R0, t0 = kabsch(robot_palm.expand(T, -1, -1), target[:, palm])

    pos = t0.clone().requires_grad_(True)
    r6 = matrix_to_rot6d(R0).clone().requires_grad_(True)
    u = torch.zeros(T, len(hk.actuated_names), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([{"params": [pos, r6], "lr": cfg.lr_wrist * 100}, {"params": [u], "lr": cfg.lr_joints}])
    # cosine decay to 1 %: large steps find the basin, small ones reach sub-millimetre fits
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg.iterations, eta_min=0.0)

    def predict():
        q_act = lo + (hi - lo) * torch.sigmoid(u)
        kp = hk.keypoints(q_act @ A.T, pos / 100.0, rot6d_to_matrix(r6)) * 100.0
        return q_act, kp

    def objective():
        q_act, kp = predict()
        err = ((kp - target) ** 2).sum(-1)  # (T, K) cm^2
        loss = (err * w).sum(-1).mean() / w.sum()
        if T > 2:  # second differences: penalise jerky fits, not motion itself
            loss = loss + cfg.smooth_weight * sum(
                (x[2:] - 2 * x[1:-1] + x[:-2]).pow(2).sum(-1).mean() for x in (q_act, pos, r6))
        return loss

    for _ in range(cfg.iterations):  # Adam finds the basin ...
        opt.zero_grad()
        objective().backward()
        opt.step()
        sched.step()
    # ... and L-BFGS converges in it (the fit is a smooth, badly conditioned least-squares problem)
    lbfgs = torch.optim.LBFGS([pos, r6, u], lr=1.0, max_iter=cfg.refine_iterations, history_size=50,
                              tolerance_grad=1e-12, tolerance_change=1e-14, line_search_fn="strong_wolfe")

    def closure():
        lbfgs.zero_grad()
        loss = objective()
        loss.backward()
        return loss

    if cfg.refine_iterations:
        lbfgs.step(closure)

    with torch.no_grad():
        q_act, kp = predict()
        dist = (kp - target).norm(dim=-1)  # (T, K) cm
        R = rot6d_to_matrix(r6).numpy()
        p = (pos / 100.0).numpy()
        q_full = (q_act @ A.T).numpy()
    tips = [ids.index(k) for k in FINGERTIP_KEYPOINT_IDS if k in ids]
    euler = Rotation.from_matrix(R).as_euler("xyz")  # extrinsic x-y-z = Rz Ry Rx: the virtual wrist
    euler = np.unwrap(euler, axis=0)
    joints = np.concatenate([p, euler, q_full], axis=1)
    names = list(WRIST_JOINT_NAMES) + hk.joint_names

    over = int((dist[:, tips].max(dim=-1).values > cfg.frame_threshold_cm).sum())
    mean, tip_mean = float(dist.mean()), float(dist[:, tips].mean())
    reasons = []
    if mean > cfg.fail_mean_cm:
        reasons.append(f"mean keypoint error {mean:.2f} cm > {cfg.fail_mean_cm} cm")
    if tip_mean > cfg.fail_tip_mean_cm:
        reasons.append(f"mean fingertip error {tip_mean:.2f} cm > {cfg.fail_tip_mean_cm} cm")
    if over > cfg.fail_over_fraction * T:
        reasons.append(f"{over} of {T} frames over {cfg.frame_threshold_cm} cm")
    report = RetargetReport(
        clip=clip, hand=hand.name, side=side, frames=T, mean_cm=mean, max_cm=float(dist.max()),
        tip_mean_cm=tip_mean, tip_max_cm=float(dist[:, tips].max()), frames_over=over,
        threshold_cm=cfg.frame_threshold_cm, failed=bool(reasons), reason="; ".join(reasons),
    )
    return joints, names, report


def robot_keypoints(joints: np.ndarray, names: list[str], hand: DexHand,
                    kinematics: HandKinematics | None = None) -> np.ndarray:
    """World keypoints (T, 21, 3) [m] of a robot joint trajectory (NaN where the hand has no mapping)."""
    hk = kinematics or HandKinematics(hand)
    q = torch.tensor(joints, dtype=torch.float64)
    col = {n: i for i, n in enumerate(names)}
    wrist = q[:, [col[n] for n in WRIST_JOINT_NAMES]]
    R = torch.tensor(Rotation.from_euler("xyz", wrist[:, 3:].numpy()).as_matrix())
    fingers = q[:, [col[n] for n in hk.joint_names]]
    kp = hk.keypoints(fingers, wrist[:, :3], R).numpy()
    out = np.full((len(q), len(MANO_KEYPOINT_NAMES), 3), np.nan)
    out[:, hk.keypoint_ids] = kp
    return out


def retarget_motion(motion, hands_by_side: dict[str, list[DexHand]], cfg: RetargetConfig | None = None,
                    kinematics: dict[str, HandKinematics] | None = None):
    """Retarget every hand side of ``motion`` (which must carry keypoints) to the given robot hands.

    Adds ``joint_pos[robot]`` / ``joint_names[robot]`` to the clip's hand tracks in place and returns
    the reports; a hand whose report failed gets no joint trajectory.
    """
    from .errors import MotionFormatError

    kinematics = kinematics if kinematics is not None else {}
    reports = []
    for side, hands in hands_by_side.items():
        if side not in motion.hands:
            continue
        track = motion.hands[side]
        if track.keypoints is None:
            raise MotionFormatError(motion.source, f"hands/{side}/keypoints", "nothing",
                                    "21 MANO keypoints per frame to retarget from")
        for hand in hands:
            if hand.side != side:
                raise ValueError(f"cannot retarget the {side} hand of {motion.name} to {hand.name} ({hand.side})")
            hk = kinematics.setdefault(hand.name, HandKinematics(hand))
            joints, names, report = retarget(track.keypoints, hand, cfg, clip=motion.name, side=side, kinematics=hk)
            reports.append(report)
            if not report.failed:
                track.joint_pos[hand.name] = joints
                track.joint_names[hand.name] = names
    return reports
