"""HOT (tracking from synthetic demonstrations): the skill clips' lengths and physical plausibility, HOT's .pt round
trip, and the Dex-HOT tasks on Newton (CPU): the multiplicative reward against a hand computation, its factors at
the reference, the terminations at their thresholds, state-noise statistics, per-env objects and their scale, the
noisy preset, and a 2-iteration train -> play round trip of each gym ID."""
from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
import pytest
import torch
from tensordict import TensorDict
from scipy.spatial.transform import Rotation

import dex_more.tasks  # noqa: F401
from dex_more.assets.scene import TABLE_HEIGHT
from dex_more.motion.library import load_clips, read_manifest
from dex_more.motion.skills import (GRAVITY, HOT_MANIFEST, HOT_OBJECT_SET, MAX_PENETRATION, TEST_EPISODE_LENGTH,
                                    GraspSite, SolidObject, plausibility, skill_clip)
from dex_more.objects.object_set import load_object_set
from isaaclab_tasks.utils import parse_env_cfg

SHADOW, ALLEGRO, MANO = "Dex-HOT-Shadow-v0", "Dex-HOT-Allegro-v0", "Dex-HOT-MANO-v0"


@pytest.fixture(scope="module")
def bundled():
    return load_clips(read_manifest(HOT_MANIFEST)), load_object_set(HOT_OBJECT_SET)


# ------------------------------------------------------------------------------------------------ synthetic clips


def test_the_bundled_set_has_every_skill_on_two_objects_at_its_test_length(bundled):
    clips, objects = bundled
    by_skill: dict[str, set] = {}
    for c in clips:
        assert c.num_frames == TEST_EPISODE_LENGTH[c.skill], c.name
        assert set(c.hands["right"].joint_pos) >= {"mano_right", "shadow_right", "allegro_right"}
        by_skill.setdefault(c.skill, set()).add(c.objects[0].name)
    assert {s: len(o) for s, o in by_skill.items()} == {s: 2 for s in TEST_EPISODE_LENGTH}
    families = {objects[n].family for names in by_skill.values() for n in names}
    assert {"bottle", "box", "hammer", "sword"} <= families


def _motion_kind(pose, wrist_pos, wrist_quat, t) -> str:
    """How the object moves from frame t-1 to t: 'static', 'held' (rigid in the wrist frame) or 'ballistic' (frames
    t-1, t and a neighbour lie on one parabola under gravity alone: second difference -g dt^2 along z, none across),
    else 'other'."""
    dt = 1.0 / 60.0
    if np.allclose(pose[t], pose[t - 1], atol=1e-9):
        return "static"
    rel = [Rotation.from_quat(wrist_quat[k]).inv().apply(pose[k, :3] - wrist_pos[k]) for k in (t - 1, t)]
    if np.allclose(rel[0], rel[1], atol=1e-6):
        return "held"
    for a in (t - 2, t - 1):
        if a >= 0 and a + 2 < len(pose):
            acc = pose[a + 2, :3] - 2 * pose[a + 1, :3] + pose[a, :3]
            if np.allclose(acc, [0.0, 0.0, -GRAVITY * dt * dt], atol=1e-7):
                return "ballistic"
    return "other"


def test_every_bundled_clip_is_plausible_and_moves_its_object_only_held_or_in_flight(bundled):
    clips, objects = bundled
    flights = 0
    for c in clips:
        obj = objects[c.objects[0].name]
        report = plausibility(c, obj)  # keypoints against the object (the finger samples are checked at generation)
        assert report["penetration"] <= MAX_PENETRATION and report["below_table"] <= MAX_PENETRATION, (c.name, report)
        h, pose = c.hands["right"], c.objects[0].pose
        kinds = [_motion_kind(pose, h.wrist_pos, h.wrist_quat, t) for t in range(1, c.num_frames)]
        assert "other" not in kinds, (c.name, kinds.index("other") + 1)
        flights += kinds.count("ballistic")
        # a resting object rests on the table
        solid = SolidObject(obj)
        for t, k in enumerate(kinds, start=1):
            if k == "static" and t < 5:
                assert abs(solid.lowest_z(pose[t]) - TABLE_HEIGHT) < 1e-6 or c.skill in ("throw", "freemove"), c.name
    assert flights > 50  # throws and catches do fly


