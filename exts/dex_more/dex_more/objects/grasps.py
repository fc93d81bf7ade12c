"""Grasp proposals (DexGraspNet-style): a hand pose relative to an object that holds it.

A proposal is the pose of the hand's root body (the frame its six virtual wrist joints set) in the object frame,
``wrist_pos`` [m] and ``wrist_quat`` (x, y, z, w), and the hand's actuated finger joints ``joint_pos`` [rad]
(:attr:`dex_more.assets.DexHand.finger_joint_names` order). ResDex's ``(R, t, q)``.

:func:`synthesize_grasps` optimises proposals in batched torch on the hand's forward kinematics
(:class:`dex_more.motion.hand_model.HandKinematics`), with DexGraspNet's energy terms: fingertips onto the surface,
no hand point inside the object (its signed distance, :func:`~dex_more.objects.geometry.parts_signed_distance`),
no finger inside another, joints within their limits, contact forces that cancel out (DexGraspNet's force closure
over the fingertips, and a balance over every hand body touching the object), and (the tabletop) no hand point below
the table the object rests on. The search starts with the palm facing the object and the thumb across the object's
narrowest width from the fingers: a hand that lands with every finger on one face cannot hold anything.
:func:`grasp_contact_metrics` measures a proposal exactly on the object's mesh (:func:`keep_mask`: DexGraspNet's
acceptance, no penetration over 2 mm and at least three fingertips within 5 mm of the surface).
"""
from __future__ import annotations

from dataclasses import dataclass

import mujoco
import numpy as np
import torch
import trimesh

import isaaclab.utils.math as math_utils

from dex_more.assets import DexHand
from dex_more.motion.hand_model import HandKinematics, matrix_to_rot6d, rot6d_to_matrix

from .geometry import binding_normals, hull_planes, parts_signed_distance
from .object_set import ObjectAsset


def _geom_mesh(m: mujoco.MjModel, g: int) -> trimesh.Trimesh | None:
    """The collision geometry ``g`` of a MuJoCo model as a mesh in its body's frame."""
    t, size = int(m.geom_type[g]), m.geom_size[g]
    G = mujoco.mjtGeom
    if t == G.mjGEOM_BOX:
        mesh = trimesh.creation.box(extents=2 * size)
    elif t == G.mjGEOM_SPHERE:
        mesh = trimesh.creation.icosphere(subdivisions=2, radius=size[0])
    elif t == G.mjGEOM_CAPSULE:
        mesh = trimesh.creation.capsule(height=2 * size[1], radius=size[0], count=[8, 8])
    elif t == G.mjGEOM_CYLINDER:
        mesh = trimesh.creation.cylinder(radius=size[0], height=2 * size[1], sections=16)
    elif t == G.mjGEOM_MESH:
        mid = m.geom_dataid[g]
        v0, nv, f0, nf = m.mesh_vertadr[mid], m.mesh_vertnum[mid], m.mesh_faceadr[mid], m.mesh_facenum[mid]
        mesh = trimesh.Trimesh(m.mesh_vert[v0:v0 + nv], m.mesh_face[f0:f0 + nf], process=False)
    else:
        return None
    w, x, y, z = m.geom_quat[g]
    T = trimesh.transformations.quaternion_matrix([w, x, y, z])
    T[:3, 3] = m.geom_pos[g]
    mesh.apply_transform(T)
    return mesh


