"""Bundled hands on Newton (CPU): joints, forward kinematics, holding a pose, wrist tracking.

References are computed independently from the source MJCF with the ``mujoco`` package.
"""
from __future__ import annotations

import math

import mujoco
import numpy as np
import pytest
import torch

import isaaclab.utils.math as math_utils
from isaaclab.envs import ManagerBasedRLEnv

from dex_more.assets import HANDS, MANO_KEYPOINT_NAMES, WRIST_JOINT_NAMES
from dex_more.kinematics import keypoints_from_bodies, wrist_pose_to_joints
from dex_more.tasks.testbed import make_testbed_env_cfg
from dex_more.tasks.testbed.testbed_env_cfg import HAND_BASE_POS

NUM_ENVS = 4
CONTROL_HZ = 60  # testbed: physics 1/120 s, decimation 2


class HandBed:
    """One test-bed env for one hand plus the MuJoCo model of its source MJCF."""

    def __init__(self, name: str):
        self.hand = HANDS[name]
        self.env = ManagerBasedRLEnv(make_testbed_env_cfg(name, "box", seed=0, num_envs=NUM_ENVS))
        self.env.reset()
        self.robot = self.env.scene["robot"]
        self.names = list(self.robot.joint_names)
        self.mj = mujoco.MjModel.from_xml_path(self.hand.mjcf_path)
        self.mjd = mujoco.MjData(self.mj)
        self.base = self.env.scene.env_origins + torch.tensor(HAND_BASE_POS)
        lim = self.robot.data.joint_pos_limits.torch[0]
        self.lo, self.hi = lim[:, 0].clone(), lim[:, 1].clone()
        self.act_ids = [self.names.index(j) for j in self.hand.actuated_joint_names]

    def command(self, q_full: torch.Tensor, steps: int):
        """Hold actuated targets taken from a full joint vector for ``steps`` control steps."""
        action = q_full[:, self.act_ids]
        for _ in range(steps):
            self.env.step(action)

    def set_state(self, q_full: torch.Tensor):
        self.robot.write_joint_position_to_sim_index(position=q_full)
        self.robot.write_joint_velocity_to_sim_index(velocity=torch.zeros_like(q_full))
        self.env.sim.forward()

    def random_finger_pose(self, rng: np.random.Generator, lo_frac=0.2, hi_frac=0.8, jitter=None) -> torch.Tensor:
        """In-limit random finger positions, wrist at 0, mimic followers consistent with their drivers.

        Without ``jitter`` every joint draws its own fraction of its range (any pose, fingers may
        interpenetrate: fine for kinematics). With ``jitter``, each env draws one fraction for the whole
        hand and each joint deviates by at most ``jitter``: fingers stay apart, as in a grasp.
        """
        q = torch.zeros(NUM_ENVS, len(self.names))
        common = rng.uniform(lo_frac, hi_frac, NUM_ENVS)
        for k, j in enumerate(self.names):
            if j in WRIST_JOINT_NAMES:
                continue
            f = rng.uniform(lo_frac, hi_frac, NUM_ENVS) if jitter is None else common + rng.uniform(-jitter, jitter, NUM_ENVS)
            frac = torch.tensor(np.clip(f, 0.0, 1.0), dtype=torch.float32)
            q[:, k] = self.lo[k] + frac * (self.hi[k] - self.lo[k])
        for f, (d, r) in self.hand.mimic_joints.items():
            q[:, self.names.index(f)] = r * q[:, self.names.index(d)]
        return q

    def self_contacts(self, q_env: torch.Tensor) -> int:
        """Number of contacts MuJoCo finds between the hand's own geoms at joint positions ``q_env``."""
        for i in range(self.mj.njnt):
            self.mjd.qpos[self.mj.jnt_qposadr[i]] = float(q_env[self.names.index(self.mj.joint(i).name)])
        mujoco.mj_forward(self.mj, self.mjd)
        return int(self.mjd.ncon)

    def random_free_pose(self, rng: np.random.Generator) -> torch.Tensor:
        """Grasp-like random poses (see ``jitter``) in which no two links of the hand touch."""
        q = self.random_finger_pose(rng, jitter=0.05)
        for e in range(NUM_ENVS):
            for _ in range(200):
                if self.self_contacts(q[e]) == 0:
                    break
                q[e] = self.random_finger_pose(rng, jitter=0.05)[0]
            else:
                raise RuntimeError(f"no collision-free pose of {self.hand.name} found in 200 draws")
        return q