def test_a_generated_clip_is_deterministic_and_an_unknown_skill_is_named():
    obj = load_object_set(HOT_OBJECT_SET)["box_07"]
    a = skill_clip("rotate", obj, GraspSite(), np.random.default_rng(3))
    b = skill_clip("rotate", obj, GraspSite(), np.random.default_rng(3))
    assert np.array_equal(a.hands["right"].keypoints, b.hands["right"].keypoints)
    assert np.array_equal(a.objects[0].pose, b.objects[0].pose)
    # the rotation is about the vertical through the object: it ends where it was lifted, turned by 60-90 degrees
    turn = Rotation.from_quat(a.objects[0].pose[-1, 3:]).magnitude()
    assert math.radians(59) < turn < math.radians(91)
    with pytest.raises(ValueError, match="unknown skill 'juggle'.*grasp"):
        skill_clip("juggle", obj, GraspSite(), np.random.default_rng(0))


def test_hot_pt_files_round_trip_equal(tmp_path, bundled):
    from dex_more.motion.loaders import load_hot, save_hot
    from dex_more.motion.errors import MotionFormatError

    clips, _ = bundled
    for c in clips[:3] + [next(c for c in clips if c.skill == "throw")]:
        path = save_hot(c, str(tmp_path), "shadow_right")
        assert path.endswith(f"{ {'grasp': 1, 'move': 2, 'throw': 8}[c.skill]:03d}_{c.name}.pt".replace(" ", ""))
        back = load_hot(path)
        h, hb = c.hands["right"], back.hands["right"]
        assert (back.name, back.skill, back.objects[0].name, back.objects[0].shape) == \
            (c.name, c.skill, c.objects[0].name, c.objects[0].shape)
        for a, b in ((h.wrist_pos, hb.wrist_pos), (h.wrist_quat, hb.wrist_quat), (h.keypoints, hb.keypoints),
                     (c.objects[0].pose, back.objects[0].pose)):
            np.testing.assert_allclose(b, a, atol=1e-6)  # float32 in the file
        assert np.array_equal(hb.contacts, h.contacts)
        names = h.joint_names["shadow_right"]
        got = dict(zip(hb.joint_names["shadow_right"], hb.joint_pos["shadow_right"].T))
        for i, n in enumerate(names):
            np.testing.assert_allclose(got[n], h.joint_pos["shadow_right"][:, i], atol=1e-6)
    with pytest.raises(FileExistsError):
        save_hot(clips[0], str(tmp_path), "shadow_right")
    bad = tmp_path / "099_x.pt"
    torch.save({"root_pos": torch.zeros(3, 3)}, bad)
    with pytest.raises(MotionFormatError, match="skill label 99"):
        load_hot(str(bad))


# ------------------------------------------------------------------------------------------------ the task


@pytest.fixture(scope="class")
def env():
    cfg = parse_env_cfg(SHADOW, device="cpu", num_envs=16)
    cfg.seed = 0
    env = gym.make(SHADOW, cfg=cfg).unwrapped
    env.reset()
    yield env
    env.close()


def _call(env, manager, name):
    cfg = manager.get_term_cfg(name)
    return cfg.func(env, **cfg.params)