class HandSurface:
    """Points on a hand's collision geometry, per body, in each body's frame (for the energy terms and the exact
    metrics). ``body`` indexes :attr:`HandKinematics.bodies` (-1: the root body)."""

    def __init__(self, hand: DexHand, kinematics: HandKinematics, count: int, seed: int = 0):
        m = mujoco.MjModel.from_xml_path(hand.mjcf_path)
        names = kinematics.body_names
        meshes, bodies = [], []
        for g in range(m.ngeom):
            if m.geom_contype[g] == 0 and m.geom_conaffinity[g] == 0:
                continue
            name = m.body(m.geom_bodyid[g]).name
            if name != hand.root_body and name not in names:
                continue
            mesh = _geom_mesh(m, g)
            if mesh is not None:
                meshes.append(mesh)
                bodies.append(-1 if name == hand.root_body else names.index(name))
        areas = np.array([mk.area for mk in meshes])
        per = np.maximum(4, np.round(count * areas / areas.sum()).astype(int))
        rng = np.random.default_rng(seed)
        points, body_of = [], []
        for mesh, b, n in zip(meshes, bodies, per):
            p, _ = trimesh.sample.sample_surface(mesh, int(n), seed=int(rng.integers(2**31)))
            points.append(p)
            body_of += [b] * int(n)
        self.points = torch.tensor(np.concatenate(points), dtype=kinematics.dtype)
        """(P, 3) points, each in its body's frame [m]."""
        self.body = torch.tensor(body_of)
        tips = [names.index(b) for b in hand.fingertip_body_names]
        self.finger_of_point = torch.full((len(body_of),), -1)
        """(P,) index of the finger (fingertip order) whose distal body carries the point, else -1."""
        for f, b in enumerate(tips):
            self.finger_of_point[self.body == b] = f
        self.num_fingers = len(tips)
        self.finger_masks = torch.stack([self.finger_of_point == f for f in range(self.num_fingers)])
        """(fingers, P) which points each finger's distal body carries."""
        self.body_masks = torch.stack([self.body == b for b in self.body.unique()])
        """(bodies, P) which points each body carries (the root included)."""
        # the finger chain each body belongs to (a prefix of its name, e.g. rh_ff), for finger-finger penetration
        chain = {name: next((t for t in hand.fingertip_body_names if name[:5] == t[:5]), None) for name in names}
        self.chain_of_point = torch.tensor([tips.index(names.index(chain[names[b]])) if b >= 0 and chain[names[b]]
                                            else -1 for b in body_of])