@pytest.fixture(scope="module", params=sorted(HANDS))
def bed(request):
    b = HandBed(request.param)
    yield b
    b.env.close()


def test_joints_match_source_mjcf(bed: HandBed):
    mj = bed.mj
    mj_names = [mj.joint(i).name for i in range(mj.njnt)]
    assert sorted(bed.names) == sorted(mj_names)
    assert len(bed.names) == mj.njnt
    for i, name in enumerate(mj_names):
        k = bed.names.index(name)
        assert float(bed.lo[k]) == pytest.approx(mj.jnt_range[i, 0], abs=1e-5), name
        assert float(bed.hi[k]) == pytest.approx(mj.jnt_range[i, 1], abs=1e-5), name
    # the action layout: 6 wrist joints then the actuated fingers; every non-actuated joint is a mimic follower
    assert bed.env.action_manager.total_action_dim == len(bed.hand.actuated_joint_names)
    passive = set(bed.names) - set(bed.hand.actuated_joint_names)
    assert passive == set(bed.hand.mimic_joints)


def test_mano_keypoint_mapping_is_complete(bed: HandBed):
    hand = bed.hand
    assert len(hand.keypoints) == len(MANO_KEYPOINT_NAMES) == 21
    bodies = set(bed.robot.body_names)
    assert all(kp is None or kp.body in bodies for kp in hand.keypoints)
    assert set(hand.fingertip_body_names) <= bodies
    assert len(hand.fingertip_body_names) == (4 if hand.name.startswith("allegro") else 5)
    # every mapped tip keypoint lies on its distal link: within 2 mm of a collision-mesh vertex
    mj, d = bed.mj, bed.mjd
    mujoco.mj_kinematics(mj, d)
    for kp in hand.fingertip_keypoints:
        if kp is None:
            continue
        bid = mj.body(kp.body).id
        tip_w = d.xpos[bid] + d.xmat[bid].reshape(3, 3) @ np.array(kp.offset)
        dists = []
        for g in np.flatnonzero(mj.geom_bodyid == bid):
            if mj.geom_type[g] == mujoco.mjtGeom.mjGEOM_MESH:
                m = mj.geom_dataid[g]
                v = mj.mesh_vert[mj.mesh_vertadr[m]: mj.mesh_vertadr[m] + mj.mesh_vertnum[m]]
                dists.append(np.linalg.norm(v @ d.geom_xmat[g].reshape(3, 3).T + d.geom_xpos[g] - tip_w, axis=1).min())
            elif int(mj.geom_type[g]) in (int(mujoco.mjtGeom.mjGEOM_SPHERE), int(mujoco.mjtGeom.mjGEOM_CAPSULE)):
                # distance to the surface: to the axis segment (a point for a sphere), less the radius
                local = d.geom_xmat[g].reshape(3, 3).T @ (tip_w - d.geom_xpos[g])
                half = mj.geom_size[g][1] if int(mj.geom_type[g]) == int(mujoco.mjtGeom.mjGEOM_CAPSULE) else 0.0
                axis_point = np.array([0.0, 0.0, np.clip(local[2], -half, half)])
                dists.append(abs(np.linalg.norm(local - axis_point) - mj.geom_size[g][0]))
        dist = min(dists)
        assert dist < 0.002, f"{hand.name} tip keypoint on {kp.body} is {dist * 1000:.1f} mm off its link"


def test_fingertip_fk_matches_mujoco(bed: HandBed):
    rng = np.random.default_rng(1)
    tip_ids = [bed.robot.body_names.index(b) for b in bed.hand.fingertip_body_names]
    errs = []
    for _ in range(3):
        q = bed.random_finger_pose(rng, 0.0, 1.0)
        for k, j in enumerate(bed.names):
            if j in WRIST_JOINT_NAMES:  # wrist too: +-5 cm, +-0.8 rad
                span = 0.05 if j in ("wrist_x", "wrist_y", "wrist_z") else 0.8
                q[:, k] = torch.tensor(rng.uniform(-span, span, NUM_ENVS), dtype=torch.float32)
        bed.set_state(q)
        sim_tips = (bed.robot.data.body_pos_w.torch[:, tip_ids] - bed.base[:, None]).numpy()
        for e in range(NUM_ENVS):
            for i in range(bed.mj.njnt):
                bed.mjd.qpos[bed.mj.jnt_qposadr[i]] = float(q[e, bed.names.index(bed.mj.joint(i).name)])
            mujoco.mj_kinematics(bed.mj, bed.mjd)
            mj_tips = np.stack([bed.mjd.xpos[bed.mj.body(b).id] for b in bed.hand.fingertip_body_names])
            errs.append(np.linalg.norm(sim_tips[e] - mj_tips, axis=1).max())
    assert max(errs) < 1e-3, f"max fingertip error {max(errs) * 1000:.3f} mm"