def _hand_computed_reward(env) -> dict[str, np.ndarray]:
    """The factors from the state and the next reference frame, with numpy and scipy."""
    cmd, h = env.command_manager.get_term("motion"), env.hands["right"]
    p = env.reward_manager.get_term_cfg("tracking").params
    f = lambda x: x.double().numpy()  # noqa: E731
    mask = f(h.keypoint_mask).astype(bool)
    kp, kp_ref = f(h.keypoints)[:, mask], f(cmd.ref(cmd.keypoints, "right"))[:, mask]
    fingers = ~f(h.wrist_joint_mask).astype(bool)
    q, q_ref = f(h.robot.data.joint_pos.torch)[:, fingers], f(cmd.ref(cmd.joint_pos, "right"))[:, fingers]
    wp, wq = f(h.wrist_pos), f(h.wrist_quat)
    wp_ref, wq_ref = f(cmd.ref(cmd.wrist_pos, "right")), f(cmd.ref(cmd.wrist_quat, "right"))
    angle = lambda a, b: (Rotation.from_quat(a).inv() * Rotation.from_quat(b)).magnitude()  # noqa: E731
    obj = env.scene["object_0"].data
    op, oq = f(obj.root_pos_w.torch - env.scene.env_origins), f(obj.root_quat_w.torch)
    ref = f(cmd.ref(cmd.object_pose[0]))
    bank = env.object_bank
    out = {k: np.zeros(env.num_envs) for k in ("body", "dof", "wrist", "object", "interaction", "contact")}
    tips = [4, 8, 12, 16, 20]
    for e in range(env.num_envs):
        o = bank.objects[int(bank.object_ids[e])]
        lo, hi = o.visual_vertices.min(0), o.visual_vertices.max(0)
        corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
        ok = Rotation.from_quat(oq[e]).apply(corners) + op[e]
        ok_ref = Rotation.from_quat(ref[e, 3:]).apply(corners) + ref[e, :3]
        ig = ((kp[e][:, None] - ok[None]) - (kp_ref[e][:, None] - ok_ref[None])) ** 2
        tip_kp = f(h.keypoints)[e, tips]
        d = SolidObject(o).sdf(np.concatenate([op[e], oq[e]]), tip_kp)
        mapped = mask[tips]
        contact = ((d < p["contact_distance"]) & mapped).astype(float)
        miss = np.abs(contact - f(cmd.ref(cmd.contacts, "right"))[e])[mapped].mean()
        out["body"][e] = np.exp(-p["k_body"] * ((kp[e] - kp_ref[e]) ** 2).sum(-1).mean())
        out["dof"][e] = np.exp(-p["k_dof"] * ((q[e] - q_ref[e]) ** 2).mean())
        out["wrist"][e] = np.exp(-p["k_wrist"] * (((wp[e] - wp_ref[e]) ** 2).sum() + angle(wq[e], wq_ref[e]) ** 2) / 6)
        out["object"][e] = np.exp(-p["k_object_pos"] * ((op[e] - ref[e, :3]) ** 2).sum() / 3
                                  - p["k_object_rot"] * angle(oq[e], ref[e, 3:]) ** 2 / 3)
        out["interaction"][e] = np.exp(-p["k_interaction"] * ig.sum(-1).mean())
        out["contact"][e] = np.exp(-p["k_contact"] * miss)
    return out


class TestTheShadowTask:
    """One 16-env task shared by these tests (one simulation context at a time)."""

    def test_the_reward_is_the_product_of_its_factors_computed_by_hand(self, env):
        torch.manual_seed(0)
        for _ in range(3):
            env.step(0.3 * torch.randn(env.num_envs, env.action_manager.total_action_dim))
        reward = _call(env, env.reward_manager, "tracking")
        expected = _hand_computed_reward(env)
        term = env.reward_manager.get_term_cfg("tracking").func
        for k, v in expected.items():
            np.testing.assert_allclose(term.factors[k].double().numpy(), v, rtol=2e-4, atol=1e-6, err_msg=k)
        np.testing.assert_allclose(reward.double().numpy(), np.prod(list(expected.values()), axis=0), rtol=1e-3,
                                   atol=1e-7)
        assert 0.0 <= float(reward.min()) and float(reward.max()) <= 1.0 and float(reward.std()) > 0.01

    def test_each_factor_is_one_at_the_reference(self, env):
        cmd = env.command_manager.get_term("motion")
        cmd.write_reference_state(torch.arange(env.num_envs), offset=1)
        env.state_changed()
        _call(env, env.reward_manager, "tracking")
        factors = env.reward_manager.get_term_cfg("tracking").func.factors
        for k in ("body", "dof", "wrist", "object", "interaction"):
            assert torch.all(factors[k] > 1 - 1e-4), (k, factors[k].tolist())
        np.testing.assert_allclose(factors["contact"].numpy(), _hand_computed_reward(env)["contact"], rtol=1e-5)

    def test_terminations_fire_just_beyond_their_thresholds(self, env):
        cmd = env.command_manager.get_term("motion")
        ids = torch.arange(env.num_envs)
        obj, robot = env.scene["object_0"], env.scene["robot_right"]
        env.episode_length_buf[:] = 10
        for shift, fired in ((0.099, False), (0.101, True)):
            cmd.write_reference_state(ids, offset=1)
            pose = torch.cat([obj.data.root_pos_w.torch, obj.data.root_quat_w.torch], dim=-1)
            pose[:, 2] += shift
            obj.write_root_pose_to_sim_index(root_pose=pose)
            env.state_changed()
            assert bool(_call(env, env.termination_manager, "object_position").all()) is fired, shift
        for deg, fired in ((89.0, False), (91.0, True)):
            cmd.write_reference_state(ids, offset=1)
            pose = torch.cat([obj.data.root_pos_w.torch, obj.data.root_quat_w.torch], dim=-1)
            turn = torch.tensor(Rotation.from_rotvec([0.0, 0.0, math.radians(deg)]).as_quat(), dtype=torch.float32)
            from isaaclab.utils.math import quat_mul
            pose[:, 3:] = quat_mul(turn.expand(env.num_envs, -1), pose[:, 3:])
            obj.write_root_pose_to_sim_index(root_pose=pose)
            env.state_changed()
            assert bool(_call(env, env.termination_manager, "object_rotation").all()) is fired, deg
        for shift, fired in ((0.199, False), (0.201, True)):  # the wrist moves every keypoint by the same vector
            cmd.write_reference_state(ids, offset=1)
            q = robot.data.joint_pos.torch.clone()
            q[:, robot.joint_names.index("wrist_z")] += shift
            robot.write_joint_position_to_sim_index(position=q)
            env.state_changed()
            assert bool(_call(env, env.termination_manager, "keypoints").all()) is fired, shift

    def test_each_env_holds_its_clips_object_and_noise_starts_a_fifth_of_the_episodes(self, env):
        cmd, bank = env.command_manager.get_term("motion"), env.object_bank
        assert cmd.cfg.state_noise_prob == 0.2
        noised, n = 0, 0
        for _ in range(25):
            env.reset()
            assert torch.equal(bank.object_ids, cmd.clip_object[cmd.clip])
            names = [bank.objects[int(i)].name for i in bank.object_ids]
            assert names == [cmd.clips[int(c)].objects[0].name for c in cmd.clip]
            noised, n = noised + int(cmd.noised.sum()), n + env.num_envs
        p = noised / n  # 400 draws of p = 0.2: standard error 0.02
        assert abs(p - 0.2) < 0.06, p
        # a noised hand starts off its reference, an un-noised one on it
        robot = env.scene["robot_right"]
        q = robot.data.joint_pos.torch.clone()
        cmd.write_reference_state(torch.arange(env.num_envs))
        off = (robot.data.joint_pos.torch - q).abs().amax(-1) > 1e-4
        assert torch.equal(off, cmd.noised), (off.tolist(), cmd.noised.tolist())
        assert torch.equal(bank.scale, torch.ones(env.num_envs))  # the precise stage keeps the objects' size