def _masked_argmin(values: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
    """(..., K) index of the smallest of ``values`` (..., P) among the points of each mask (K, P): each finger's or
    each body's point nearest the surface."""
    return torch.where(masks, values[..., None, :], torch.full_like(values[..., None, :], torch.inf)).argmin(-1)


def _poses(kin: HandKinematics, q: torch.Tensor, wrist_pos: torch.Tensor, wrist_R: torch.Tensor):
    """Body poses in the object frame for the hand at (wrist_pos, wrist_R) with actuated joints q; the root last."""
    p, R = kin.body_poses(q @ kin.actuated_to_full.T)
    p = torch.cat([p, torch.zeros_like(p[..., :1, :])], dim=-2)
    R = torch.cat([R, torch.eye(3, dtype=q.dtype).expand(*q.shape[:-1], 1, 3, 3)], dim=-3)
    R_w = wrist_R[..., None, :, :] @ R
    p_w = (wrist_R[..., None, :, :] @ p[..., None])[..., 0] + wrist_pos[..., None, :]
    return p_w, R_w


def hand_points(kin: HandKinematics, surface: HandSurface, q, wrist_pos, wrist_R) -> torch.Tensor:
    """(..., P, 3) the surface points of the hand at the given pose, object frame."""
    p_w, R_w = _poses(kin, q, wrist_pos, wrist_R)
    body = surface.body.clone()
    body[body < 0] = p_w.shape[-2] - 1  # the root
    return (R_w[..., body, :, :] @ surface.points[:, :, None])[..., 0] + p_w[..., body, :]


@dataclass
class GraspSynthesisCfg:
    """Energy weights [per metre unless noted] and the optimiser of :func:`synthesize_grasps`."""

    candidates: int = 24
    iterations: int = 250
    learning_rate: float = 5e-3
    surface_points: int = 600
    self_points: int = 120
    """Points of the finger chains checked against each other (a subset of the surface points)."""
    w_distance: float = 100.0
    """Each fingertip's closest point to the surface."""
    w_palm: float = 100.0
    """The palm's closest point to the surface: a power grasp, the object held against the palm, survives shaking
    where a fingertip pinch of a weakly driven hand does not."""
    w_penetration: float = 2000.0
    penetration_margin: float = 0.001
    """Hand points are pushed this far [m] out of the object (the energy sees a sample of the hand's surface)."""
    w_self: float = 100.0
    w_table: float = 500.0
    w_force_closure: float = 10.0
    """Net wrench of unit forces at the fingertips' contacts (DexGraspNet's force closure): force [N] along the
    directions from the centre of mass to the contacts, plus the torque of the contacts' unit normal forces about the
    centre of mass over :attr:`torque_length` [N]."""
    torque_length: float = 0.05
    w_balance: float = 20.0
    """Net of the unit forces (from the centre of mass outward) of every hand body near the surface, each weighted by
    ``exp(-distance / balance_scale)``, over the sum of the weights (1 + ...): a palm pressed on one face with the
    fingers beside it has no opposing contact, and a squeeze pushes the object away."""
    balance_scale: float = 0.005
    """[m]"""
    roll_jitter_deg: float = 20.0
    """Initial roll of the hand about the approach direction: the thumb across the narrowest width, ± this."""
    self_margin: float = 0.012
    """Points of different fingers closer than this [m] penetrate each other."""
    table_clearance: float = 0.005
    """Hand points keep this far [m] above the table the object rests on."""
    approach_gap: float = 0.03
    """Initial distance [m] of the palm from the object's surface."""


def synthesis_surface(hand: DexHand, kin: HandKinematics,
                      points: int = GraspSynthesisCfg.surface_points) -> HandSurface:
    """The hand points the optimisation's energy and :func:`closing_targets` use."""
    return HandSurface(hand, kin, points, seed=0)


METRIC_SURFACE_POINTS = 4000


def metric_surface(hand: DexHand, kin: HandKinematics) -> HandSurface:
    """The denser hand points :func:`grasp_contact_metrics` measures with (another sample than the optimisation's)."""
    return HandSurface(hand, kin, METRIC_SURFACE_POINTS, seed=1)


def _palm_frame(kin: HandKinematics, hand: DexHand) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Palm centre, palm normal (towards where the fingers close) and the opposition direction (thumb tip to the
    index and middle tips, fingers bent halfway) in the root frame, from the keypoints."""
    q0 = torch.zeros(1, len(kin.actuated_names), dtype=kin.dtype)
    kp = kin.keypoints(q0 @ kin.actuated_to_full.T)[0]
    ids = kin.keypoint_ids
    at = lambda k: kp[ids.index(k)]  # noqa: E731
    mcp = torch.stack([at(k) for k in (5, 9, 13) if k in ids])
    centre = 0.5 * (at(0) + mcp.mean(0))
    normal = torch.linalg.cross(at(5) - at(13 if 13 in ids else 9), at(9) - at(0))
    normal = normal / normal.norm()
    # fingers bent halfway move their tips towards the palm side
    bent = torch.clamp(0.5 * (kin.lower + kin.upper), kin.lower, kin.upper)[None]
    tips = kin.keypoints(bent)[0][[ids.index(k) for k in (8, 12) if k in ids]].mean(0)
    if float((tips - at(9)) @ normal) < 0:
        normal = -normal
    return centre, normal, tips - kin.keypoints(bent)[0][ids.index(4)]


def _initial_poses(obj: ObjectAsset, kin: HandKinematics, hand: DexHand, cfg: GraspSynthesisCfg,
                   gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Palms facing the object from directions over its upper hemisphere and sides, at ``approach_gap``."""
    B, dtype = cfg.candidates, kin.dtype
    centre, normal, opposition = _palm_frame(kin, hand)
    pts = torch.tensor(obj.points, dtype=dtype)
    # directions (object frame, z up) from a Fibonacci spiral over elevations -10°..90°
    k = torch.arange(B, dtype=dtype) + 0.5
    z = torch.sin(torch.deg2rad(-10 + 100 * k / B))
    phi = np.pi * (3 - np.sqrt(5)) * k + float(torch.rand(1, generator=gen)) * 2 * np.pi
    d = torch.stack([torch.sqrt(1 - z * z) * torch.cos(phi), torch.sqrt(1 - z * z) * torch.sin(phi), z], -1)
    reach = (pts @ d.T).max(0).values  # the object's extent along each direction
    palm_target = d * (reach + cfg.approach_gap)[:, None]
    # rotate the palm normal onto -d (about their common normal), then roll about d at random
    a, b = normal.expand(B, 3), -d
    axis = torch.linalg.cross(a, b)
    align = math_utils.quat_from_angle_axis(torch.atan2(axis.norm(dim=-1), (a * b).sum(-1)), axis)
    # roll about d: the thumb opposes the fingers across the object's narrowest width seen along d, either way round
    a = math_utils.quat_apply(align, opposition.expand(B, 3))
    a = a - (a * b).sum(-1, keepdim=True) * b
    flat = pts[None] - (pts @ b.T).T[..., None] * b[:, None]  # (B, S, 3) the points projected along d
    flat = flat - flat.mean(1, keepdim=True)
    _, axes = torch.linalg.eigh(flat.transpose(1, 2) @ flat)  # ascending variance; the first is d itself
    narrow = axes[..., 1]
    roll = torch.atan2((torch.linalg.cross(a, narrow, dim=-1) * b).sum(-1), (a * narrow).sum(-1))
    roll = roll + np.pi * (torch.rand(B, generator=gen) < 0.5).to(dtype)
    roll = roll + (torch.rand(B, generator=gen, dtype=dtype) * 2 - 1) * np.deg2rad(cfg.roll_jitter_deg)
    R = math_utils.matrix_from_quat(math_utils.quat_mul(math_utils.quat_from_angle_axis(roll, b), align))
    wrist_pos = palm_target - (R @ centre)
    # fingers a fifth to a third of the way closed, the hand's own wrist joints (Shadow) straight
    lo, hi, frozen = _actuated_limits(kin)
    q = lo + (hi - lo) * (0.2 + 0.15 * torch.rand(B, len(lo), generator=gen, dtype=dtype))
    return wrist_pos, matrix_to_rot6d(R), torch.where(frozen, torch.zeros_like(q), q)


def _actuated_limits(kin: HandKinematics) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Lower and upper limits [rad] of the actuated joints, and which are held at 0 (a hand's own wrist joints:
    the virtual wrist already places the hand)."""
    lo = torch.tensor([float(kin.lower[kin.joint_names.index(n)]) for n in kin.actuated_names], dtype=kin.dtype)
    hi = torch.tensor([float(kin.upper[kin.joint_names.index(n)]) for n in kin.actuated_names], dtype=kin.dtype)
    frozen = torch.tensor([n.endswith(("WRJ1", "WRJ2")) for n in kin.actuated_names])
    return lo, hi, frozen


def synthesize_grasps(obj: ObjectAsset, hand: DexHand, cfg: GraspSynthesisCfg | None = None, seed: int = 0,
                      kinematics: HandKinematics | None = None, surface: HandSurface | None = None) -> dict:
    """Optimise ``cfg.candidates`` proposals for ``obj``; returns the candidates sorted by final energy:
    ``wrist_pos`` (B, 3), ``wrist_quat`` (B, 4) x-y-z-w, ``joint_pos`` (B, A) and ``energy`` (B,), plus
    ``energy_start`` (the initial energies, for diagnosis)."""
    cfg = cfg or GraspSynthesisCfg()
    kin = kinematics or HandKinematics(hand, dtype=torch.float32)
    surface = surface or synthesis_surface(hand, kin, cfg.surface_points)
    dtype = kin.dtype
    gen = torch.Generator().manual_seed(seed)
    planes = hull_planes([v for v, _ in obj.parts], dtype=dtype)
    table_z = -obj.half_height
    com = torch.tensor(obj.com, dtype=dtype)
    wrist_pos, r6, q = _initial_poses(obj, kin, hand, cfg, gen)
    lo, hi, frozen = _actuated_limits(kin)
    # joints through a squashed parameter: always within their limits
    u = torch.atanh((2 * (q - lo) / (hi - lo).clamp_min(1e-6) - 1).clamp(-0.999, 0.999))
    params = [wrist_pos.clone().requires_grad_(), r6.clone().requires_grad_(), u.clone().requires_grad_()]
    opt = torch.optim.Adam(params, lr=cfg.learning_rate)
    palm_mask = surface.body == (kin.body_names.index(hand.palm_body) if hand.palm_body else -1)
    on_fingers = torch.nonzero(surface.chain_of_point >= 0).flatten()
    self_ids = on_fingers[torch.randperm(len(on_fingers), generator=gen)[: cfg.self_points]]
    chains = surface.chain_of_point[self_ids]
    other = chains[:, None] != chains[None, :]

    def energy(t, r, uu):
        joints = torch.where(frozen, torch.zeros_like(uu), lo + (hi - lo) * 0.5 * (torch.tanh(uu) + 1))
        pts = hand_points(kin, surface, joints, t, rot6d_to_matrix(r))
        sd = parts_signed_distance(pts, planes)  # (B, P)
        e_pen = torch.relu(cfg.penetration_margin - sd).sum(-1)
        # each finger: its distal body's closest point to the surface
        distance = sd.abs()
        closest = _masked_argmin(distance, surface.finger_masks)  # (B, fingers)
        e_dis = torch.gather(distance, 1, closest).sum(-1)
        e_palm = sd[:, palm_mask].abs().min(-1).values
        fp = pts[:, self_ids]
        e_self = (torch.relu(cfg.self_margin - torch.cdist(fp, fp)) * other).sum((-1, -2)) / 2
        e_table = torch.relu(table_z + cfg.table_clearance - pts[..., 2]).sum(-1)
        # opposition: surface normals (signed-distance gradients) at each finger's closest point, weighted by contact
        cp = torch.gather(pts, 1, closest[..., None].expand(-1, -1, 3))
        normals = binding_normals(cp.detach(), planes)
        # unit normal forces at the fingertips' contact points (e_dis brings them onto the surface) should cancel out.
        # A polyhedron's normals are constant on each face, so the net force gets its gradient from the directions
        # to the contacts from the centre of mass, which on a convex-ish object point along the outward normals
        radial = cp - com
        force = (radial / radial.norm(dim=-1, keepdim=True).clamp_min(1e-6)).sum(1)
        torque = torch.linalg.cross(radial, normals, dim=-1).sum(1) / cfg.torque_length
        e_fc = force.norm(dim=-1) + torque.norm(dim=-1)
        # every body near the surface pushes on it, not only the fingertips: the palm's and the phalanges' unit
        # forces must cancel too, weighted by how close each body's closest point is
        nearest = _masked_argmin(sd, surface.body_masks)  # (B, bodies)
        w = torch.exp(-torch.relu(torch.gather(sd, 1, nearest)) / cfg.balance_scale)
        outward = torch.gather(pts, 1, nearest[..., None].expand(-1, -1, 3)) - com
        push = (w[..., None] * outward / outward.norm(dim=-1, keepdim=True).clamp_min(1e-6)).sum(1)
        e_balance = push.norm(dim=-1) / (w.sum(-1) + 1.0)
        total = (cfg.w_distance * e_dis + cfg.w_palm * e_palm + cfg.w_penetration * e_pen + cfg.w_self * e_self
                 + cfg.w_table * e_table + cfg.w_force_closure * e_fc + cfg.w_balance * e_balance)
        return total, joints

    with torch.no_grad():
        start, _ = energy(*params)
    for i in range(cfg.iterations):
        opt.zero_grad()
        e, _ = energy(*params)
        e.sum().backward()
        opt.step()
        if i == cfg.iterations // 2:
            for group in opt.param_groups:
                group["lr"] = cfg.learning_rate * 0.3
    with torch.no_grad():
        e, joints = energy(*params)
        order = torch.argsort(e)
        R = rot6d_to_matrix(params[1])[order]
        return {"wrist_pos": params[0][order].numpy().astype(np.float32),
                "wrist_quat": math_utils.quat_from_matrix(R).numpy().astype(np.float32),
                "joint_pos": joints[order].numpy().astype(np.float32), "energy": e[order].numpy(),
                "energy_start": start.numpy()}


SIGNED_DISTANCE_CHUNK = 8192
"""Hand points per exact signed-distance query (bounds the memory of :func:`grasp_contact_metrics`)."""


def grasp_contact_metrics(obj: ObjectAsset, hand: DexHand, wrist_pos: np.ndarray, wrist_quat: np.ndarray,
                          joint_pos: np.ndarray, kinematics: HandKinematics | None = None,
                          surface: HandSurface | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Exact contact geometry of proposals (G, ...) on the object's mesh: the deepest hand point inside the object
    (G,) [m] (0 when none is) and each fingertip's distance to the surface (G, fingers) [m] (the closest point of
    its distal body; negative inside)."""
    kin = kinematics or HandKinematics(hand)
    surface = surface or metric_surface(hand, kin)
    q = torch.tensor(np.asarray(joint_pos), dtype=kin.dtype)
    R = math_utils.matrix_from_quat(torch.tensor(np.asarray(wrist_quat), dtype=kin.dtype))
    pts = hand_points(kin, surface, q, torch.tensor(np.asarray(wrist_pos), dtype=kin.dtype), R).numpy()
    mesh = obj.mesh
    G, P = pts.shape[:2]
    flat = pts.reshape(-1, 3)
    # in chunks: trimesh pairs every far point with most triangles (12 GB for 24 grasps of a thin 11 cm torus at once)
    inside = np.concatenate([trimesh.proximity.signed_distance(mesh, flat[i:i + SIGNED_DISTANCE_CHUNK])
                             for i in range(0, len(flat), SIGNED_DISTANCE_CHUNK)]).reshape(G, P)  # > 0 inside
    penetration = np.clip(inside.max(1), 0.0, None)
    tips = np.stack([(-inside[:, mask]).min(1) for mask in surface.finger_masks.numpy()], 1)
    return penetration, tips


CLOSING_MODES = ("com", "surface")
"""Where :func:`closing_targets` moves the fingertips: towards the centre of mass, or into the surface."""


def closing_targets(obj: ObjectAsset, hand: DexHand, wrist_pos: np.ndarray, wrist_quat: np.ndarray,
                    joint_pos: np.ndarray, step: float = 0.5, kinematics: HandKinematics | None = None,
                    surface: HandSurface | None = None, toward: str = "com") -> np.ndarray:
    """Finger joint targets (G, A) [rad] that close proposals on their object, for the validation: every fingertip's
    closest point moved, along the gradient in joint space of the summed objective, the largest joint change ``step``
    [rad], the hand's own wrist joints unchanged; compliant fingers stop on the surface short of these targets, and
    squeeze it. ``toward``: ``"com"`` moves the points towards the object's centre of mass (their summed distances
    to it), ``"surface"`` into the surface along its normal (their summed signed distances: DexGraspNet's closing,
    for a ring pinched at its rim, whose centre of mass lies in the hole)."""
    if toward not in CLOSING_MODES:
        raise ValueError(f"closing toward '{toward}': expected one of {CLOSING_MODES}")
    kin = kinematics or HandKinematics(hand, dtype=torch.float32)
    surface = surface or synthesis_surface(hand, kin)
    planes = hull_planes([v for v, _ in obj.parts], dtype=kin.dtype)
    q = torch.tensor(np.asarray(joint_pos), dtype=kin.dtype).requires_grad_()
    R = math_utils.matrix_from_quat(torch.tensor(np.asarray(wrist_quat), dtype=kin.dtype))
    pts = hand_points(kin, surface, q, torch.tensor(np.asarray(wrist_pos), dtype=kin.dtype), R)
    sd = parts_signed_distance(pts, planes)
    closest = _masked_argmin(sd, surface.finger_masks)  # (G, fingers)
    if toward == "com":
        contact = torch.gather(pts, 1, closest[..., None].expand(-1, -1, 3))
        objective = (contact - torch.tensor(obj.com, dtype=kin.dtype)).norm(dim=-1).sum()
    else:
        objective = torch.gather(sd, 1, closest).sum()
    (grad,) = torch.autograd.grad(objective, q)
    lo, hi, frozen = _actuated_limits(kin)
    grad = torch.where(frozen, torch.zeros_like(grad), grad)
    direction = -grad / grad.abs().max(-1, keepdim=True).values.clamp_min(1e-9)
    return torch.clamp(q + step * direction, lo, hi).detach().numpy().astype(np.float32)


MAX_PENETRATION, TIP_CONTACT, MIN_TIPS = 0.002, 0.005, 3
"""Acceptance of a proposal [m]: no hand point deeper in the object than MAX_PENETRATION, and at least MIN_TIPS
fingertips within TIP_CONTACT of its surface."""


def tips_in_contact(tips: np.ndarray) -> np.ndarray:
    """(G,) how many fingertips are within TIP_CONTACT of the surface, from fingertip distances (G, F) [m]."""
    return (np.abs(tips) <= TIP_CONTACT).sum(-1)


def keep_mask(penetration: np.ndarray, tips: np.ndarray) -> np.ndarray:
    """(G,) which proposals pass, from :func:`grasp_contact_metrics`' penetration (G,) and fingertip distances (G, F)."""
    return (penetration <= MAX_PENETRATION) & (tips_in_contact(tips) >= MIN_TIPS)