def test_holds_pose_under_gravity(bed: HandBed):
    rng = np.random.default_rng(2)
    q = bed.random_free_pose(rng)
    bed.set_state(q)
    bed.command(q, 2 * CONTROL_HZ)  # 2 s
    drift = (bed.robot.data.joint_pos.torch - q).abs()
    finger = [k for k, j in enumerate(bed.names) if j not in WRIST_JOINT_NAMES]
    assert float(drift[:, finger].max()) < 0.05, f"max finger drift {float(drift[:, finger].max()):.4f} rad"
    assert torch.isfinite(bed.robot.data.joint_pos.torch).all()


def test_wrist_follows_6dof_pose_command(bed: HandBed):
    q = bed.random_free_pose(np.random.default_rng(3))
    bed.set_state(q)
    bed.command(q, CONTROL_HZ // 2)
    # target: 5 cm along a diagonal and 30 deg about a tilted axis, from the wrist's zero pose
    delta = torch.tensor([0.03, -0.03, 0.0283])  # |delta| = 5 cm
    axis = torch.tensor([0.3, -0.5, 0.81])
    axis = axis / axis.norm()
    quat = math_utils.quat_from_angle_axis(torch.tensor([math.radians(30.0)]), axis[None])[0]
    target = wrist_pose_to_joints(delta[None], quat[None])[0]
    q_cmd = q.clone()
    for i, j in enumerate(WRIST_JOINT_NAMES):
        q_cmd[:, bed.names.index(j)] = target[i]
    bed.command(q_cmd, CONTROL_HZ)  # 1 s
    root = bed.robot.body_names.index(bed.hand.root_body)
    pos = bed.robot.data.body_pos_w.torch[:, root] - bed.base
    rot = bed.robot.data.body_quat_w.torch[:, root]
    pos_err = (pos - delta).norm(dim=-1)
    ang_err = math_utils.quat_error_magnitude(rot, quat.expand_as(rot))
    assert float(pos_err.max()) < 0.005, f"wrist position error {float(pos_err.max()) * 1000:.2f} mm"
    assert float(ang_err.max()) < math.radians(3.0), f"wrist angle error {math.degrees(float(ang_err.max())):.2f} deg"


def test_keypoints_follow_the_bodies(bed: HandBed):
    """keypoints_from_bodies places tips where MuJoCo's FK puts body origin + R·offset."""
    q = bed.random_finger_pose(np.random.default_rng(4), 0.0, 1.0)
    bed.set_state(q)
    kps = [kp for kp in bed.hand.keypoints if kp is not None]
    ids = [bed.robot.body_names.index(kp.body) for kp in kps]
    off = torch.tensor([kp.offset for kp in kps])
    sim = keypoints_from_bodies(bed.robot.data.body_pos_w.torch[:, ids], bed.robot.data.body_quat_w.torch[:, ids], off)
    sim = (sim - bed.base[:, None]).numpy()
    for i in range(bed.mj.njnt):
        bed.mjd.qpos[bed.mj.jnt_qposadr[i]] = float(q[0, bed.names.index(bed.mj.joint(i).name)])
    mujoco.mj_kinematics(bed.mj, bed.mjd)
    ref = np.stack([bed.mjd.xpos[bed.mj.body(kp.body).id] + bed.mjd.xmat[bed.mj.body(kp.body).id].reshape(3, 3) @ kp.offset
                    for kp in kps])
    assert np.abs(sim[0] - ref).max() < 1e-3


def test_the_hand_has_no_mujoco_site_shapes(bed: HandBed):
    """MJCF sites are MuJoCo's markers; Newton imports each as a visible shape. The asset build drops them: with
    them, robosuite's 1 m Inspire grip-axis cylinder was drawn through each hand in the viewers."""
    import newton
    from isaaclab_newton.physics import NewtonManager

    model = NewtonManager.get_model()
    bodies, flags = model.shape_body.numpy(), model.shape_flags.numpy()
    types, scale = model.shape_type.numpy(), model.shape_scale.numpy()
    robot = [i for i, b in enumerate(bodies) if b >= 0 and "/Robot" in model.body_label[b]]
    assert len(robot) >= 5  # the hand's own shapes were found
    assert not [model.shape_label[i] for i in robot if flags[i] & int(newton.ShapeFlags.SITE)]
    primitives = {int(t) for t in (newton.GeoType.SPHERE, newton.GeoType.CAPSULE, newton.GeoType.CYLINDER,
                                   newton.GeoType.BOX, newton.GeoType.ELLIPSOID)}
    # a hand's primitive parts (phalanx capsules, palm boxes) are centimetres; no half-extent reaches 15 cm
    sizes = {model.shape_label[i]: float(scale[i].max()) for i in robot if int(types[i]) in primitives}
    assert max(sizes.values(), default=0.0) < 0.15, sizes


def test_synthetic_human_hand_is_the_mano_like_hand():
    """The synthetic demonstrations' human hand is mano_right's forward kinematics (MuJoCo, on its MJCF) with each
    finger's joints flexed by closure × full curl and no abduction or twist: its clips need no retargeting."""
    from dex_more.assets import mano_hand
    from dex_more.mano import FINGER_NAMES
    from dex_more.motion.synthetic import _FINGER_FLEX, _THUMB_FLEX, TIP_RADII, HumanHand

    mj = mujoco.MjModel.from_xml_path(HANDS["mano_right"].mjcf_path)
    d = mujoco.MjData(mj)
    assert mj.njnt == 6 + 45 and HANDS["mano_right"].finger_joint_names == mano_hand.FINGER_JOINT_NAMES
    root = mj.body("wrist").id
    for closure in np.random.default_rng(5).uniform(0.0, 1.0, (3, 5)):
        d.qpos[:] = 0.0
        for i, f in enumerate(FINGER_NAMES):
            curl = _THUMB_FLEX if f == "thumb" else _FINGER_FLEX
            for k, level in enumerate(mano_hand.JOINT_LEVELS[f]):
                d.qpos[mj.jnt_qposadr[mj.joint(f"{f}_{level}_flex").id]] = closure[i] * curl[k]
        mujoco.mj_kinematics(mj, d)
        bodies = np.stack([d.xpos[mj.body(n).id] for n in MANO_KEYPOINT_NAMES]) - d.xpos[root]
        np.testing.assert_allclose(bodies, HumanHand().local_keypoints(closure), atol=1e-6)
        # the skin the clips are made with is the MJCF's: each segment's skin samples run along its capsule's axis,
        # end to end (the distal one stops a pad radius short of the tip keypoint), and the pad spheres sit there too
        for i, f in enumerate(FINGER_NAMES):
            samples = HumanHand().finger_samples(closure, i, skin=True).reshape(3, -1, 3)
            radii = HumanHand.finger_radii(i).reshape(3, -1)
            for k in range(3):
                g = mj.geom(mano_hand.keypoint_body(f, k)).id
                axis = d.geom_xmat[g].reshape(3, 3)[:, 2] * mj.geom_size[g][1]
                ends = np.stack([d.geom_xpos[g] - axis, d.geom_xpos[g] + axis]) - d.xpos[root]  # either way round
                if np.linalg.norm(ends[1] - samples[k, 0]) < np.linalg.norm(ends[0] - samples[k, 0]):
                    ends = ends[::-1]
                np.testing.assert_allclose(samples[k, [0, -1]], ends, atol=1e-6)
                np.testing.assert_allclose(radii[k], mj.geom_size[g][0], atol=1e-9)
            pad = mj.geom(mano_hand.keypoint_body(f, 3)).id
            np.testing.assert_allclose(HumanHand().pad_centres(closure)[i], d.geom_xpos[pad] - d.xpos[root], atol=1e-6)
            np.testing.assert_allclose(mj.geom_size[pad][0], TIP_RADII[i], atol=1e-9)
    # the proportions: each segment between keypoint bodies is the cited bone length (+ the tip pad)
    mujoco.mj_kinematics(mj, d)
    xpos = {n: d.xpos[mj.body(n).id] for n in MANO_KEYPOINT_NAMES}
    for f in FINGER_NAMES:
        chain = [mano_hand.keypoint_body(f, k) for k in range(4)]
        lengths = [np.linalg.norm(xpos[b] - xpos[a]) * 1000 for a, b in zip(chain[:-1], chain[1:])]
        expected = np.array(mano_hand.BONE_LENGTHS_MM[f]) + [0, 0, 1000 * mano_hand.TIP_PAD]
        np.testing.assert_allclose(lengths, expected, atol=1e-3)