def test_the_noisy_stage_is_a_preset_that_scales_the_objects():
    from isaaclab_tasks.utils import resolve_task_config

    cfg, _ = resolve_task_config(SHADOW, "rsl_rl_cfg_entry_point", overrides=["presets=noisy"])
    cfg.scene.num_envs = 8
    assert cfg.commands.motion.state_noise_prob == 0.5
    assert tuple(cfg.commands.motion.object_scale_range) == (0.9, 1.1)
    assert cfg.rewards.tracking.params["k_body"] == 5.0 and cfg.rewards.tracking.params["k_object_rot"] == 20.0
    cfg.sim.device = "cpu"
    cfg.seed = 1
    env = gym.make(SHADOW, cfg=cfg).unwrapped
    try:
        env.reset()
        bank = env.object_bank
        s = bank.scale
        assert torch.all((s >= 0.9) & (s <= 1.1)) and float(s.std()) > 0.01
        masses = env.scene["object_0"].data.body_mass.torch[:, 0]
        expected = torch.tensor([bank.objects[int(i)].mass for i in bank.object_ids]) * s**3
        torch.testing.assert_close(masses, expected, rtol=1e-5, atol=1e-7)
    finally:
        env.close()


# ------------------------------------------------------------------------------------------------ train -> play


@pytest.mark.parametrize("task", [SHADOW, ALLEGRO, MANO])
def test_two_training_iterations_then_play_and_stage_two_resumes(task, tmp_path):
    """Each gym ID trains (2 iterations) and play's loader acts with the checkpoint; the noisy stage resumes it."""
    from test_grasp_tasks import _play_one_step, train_in_process

    stage1 = train_in_process(task, str(tmp_path))
    runner = _play_one_step(task, stage1)
    hand = {SHADOW: "shadow_right", ALLEGRO: "allegro_right", MANO: "mano_right"}[task]
    from dex_more.assets import get_hand

    assert len(get_hand(hand).actuated_joint_names) == runner.alg.actor.mlp[-1].out_features
    if task == SHADOW:
        stage2 = train_in_process(task, str(tmp_path), ["presets=noisy", "--checkpoint", stage1], iterations=1)
        assert torch.load(stage2, weights_only=False)["iter"] == torch.load(stage1, weights_only=False)["iter"] + 1
        import yaml

        from dex_more.rl.checkpoints import run_file

        env = yaml.unsafe_load(open(run_file(stage2, "params/env.yaml")))
        assert env["commands"]["motion"]["state_noise_prob"] == 0.5
        assert env["rewards"]["tracking"]["params"]["k_body"] == 5.0


# ------------------------------------------------------------------------------------------------ distillation


def test_one_student_is_supervised_by_the_teacher_of_each_envs_object_and_plays(tmp_path):
    """Dex-HOT-Shadow-Student-v0 with a teacher map by object: every env's supervision is exactly its own clip's
    teacher's action (two different real teachers), the student trains (2 DAgger iterations) and play loads it."""
    import shutil

    from test_grasp_tasks import _play_one_step, train_in_process

    from dex_more.rl.checkpoints import load_frozen_actor, run_file
    from dex_more.rl.multi_teacher import clip_route_key
    from dex_more.rl.rollout import build_policy_env

    student_task = "Dex-HOT-Shadow-Student-v0"
    a = train_in_process(SHADOW, str(tmp_path), ["env.commands.motion.clip_names=['grasp_bottle_01']"], iterations=1)
    # a second teacher: the same run with other actor weights (the map must tell them apart)
    b_dir = str(tmp_path / "teacher_b")
    shutil.copytree(run_file(a), b_dir)
    b = f"{b_dir}/{a.rsplit('/', 1)[1]}"
    state = torch.load(b, weights_only=False)
    state["actor_state_dict"] = {k: v + 0.05 * torch.randn_like(v) if v.is_floating_point() else v
                                 for k, v in state["actor_state_dict"].items()}
    torch.save(state, b)
    teachers = {"bottle_01": a, "box_07": a, "cylinder_01": a, "hammer_00": b, "sword_00": b}
    args = [x for k, p in teachers.items() for x in ("--teacher", f"{k}={p}")]

    with pytest.raises(ValueError, match=r"no teacher for the object of the clips .*sword_00"):
        train_in_process(student_task, str(tmp_path), args[:-2], iterations=1)
    student = train_in_process(student_task, str(tmp_path), args)
    runner = _play_one_step(student_task, student)
    from dex_more.assets import get_hand

    assert runner.alg.student.mlp[-1].out_features == len(get_hand("shadow_right").actuated_joint_names)

    env, runner, _ = build_policy_env(student_task, student, num_envs=16, eval_mode=False)
    try:
        alg, obs = runner.alg, env.get_observations()
        cmd = env.unwrapped.command_manager.get_term("motion")
        keys = [clip_route_key(cmd.clips[int(c)], "object") for c in cmd.clip]
        assert len({teachers[k] for k in keys}) == 2  # both teachers have envs
        alg.act(obs)
        x = obs["policy"]
        expected = {p: load_frozen_actor(p, x, env.num_actions, "cpu")(TensorDict({"policy": x}, batch_size=[len(x)]))
                    for p in (a, b)}
        other = {a: b, b: a}
        for e, k in enumerate(keys):  # its own teacher's action (to float rounding), not the other's
            supervision = alg.transition.privileged_actions[e]
            torch.testing.assert_close(supervision, expected[teachers[k]][e], atol=1e-4, rtol=1e-4)
            assert float((supervision - expected[other[teachers[k]]][e]).abs().max()) > 1e-2
    finally:
        env.close()


def test_refined_data_is_the_rollout_written_as_clips_a_task_tracks(tmp_path):
    """play.py --save_refined_data's writer: the rollout of a (2-iteration) MANO tracker as a clip that starts where
    the reference starts (reset writes it exactly), whose wrist is its own joints' pose, and that a task tracks."""
    from test_grasp_tasks import train_in_process

    from dex_more.kinematics import wrist_joints_to_pose
    from dex_more.assets import WRIST_JOINT_NAMES
    from dex_more.motion.reference_motion import ReferenceMotion
    from dex_more.refined_data import save_refined_data
    from dex_more.rl.rollout import build_policy_env

    clip = "grasp_bottle_01"  # 180 frames: 3 times a training episode
    only = [f"env.commands.motion.clip_names=['{clip}']"]
    ckpt = train_in_process(MANO, str(tmp_path), only, iterations=1)
    env, _, policy = build_policy_env(MANO, ckpt, 1, overrides=only)
    try:
        source = env.unwrapped.command_manager.get_term("motion").clips[0]
        assert env.unwrapped.max_episode_length >= source.num_frames  # played to its end, not to TRAIN_EPISODE_STEPS
        entries = save_refined_data(env, policy, str(tmp_path / "refined"), {"checkpoint": ckpt}, keep_failed=True)
    finally:
        env.close()
    assert [e["name"] for e in entries] == [clip]
    refined = ReferenceMotion.load(str(tmp_path / "refined" / f"{clip}.npz"))
    assert entries[0]["frames"] == refined.num_frames and 2 <= refined.num_frames <= source.num_frames
    h, src = refined.hands["right"], source.hands["right"]
    names = h.joint_names["mano_right"]
    src_q = src.joint_pos["mano_right"][0, [src.joint_names["mano_right"].index(n) for n in names]]
    np.testing.assert_allclose(h.joint_pos["mano_right"][0], src_q, atol=1e-4)
    np.testing.assert_allclose(refined.objects[0].pose[0, :3], source.objects[0].pose[0, :3], atol=1e-4)
    pos, quat = wrist_joints_to_pose(torch.tensor(h.joint_pos["mano_right"][:, [names.index(n) for n in WRIST_JOINT_NAMES]]))
    np.testing.assert_allclose(h.wrist_pos, pos.numpy(), atol=1e-4)
    np.testing.assert_allclose(np.abs((h.wrist_quat * quat.numpy()).sum(-1)), 1.0, atol=1e-4)
    # contacts: each tip keypoint within 5 mm of the object where it was, by the object's own convex parts (numpy)
    from dex_more.motion.synthetic import CONTACT

    solid = SolidObject(load_object_set(HOT_OBJECT_SET)[refined.objects[0].name])
    tips = h.keypoints[:, [4, 8, 12, 16, 20]]
    expected = np.stack([solid.sdf(refined.objects[0].pose[t], tips[t]) < CONTACT for t in range(refined.num_frames)])
    np.testing.assert_array_equal(h.contacts, expected)
    # the refined clips are a reference motion a task tracks
    from isaaclab_tasks.utils import resolve_task_config

    manifest = str(tmp_path / "refined" / "manifest.json")
    cfg, _ = resolve_task_config(MANO, "rsl_rl_cfg_entry_point", overrides=[f"env.commands.motion.manifest={manifest}"])
    cfg.scene.num_envs, cfg.sim.device = 1, "cpu"
    task = gym.make(MANO, cfg=cfg).unwrapped
    try:
        task.reset()
        task.step(torch.zeros(1, task.action_manager.total_action_dim))
        assert task.command_manager.get_term("motion").clips[0].name == clip
    finally:
        task.close()


def test_the_evaluation_has_a_row_per_skill_and_object_weighted_like_the_tracking_table():
    """HOT's rows (skill × object, then Overall) through the tracking evaluation's shared summary: errors over the
    successful rollouts weighted by successes, SR over all rollouts."""
    from types import SimpleNamespace

    from dex_more.evaluation import ClipResult, clip_row, format_table, summarize

    def clip(skill, obj):
        return SimpleNamespace(skill=skill, objects=[SimpleNamespace(name=obj)], sides=("right",))

    rows = [clip_row(clip("grasp", "bottle_01"), "skill_object"), clip_row(clip("throw", "sword_00"), "skill_object")]
    assert rows == ["grasp × bottle_01", "throw × sword_00"]
    assert clip_row(clip("grasp", "bottle_01")) == "Right"
    m = lambda t: {"E_r": 2 * t, "E_t": t, "E_j": t + 1, "E_ft": t / 2}  # noqa: E731
    results = [ClipResult("grasp_bottle_01", rows[0], 4, 3, [180] * 4, m(1.0), m(1.5)),
               ClipResult("throw_sword_00", rows[1], 4, 1, [50, 20, 10, 5], m(3.0), m(4.0))]
    table = summarize(results, rows=None)
    assert list(table) == [*rows, "Overall"]
    assert table[rows[0]]["SR"] == 0.75 and table[rows[1]]["SR"] == 0.25 and table["Overall"]["SR"] == 0.5
    assert table["Overall"]["E_t"] == pytest.approx((3 * 1.0 + 1 * 3.0) / 4)
    assert table[rows[1]]["frames"] == pytest.approx(21.25)
    text = format_table(table)
    assert text.splitlines()[1].startswith("grasp × bottle_01") and "Overall" in text.splitlines()[-1]
    assert len({len(line) for line in text.splitlines()}) == 1  # the columns line up under a longer label
