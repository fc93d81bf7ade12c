"""HO-tracking environments on Newton (CPU): reference-state init, rewards, terminations, residual action,
metrics, and a 2-iteration train -> play round trip of every Dex-HOTrack gym ID."""
from __future__ import annotations

import glob
import json
import math
import os

import gymnasium as gym
import numpy as np
import pytest
import torch
from scipy.spatial.transform import Rotation

import dex_more.tasks  # noqa: F401
from isaaclab_tasks.utils import parse_env_cfg

NUM_ENVS = 3
TASK_IDS = sorted(t for t in gym.registry if t.startswith("Dex-HOTrack-"))


def make_env(task: str, overrides: dict | None = None, eval_mode: bool = True):
    cfg = parse_env_cfg(task, device="cpu", num_envs=NUM_ENVS)
    cfg.seed = 0
    cfg.commands.motion.eval_mode = eval_mode
    for key, value in (overrides or {}).items():
        obj = cfg
        *path, last = key.split(".")
        for p in path:
            obj = getattr(obj, p)
        setattr(obj, last, value)
    return gym.make(task, cfg=cfg).unwrapped


def train_in_process(task: str, log_root: str, extra=(), iterations: int = 2, num_envs: int = 2,
                     steps_per_env: int = 8) -> str:
    """``iterations`` iterations of ``task`` through scripts/train.py's code path; returns the newest checkpoint it
    wrote (under any experiment name)."""
    from dex_more.cli import dex_train_argv
    from isaaclab_rl.entrypoints.backends import train_rsl_rl

    cwd = os.getcwd()
    os.chdir(log_root)
    pattern = os.path.join(log_root, "logs", "rsl_rl", "*", "*", "model_*.pt")
    try:
        before = set(glob.glob(pattern))
        train_rsl_rl.run(dex_train_argv(["--task", task, "--num_envs", str(num_envs), "--device", "cpu",
                                         "--max_iterations", str(iterations), f"agent.num_steps_per_env={steps_per_env}",
                                         *extra]))
    finally:
        os.chdir(cwd)
    models = set(glob.glob(pattern)) - before
    assert models, f"no checkpoint written for {task}"
    return max(models, key=os.path.getmtime)


@pytest.fixture(scope="module")
def log_root(tmp_path_factory):
    return str(tmp_path_factory.mktemp("hotrack_logs"))


@pytest.fixture(scope="module")
def imitators(log_root):
    """Checkpoints of both Inspire imitators (2 iterations: untrained, but real)."""
    return {"right": train_in_process("Dex-HOTrack-Imitator-v0", log_root),
            "left": train_in_process("Dex-HOTrack-Imitator-Left-v0", log_root)}


def quat_angle_deg(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.rad2deg(2 * torch.acos((a * b).sum(-1).abs().clamp(max=1.0)))


# ------------------------------------------------------------------------------------------------ reset


@pytest.mark.parametrize("task", ["Dex-HOTrack-Imitator-v0", "Dex-HOTrack-Bimanual-FromScratch-v0"])
def test_reset_writes_the_reference_state_into_physics(task):
    env = make_env(task, eval_mode=False)  # random start frames
    try:
        env.reset()
        cmd = env.command_manager.get_term("motion")
        assert (cmd.frame > 0).any(), "reference-state init should start mid-clip"
        for side in cmd.sides:
            kp = env.hands[side].keypoints
            ref = cmd.ref(cmd.keypoints, side, offset=0)
            err = (kp - ref).norm(dim=-1)[:, cmd.keypoint_mask[side]]
            assert float(err.max()) < 0.002, f"{side} keypoints {float(err.max()) * 1000:.2f} mm off"
            p, q = env.hands[side].wrist_pos, env.hands[side].wrist_quat
            assert float((p - cmd.ref(cmd.wrist_pos, side, offset=0)).norm(dim=-1).max()) < 0.002
            assert float(quat_angle_deg(q, cmd.ref(cmd.wrist_quat, side, offset=0)).max()) < 2.0
        for i, obj in enumerate(cmd.objects):
            ref = cmd.ref(cmd.object_pose[i], offset=0)
            pos = obj.data.root_pos_w.torch - env.scene.env_origins
            assert float((pos - ref[:, :3]).norm(dim=-1).max()) < 0.002
            assert float(quat_angle_deg(obj.data.root_quat_w.torch, ref[:, 3:]).max()) < 2.0
    finally:
        env.close()


def test_a_chosen_clip_is_the_one_every_reset_starts():
    """The viewer's clip selector (``play_clip``): after a reset every env tracks the chosen clip; None draws
    again; an unknown name is an error that lists the task's clips."""
    env = make_env("Dex-HOTrack-Imitator-v0")  # four right-hand clips
    try:
        cmd = env.command_manager.get_term("motion")
        names = [c.name for c in cmd.clips]
        assert len(names) > 1
        for name in (names[-1], names[0]):
            cmd.play_clip(name)
            env.reset()
            assert cmd.clip.tolist() == [names.index(name)] * NUM_ENVS
        cmd.play_clip(None)
        assert cmd.clip_choice is None
        with pytest.raises(KeyError, match=names[0]):
            cmd.play_clip("no_such_clip")
    finally:
        env.close()


# ------------------------------------------------------------------------------------------------ rewards / terminations


@pytest.fixture(scope="class")
def right_env():
    env = make_env("Dex-HOTrack-Right-FromScratch-v0")
    env.reset()
    yield env
    env.close()


def _at_reference(env, wrist_shift=0.0, object_shift=0.0, still=False):
    """State = the reference at frame + 1 (what rewards compare against), optionally shifted along x [m]."""
    cmd = env.command_manager.get_term("motion")
    ids = torch.arange(env.num_envs)
    cmd.write_reference_state(ids, offset=1)
    robot = env.scene["robot_right"]
    if wrist_shift or still:
        q = robot.data.joint_pos.torch.clone()
        q[:, robot.joint_names.index("wrist_x")] += wrist_shift
        robot.write_joint_position_to_sim_index(position=q)
        if still:
            robot.write_joint_velocity_to_sim_index(velocity=torch.zeros_like(q))
    if object_shift:
        obj = env.scene["object_0"]
        pose = torch.cat([obj.data.root_pos_w.torch, obj.data.root_quat_w.torch], dim=-1)
        pose[:, 0] += object_shift
        obj.write_root_pose_to_sim_index(root_pose=pose)
    env.state_changed()  # the writes above bypass a step or reset


def _term(env, name):
    cfg = env.reward_manager.get_term_cfg(name)
    return cfg.func(env, **cfg.params)


def _done(env, name):
    cfg = env.termination_manager.get_term_cfg(name)
    return cfg.func(env, **cfg.params)


class TestOnTheRightHandTask:
    """One env shared by these tests (one simulation context at a time)."""

    def test_reward_terms_are_maximal_at_the_reference(self, right_env):
        env = right_env
        _at_reference(env)
        tracking = [n for n in env.reward_manager.active_terms if n != "right_contact"]
        assert len(tracking) == 18  # 14 hand terms, 4 object terms
        for key in tracking:
            if "power" in key:
                continue
            value = _term(env, key)
            tol = 0.03 if "vel" in key else 1e-4  # velocities: finite differences vs the simulator's own
            assert torch.all(value > 1 - tol), f"{key} = {value.tolist()} at the reference"
        _at_reference(env, still=True)
        for key in ("right_joint_power", "right_wrist_power"):
            assert torch.allclose(_term(env, key), torch.ones(env.num_envs), atol=1e-3), f"{key} with nothing moving"


    def test_rewards_fall_as_published_with_a_known_error(self, right_env):
        """A 1 cm wrist shift moves every keypoint 1 cm: each term is exp(-k · 0.01); the object term likewise."""
        env = right_env
        _at_reference(env, wrist_shift=0.01, object_shift=0.01)
        expect = {"right_wrist_pos": math.exp(-40 * 0.01), "right_thumb_tip": math.exp(-100 * 0.01),
                  "right_index_tip": math.exp(-90 * 0.01), "right_middle_tip": math.exp(-80 * 0.01),
                  "right_ring_tip": math.exp(-60 * 0.01), "right_pinky_tip": math.exp(-60 * 0.01),
                  "right_level1_keypoints": math.exp(-50 * 0.01), "right_level2_keypoints": math.exp(-40 * 0.01),
                  "right_wrist_rot": 1.0, "object_0_pos": math.exp(-80 * 0.01), "object_0_rot": 1.0}
        for key, value in expect.items():
            assert torch.allclose(_term(env, key), torch.full((env.num_envs,), value), atol=2e-4), key
        # the manager's total: sum of weight × term × dt
        total = torch.zeros(env.num_envs)
        for name in env.reward_manager.active_terms:
            cfg = env.reward_manager.get_term_cfg(name)
            total += cfg.weight * cfg.func(env, **cfg.params) * env.step_dt
        hand = sum(env.reward_manager.get_term_cfg(k).weight * v for k, v in expect.items()) * env.step_dt
        rest = [n for n in env.reward_manager.active_terms if n not in expect]
        rest_sum = sum(env.reward_manager.get_term_cfg(n).weight * _term(env, n) for n in rest) * env.step_dt
        assert torch.allclose(env.reward_manager.compute(env.step_dt), total, atol=1e-5)
        assert torch.allclose(total, hand + rest_sum, atol=1e-5)


    def test_terminations_fire_exactly_at_their_thresholds(self, right_env):
        env = right_env
        cmd = env.command_manager.get_term("motion")
        assert cmd.threshold_scale == pytest.approx(0.7)  # evaluation: the final thresholds
        env.episode_length_buf[:] = 50  # past the grace period
        for shift, fires in ((0.019, False), (0.021, True)):
            _at_reference(env, object_shift=shift)
            assert bool(_done(env, "object_0_position").all()) == fires, shift
        for shift, fires in ((0.039, False), (0.041, True)):  # thumb tip: 4 cm
            _at_reference(env, wrist_shift=shift)
            assert bool(_done(env, "right_fingertip_deviation").all()) == fires, shift
        for shift, fires in ((0.069, False), (0.071, True)):  # level-1 keypoints: 7 cm
            _at_reference(env, wrist_shift=shift)
            assert bool(_done(env, "right_keypoint_deviation").all()) == fires, shift
        # rotation: 30 degrees about z
        _at_reference(env)
        obj = env.scene["object_0"]
        for deg, fires in ((29.0, False), (31.0, True)):
            _at_reference(env)
            q = obj.data.root_quat_w.torch
            rot = torch.tensor(Rotation.from_euler("z", deg, degrees=True).as_quat(), dtype=torch.float32)
            r = Rotation.from_quat(rot.numpy()) * Rotation.from_quat(q.numpy())
            pose = torch.cat([obj.data.root_pos_w.torch, torch.tensor(r.as_quat(), dtype=torch.float32)], -1)
            obj.write_root_pose_to_sim_index(root_pose=pose)
            assert bool(_done(env, "object_0_rotation").all()) == fires, deg
        env.episode_length_buf[:] = 3  # inside the grace period nothing fires
        _at_reference(env, object_shift=0.05)
        assert not _done(env, "object_0_position").any()


    def test_physics_blowup_in_one_env_resets_it_counts_it_and_the_run_goes_on(self, right_env):
        """NaN injected into env 1's object: that env (only) ends with physics_blowup, its NaN terms count 0, the
        step's rewards and observations stay finite, the count is logged, and the physics of env 1 recovers."""
        env = right_env
        env.reset()
        obj = env.scene["object_0"]
        vel = obj.data.root_vel_w.torch.clone()
        vel[1, 0] = float("nan")
        obj.write_root_velocity_to_sim_index(root_velocity=vel)
        env.state_changed()
        sums_before = env.reward_manager._episode_sum_buf.clone()
        assert _done(env, "physics_blowup").tolist() == [False, True] + [False] * (env.num_envs - 2)
        action = torch.zeros(env.num_envs, env.action_manager.total_action_dim)
        obs, reward, terminated, _, extras = env.step(action)
        rm = env.reward_manager
        assert bool(terminated[1]) and torch.isfinite(reward).all()
        nan_terms = [rm.active_terms.index(n) for n in ("object_0_pos", "object_0_vel")]
        assert (rm._step_reward[1, nan_terms] == 0).all() and (rm._step_reward[0, nan_terms] > 0).all()
        assert torch.allclose(reward, rm._step_reward.sum(dim=1) * env.step_dt)
        assert all(torch.isfinite(v).all() for v in obs.values())
        # Isaac Lab's count: the share of envs whose last episode this term ended
        assert float(extras["log"]["Episode_Termination/physics_blowup"]) == pytest.approx(1 / env.num_envs)
        assert all(math.isfinite(float(v)) for k, v in extras["log"].items() if k.startswith("Episode_Reward/"))
        assert torch.isfinite(env.reward_manager._episode_sum_buf).all()
        assert torch.allclose(env.reward_manager._episode_sum_buf[0], sums_before[0]
                              + env.reward_manager._step_reward[0] * env.step_dt)
        for _ in range(5):
            obs, reward, terminated, _, _ = env.step(action)
            assert torch.isfinite(obj.data.root_pos_w.torch).all() and torch.isfinite(reward).all()
        assert not bool(_done(env, "physics_blowup").any())

    def test_contact_reward_and_contact_loss_termination(self, right_env):
        """At a grasp frame the fingertips press the object: the reward is exp(-1/ΣF) over the tips the
        reference puts near the surface, contact loss is its definition computed from the sensor; lifted 5 cm off the
        reference, contact is lost and the episode ends."""
        from dex_more.motion.shapes import sdf_world

        env = right_env
        cmd = env.command_manager.get_term("motion")
        ids = torch.arange(env.num_envs)
        a = torch.zeros(env.num_envs, env.action_manager.total_action_dim)
        grasp = int(np.flatnonzero(cmd.clips[0].hands["right"].contacts.all(-1))[10])  # all five tips touching
        env.episode_length_buf[:] = 0  # within the grace steps: the fingers settle onto the object
        cmd.clip[:] = 0  # the clip the grasp frame is of (earlier tests' resets drew others)
        cmd.frame[:] = grasp
        cmd.write_reference_state(ids)
        env.scene["contacts_right"].reset()  # no force history from earlier tests (the blow-up test's NaN forces)
        for _ in range(2):
            env.step(a)
        env.episode_length_buf[:] = 50  # past them: the termination judges
        sensor = env.scene["contacts_right"]
        order = [sensor.body_names.index(b) for b in ("r_thumb_distal", "r_index_distal", "r_middle_distal",
                                                      "r_ring_distal", "r_pinky_distal")]
        forces = sensor.data.net_forces_w.torch.norm(dim=-1)[:, order]
        clip = cmd.clips[0]
        f = int(cmd.frame[0]) + 1
        tips = cmd.keypoints["right"][0, f, [4, 8, 12, 16, 20]].double().numpy()
        near = torch.tensor(sdf_world(clip.objects[0].shape, clip.objects[0].dims, clip.objects[0].pose[f], tips) < 0.03)
        total = (forces[0] * near).sum()
        assert total > 0, "the grasp should press the object"
        expect = math.exp(-1.0 / float(total))
        assert float(_term(env, "right_contact")[0]) == pytest.approx(expect, rel=1e-4)
        # lost = a tip within 5 mm of the object in the reference felt no force over the sensor's history
        felt = sensor.data.net_forces_w_history.torch.norm(dim=-1).amax(dim=1)[0, order] > 0.01
        should = cmd.tip_surface_distance[("right", 0)][0, f] < 0.005
        assert bool(_done(env, "right_contact_lost")[0]) == bool((should & ~felt).any())
        # lift the hand 5 cm off the object and keep it there: no force for the sensor's whole history
        lifted = cmd.joint_pos["right"][cmd.clip, cmd.frame].clone()
        lifted[:, env.scene["robot_right"].joint_names.index("wrist_z")] += 0.05
        env.scene["robot_right"].write_joint_position_to_sim_index(position=lifted)
        for _ in range(4):
            env.scene["robot_right"].write_joint_position_to_sim_index(position=lifted)
            env.sim.step()
            env.scene.update(env.physics_dt)
        assert bool(_done(env, "right_contact_lost")[0])

    def test_the_reference_ghost_is_drawn_on_the_reference_state(self, right_env):
        """``play.py --viz`` draws the reference as a ghost (the motion command's debug_vis): with the reference state
        of the tracked frame written into physics, its spheres sit on the robot's keypoints and on the object, in the
        world frame (env origins added), one sphere per mapped keypoint and per object."""
        env = right_env
        cmd = env.command_manager.get_term("motion")
        drawn, frame = {}, cmd.frame.clone()
        cmd.set_debug_vis(True)
        try:
            cmd._ghost.visualize = lambda **markers: drawn.update(markers)  # what would reach the visualizers
            cmd.frame[:] = cmd.lengths[cmd.clip] // 2  # mid-clip, where consecutive frames differ
            cmd.write_reference_state(torch.arange(env.num_envs), offset=0)
            env.state_changed()
            cmd._debug_vis_callback(None)
            stored = cmd.keypoints["right"][cmd.clip, cmd.frame]  # the clip's table at the tracked frame
        finally:
            cmd.set_debug_vis(False)
            del cmd._ghost.visualize
            cmd.frame[:] = frame
        mask = cmd.keypoint_mask["right"]
        n = int(mask.sum())
        assert drawn["marker_indices"].tolist() == [0] * (NUM_ENVS * n) + [1] * NUM_ENVS
        origins = env.scene.env_origins
        expected = (stored[:, mask] + origins[:, None]).reshape(-1, 3)
        assert torch.allclose(drawn["translations"][: NUM_ENVS * n], expected, atol=1e-6)
        robot = (env.hands["right"].keypoints[:, mask] + origins[:, None]).reshape(-1, 3)
        assert float((drawn["translations"][: NUM_ENVS * n] - robot).norm(dim=-1).max()) < 0.002
        obj = env.scene["object_0"].data.root_pos_w.torch
        assert float((drawn["translations"][NUM_ENVS * n:] - obj).norm(dim=-1).max()) < 0.002
        assert float(origins.norm(dim=-1).max()) > 0.1  # the envs are apart: a missing origin would show

    def test_metrics_match_an_independent_numpy_computation(self, right_env):
        env = right_env
        env.reset()
        cmd = env.command_manager.get_term("motion")
        a = torch.zeros(env.num_envs, env.action_manager.total_action_dim)
        for _ in range(6):
            env.step(a)
            # after the step, the metrics compare the state with the frame the command now points at
            obj = env.scene["object_0"].data
            p = (obj.root_pos_w.torch - env.scene.env_origins).numpy()
            q = obj.root_quat_w.torch.numpy()
            ref = cmd.ref(cmd.object_pose[0], offset=0).numpy()
            kp = env.hands["right"].keypoints.numpy()
            ref_kp = cmd.ref(cmd.human_keypoints, "right", offset=0).numpy()
            mask = cmd.keypoint_mask["right"].numpy()
            e_t = np.linalg.norm(p - ref[:, :3], axis=1) * 100
            rel = Rotation.from_quat(q) * Rotation.from_quat(ref[:, 3:]).inv()
            theta = np.linalg.norm(rel.as_rotvec(), axis=1)
            e_r = np.degrees(np.minimum(theta, 2 * np.pi - theta))
            d = np.linalg.norm(kp - ref_kp, axis=-1) * 100
            e_j = d[:, mask].mean(1)
            e_ft = d[:, [4, 8, 12, 16, 20]].mean(1)
            for name, expect in (("E_t", e_t), ("E_r", e_r), ("E_j", e_j), ("E_ft", e_ft)):
                np.testing.assert_allclose(cmd.step_metrics[name].numpy(), expect, atol=2e-3 if name != "E_r" else 0.05,
                                           err_msg=name)



# ------------------------------------------------------------------------------------------------ residual action


def test_zero_residual_reproduces_the_imitator_exactly(imitators):
    from tensordict import TensorDict

    from dex_more.rl.checkpoints import load_frozen_actor

    env = make_env("Dex-HOTrack-Right-v0", {"actions.hand_right.imitator_checkpoint": imitators["right"]})
    try:
        env.reset()
        term = env.action_manager.get_term("hand_right")
        obs = env.observation_manager.compute()  # evaluates the imitator for the current state
        imitator_obs = env.observation_manager.compute_group("imitator_right")
        actor = load_frozen_actor(imitators["right"], imitator_obs, term.action_dim, "cpu")
        a_i = actor(TensorDict({"policy": imitator_obs}, batch_size=[env.num_envs]))
        assert torch.equal(term.imitator_action(), a_i)
        a = term._policy_action(torch.zeros(env.num_envs, term.action_dim))
        assert torch.equal(a, a_i.clamp(-1, 1))
        # and the imitator action is what the residual policy observes, as its base action
        assert torch.equal(obs["base_action"], a_i)
    finally:
        env.close()


def test_a_task_tracks_clips_of_the_same_objects_only(tmp_path):
    """Two boxes of other sizes are other objects (the scene spawns one set); the same clip listed twice is not."""
    from dex_more.motion.library import DEFAULT_MANIFEST

    with open(DEFAULT_MANIFEST) as fh:
        entry = next(e for e in json.load(fh)["clips"] if e["name"] == "right_grasp_box")
    entry["file"] = os.path.join(os.path.dirname(DEFAULT_MANIFEST), entry["file"])
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"format_version": 1, "clips": [entry, dict(entry, name="again")]}))
    motion = parse_env_cfg("Dex-HOTrack-Right-v0", device="cpu", num_envs=1).commands.motion
    motion.num_objects = 1
    motion.clip_names = ["right_grasp_box", "right_place_box"]
    with pytest.raises(ValueError, match="'right_place_box' uses other objects than 'right_grasp_box'"):
        motion.resolve_clips()
    motion.manifest, motion.clip_names = str(manifest), ["right_grasp_box", "again"]
    assert len(motion.resolve_clips()) == 2  # (a clip's name is the one its file holds)


def test_residual_task_without_imitator_is_a_clear_error():
    with pytest.raises(ValueError, match="--imitator"):
        make_env("Dex-HOTrack-Right-v0")


# ------------------------------------------------------------------------------------------------ train -> play


@pytest.mark.parametrize("task", TASK_IDS)
def test_two_iterations_of_training_write_a_checkpoint_that_play_loads(task, log_root, imitators):
    from dex_more.cli import imitator_tasks
    from dex_more.rl.rollout import build_policy_env

    extra = []
    for side, imitator in imitator_tasks(task).items():
        if imitator in ("Dex-HOTrack-Imitator-v0", "Dex-HOTrack-Imitator-Left-v0"):
            path = imitators[side]
        else:
            path = train_in_process(imitator, log_root)
        extra += ["--imitator", f"{side}={path}"]
    ckpt = train_in_process(task, log_root, extra)
    env, runner, policy = build_policy_env(task, ckpt, num_envs=1)
    try:
        obs = env.get_observations()
        with torch.inference_mode():
            action = policy(obs)
        assert action.shape == (1, env.num_actions) and torch.isfinite(action).all()
        env.step(action)
        if task in ("Dex-HOTrack-Bimanual-v0", "Dex-HOTrack-Imitator-v0"):  # MoRE and MLP exports (play --export)
            import importlib.util

            spec = importlib.util.spec_from_file_location("play", os.path.join(os.path.dirname(__file__), "..", "scripts", "play.py"))
            play = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(play)
            out = os.path.join(os.path.dirname(ckpt), "exported")
            runner.export_policy_to_jit(path=out, filename="policy.pt")
            runner.export_policy_to_onnx(path=out, filename="policy.onnx")
            assert play.export_error(runner.alg.actor, env.get_observations(), os.path.join(out, "policy.pt")) < 1e-5
            assert os.path.getsize(os.path.join(out, "policy.onnx")) > 0
    finally:
        env.close()


def residual_run(task: str, log_root: str, imitators: dict) -> str:
    """The newest checkpoint of a MoRE run of single-hand residual ``task`` in ``log_root`` (the train -> play test
    wrote one), trained now if there is none."""
    runs = glob.glob(os.path.join(log_root, "logs", "rsl_rl", task, "*", "model_*.pt"))
    return max(runs, key=os.path.getmtime) if runs else train_in_process(
        task, log_root, ["--imitator", f"right={imitators['right']}"])


def test_a_single_mlp_residual_run_is_played_with_its_own_agent_config(log_root, imitators):
    """ManipTrans' single residual MLP (``--agent rsl_rl_mlp_cfg_entry_point``) trains beside MoRE; play, evaluate and
    the challenge recipe find the agent config from the run's actor class (a MoRE actor would not fit its weights)."""
    from rsl_rl.models import MLPModel

    from dex_more.rl.mixture_of_residual_experts import MixtureOfResidualExperts
    from dex_more.rl.rollout import agent_entry_point, build_policy_env

    task, imitator = "Dex-HOTrack-Right-v0", ["--imitator", f"right={imitators['right']}"]
    more = residual_run(task, log_root, imitators)
    os.makedirs(os.path.join(log_root, "mlp"), exist_ok=True)
    mlp = train_in_process(task, os.path.join(log_root, "mlp"), [*imitator, "--agent", "rsl_rl_mlp_cfg_entry_point"])
    assert agent_entry_point(task, mlp) == "rsl_rl_mlp_cfg_entry_point"
    assert agent_entry_point(task, more) == "rsl_rl_cfg_entry_point"
    for ckpt, actor_class in ((mlp, MLPModel), (more, MixtureOfResidualExperts)):
        env, runner, policy = build_policy_env(task, ckpt, num_envs=1)
        try:
            assert type(runner.alg.actor) is actor_class
            with torch.inference_mode():
                assert torch.isfinite(policy(env.get_observations())).all()
        finally:
            env.close()


def test_isaaclab_player_plays_a_residual_run_as_play_gui_starts_it(log_root, imitators):
    """``play.py --gui`` hands Isaac Lab's RSL-RL player a command line (``isaaclab_player_argv``). Here, without Isaac
    Sim, that player runs it kit-less with no visualizer instead of ``kit``: it must find the run's imitator, put the
    agent on the CPU (it keeps the agent config's cuda:0 otherwise) and start playing."""
    import argparse
    import importlib.util
    import subprocess
    import sys
    import time

    task = "Dex-HOTrack-Right-v0"
    ckpt = residual_run(task, log_root, imitators)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spec = importlib.util.spec_from_file_location("play", os.path.join(root, "scripts", "play.py"))
    play = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(play)
    argv = play.isaaclab_player_argv(argparse.Namespace(task=task, checkpoint=ckpt, num_envs=1, device="cpu", seed=0),
                                     [], visualizer="none")
    assert argv[argv.index("--viz") + 1] == "none"
    assert f"env.actions.hand_right.imitator_checkpoint={imitators['right']}" in argv
    assert "agent.device=cpu" in argv and "env.commands.motion.debug_vis=true" in argv
    code = ("import sys; import dex_more.tasks; from isaaclab_rl.entrypoints.backends import play_rsl_rl; "
            "play_rsl_rl.run(sys.argv[1:])")
    player = subprocess.Popen([sys.executable, "-c", code, *argv], cwd=log_root, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        deadline = time.monotonic() + 300
        for line in player.stdout:  # until the player says it plays, or stops
            lines.append(line)
            if "Policy playback is running" in line or time.monotonic() > deadline:
                break
        time.sleep(3)  # it goes on stepping the policy
        assert player.poll() is None, "".join(lines[-40:])
        assert "Policy playback is running" in lines[-1], "".join(lines[-40:])
    finally:
        player.kill()
        player.wait()


def test_resumed_training_continues_iteration_optimiser_and_curricula(log_root):
    """4 iterations straight vs 2 + resume 2 at one seed (MoRE + MoE-PPO, with gravity and friction curricula).

    The first two iterations are bit-identical on the CPU (same seed), so the resumed run starts from exactly the
    straight run's state at iteration 2: weights, optimiser, iteration, env step counter. Its final weights are not
    the straight run's, and are not compared: the resumed run builds and resets its envs where the straight run's
    were mid-episode (physics state, motion phases, episode clocks redrawn by ``init_at_random_ep_len``) and its
    random generators are re-seeded at env creation (see dex_more.rl.resumable)."""
    from dex_more.rl.checkpoints import ENV_STATE_KEY
    from dex_more.rl.rollout import build_policy_env
    from dex_more.tasks.hotrack.agents.rsl_rl_ppo_cfg import HOTrackResidualPPORunnerCfg

    task, steps = "Dex-HOTrack-Right-FromScratch-v0", 8  # steps per env and iteration (train_in_process)
    ramps = ["env.curriculum.gravity.params.num_steps=32", "env.curriculum.friction.params.num_steps=32"]
    common = [*ramps, "agent.save_interval=1", "--seed", "7"]
    straight = train_in_process(task, log_root, [*common, "--run_name", "straight"], iterations=4)
    first = train_in_process(task, log_root, [*common, "--run_name", "first"], iterations=2)
    resumed = train_in_process(task, log_root, [*common, "--run_name", "resumed", "--checkpoint", first], iterations=2)

    load = lambda p: torch.load(p, weights_only=False)  # noqa: E731
    at_1 = load(first)
    assert os.path.basename(first) == "model_1.pt" and at_1["iter"] == 1
    same_1 = load(os.path.join(os.path.dirname(straight), "model_1.pt"))
    for key in ("actor_state_dict", "critic_state_dict"):
        for name, value in at_1[key].items():
            assert torch.equal(value, same_1[key][name]), f"{key}.{name}: the runs differ before the resume"
    assert at_1[ENV_STATE_KEY] == {"common_step_counter": 2 * steps}

    # the resumed run trains iterations 2 and 3 (rsl_rl alone would retrain 1 and stop at model_2.pt)
    folder = os.path.dirname(resumed)
    assert sorted(os.path.basename(p) for p in glob.glob(os.path.join(folder, "model_*.pt"))) == ["model_2.pt",
                                                                                                   "model_3.pt"]
    end, end_straight = load(resumed), load(straight)
    assert os.path.basename(resumed) == os.path.basename(straight) == "model_3.pt"
    assert end["iter"] == end_straight["iter"] == 3
    assert end[ENV_STATE_KEY] == end_straight[ENV_STATE_KEY] == {"common_step_counter": 4 * steps}
    # Adam counts its steps per parameter: those of every update (encoder, head, critic) took one per minibatch of
    # 4 iterations, as if the run never stopped (2 without the optimiser's state); a routed expert's parameters
    # step only in minibatches that chose it, so they took fewer, yet never fewer than at model_1
    alg = HOTrackResidualPPORunnerCfg().algorithm
    updates = 4 * alg.num_learning_epochs * alg.num_mini_batches
    step = lambda state: {i: float(s["step"]) for i, s in state["optimizer_state_dict"]["state"].items()}  # noqa: E731
    for state in (end, end_straight):
        assert max(step(state).values()) == updates
    assert all(step(at_1)[i] <= n <= updates for i, n in step(end).items())

    # what the runner holds right after loading model_1 to resume: its weights and optimiser exactly, iteration 2
    # next, the step counter, and the curricula at that step applied to every env (16/32 of each ramp)
    env, runner, _ = build_policy_env(task, first, num_envs=2, overrides=ramps, eval_mode=False)
    try:
        runner.load(first, map_location="cpu")
        assert runner.current_learning_iteration == 2
        for name, value in runner.alg.save()["actor_state_dict"].items():
            assert torch.equal(value, at_1["actor_state_dict"][name]), name
        saved = at_1["optimizer_state_dict"]["state"]
        for i, s in runner.alg.optimizer.state_dict()["state"].items():
            assert float(s["step"]) == float(saved[i]["step"]) and torch.equal(s["exp_avg_sq"], saved[i]["exp_avg_sq"])
        base = env.unwrapped
        assert base.common_step_counter == 2 * steps
        import warp as wp

        gravity = wp.to_torch(base.sim.physics_manager.get_model().gravity)[:2, 2]
        assert torch.allclose(gravity, torch.tensor(-9.81 * 0.5))
        curricula = base.curriculum_manager
        assert dict(curricula.get_active_iterable_terms(0))["friction"] == [pytest.approx(2.0)]  # 3 -> 1, halfway
        friction = curricula._term_cfgs[curricula.active_terms.index("friction")].func
        assert torch.allclose(friction._mu[friction.shapes], 2.0 * friction.nominal)
    finally:
        env.close()


def test_play_rejects_a_checkpoint_of_another_task(imitators):
    from dex_more.rl.checkpoints import CheckpointError
    from dex_more.rl.rollout import build_policy_env

    with pytest.raises(CheckpointError, match="trained on 'Dex-HOTrack-Imitator-v0'"):
        build_policy_env("Dex-HOTrack-Imitator-Left-v0", imitators["right"])


def test_dagger_distills_a_more_teacher_into_a_point_cloud_student(log_root):
    """The teacher is a MoRE residual checkpoint; the student sees points on the object, not its state."""
    teacher = train_in_process("Dex-HOTrack-Right-FromScratch-v0", log_root)
    student = train_in_process("Dex-HOTrack-Right-FromScratch-v0", log_root,
                               ["--agent", "rsl_rl_distillation_cfg_entry_point", "--checkpoint", teacher,
                                "--experiment_name", "Dex-HOTrack-Right-FromScratch-v0"])
    state = torch.load(student, weights_only=False)
    assert "student_state_dict" in state and "teacher_state_dict" in state
    assert any(k.startswith("encoder.point_mlp") for k in state["student_state_dict"])
    teacher_state = torch.load(teacher, weights_only=False)["actor_state_dict"]
    for k, v in teacher_state.items():  # the teacher is the trained actor, unchanged
        assert torch.equal(state["teacher_state_dict"][k], v), k


def test_rollout_recording_round_trip(tmp_path):
    """The USD holds, per time sample, the simulated object where it was and the reference ghost where it was."""
    from pxr import Usd, UsdGeom

    from dex_more.recording import KeypointAnimation, RolloutRecorder

    env = make_env("Dex-HOTrack-Right-FromScratch-v0")
    try:
        env.reset()
        cmd = env.command_manager.get_term("motion")
        rec = RolloutRecorder(env, str(tmp_path / "rollout.usda"))
        gif = KeypointAnimation(env)
        action = 0.3 * torch.ones(env.num_envs, env.action_manager.total_action_dim)
        object_pos, ref_kp = [], []
        for _ in range(8):
            env.step(action)
            rec.record()
            gif.capture()
            object_pos.append(env.scene["object_0"].data.root_pos_w.torch[0].clone().numpy())
            ref_kp.append((cmd.ref(cmd.keypoints, "right", offset=0)[0] + env.scene.env_origins[0]).numpy())
        path = rec.close()
        gif_path = gif.save(str(tmp_path / "rollout.gif"))
    finally:
        env.close()
    from PIL import Image

    assert Image.open(gif_path).n_frames == 8
    stage = Usd.Stage.Open(path)
    assert stage.GetTimeCodesPerSecond() == pytest.approx(60.0)
    object_pos = np.array(object_pos)
    assert np.linalg.norm(object_pos[-1] - object_pos[0]) > 1e-4, "the object should move during the rollout"
    # one of the written meshes follows the object frame by frame: its time-sampled transform puts the
    # cylinder's vertex centroid (its centre) where the simulation had the object
    best = np.inf
    for prim in stage.Traverse():
        if prim.GetTypeName() != "Mesh" or not str(prim.GetPath()).startswith("/root/model/shapes"):
            continue
        xf = UsdGeom.Xformable(prim)
        if prim.GetAttribute("xformOp:translate").GetNumTimeSamples() < 8:
            continue
        local = np.asarray(UsdGeom.Mesh(prim).GetPointsAttr().Get(Usd.TimeCode.EarliestTime())).mean(0)
        cents = np.array([np.asarray(xf.ComputeLocalToWorldTransform(t).Transform(tuple(map(float, local))))
                          for t in range(8)])
        best = min(best, float(np.abs(cents - object_pos).max()))
    assert best < 1e-3, f"no recorded mesh follows the object (closest: {best * 1000:.2f} mm)"
    # the reference ghost: mapped hand keypoints of each frame
    ghost = [p for p in stage.Traverse() if "reference_right_hand" in str(p.GetPath()) and p.GetTypeName() == "PointInstancer"]
    assert ghost
    positions = UsdGeom.PointInstancer(ghost[0]).GetPositionsAttr()
    for t in (0, 7):  # env 0 first; the Inspire maps all 21 keypoints
        np.testing.assert_allclose(np.asarray(positions.Get(t))[:21], ref_kp[t], atol=1e-5)


def test_gravity_and_friction_curricula_ramp_with_env_steps():
    """ManipTrans' curricula: gravity 0 -> -9.81 m/s², object friction ×3 -> ×1 over 1920 env steps, per reset."""
    import warp as wp

    from isaaclab_newton.physics import NewtonManager

    env = make_env("Dex-HOTrack-Right-FromScratch-v0", eval_mode=False)
    try:
        env.reset()
        model = NewtonManager.get_model()
        gravity = wp.to_torch(model.gravity)[: env.num_envs, 2]
        # the object's collision shapes, found here independently of the curriculum term
        bodies = [i for i, label in enumerate(model.body_label) if "/Object_" in label]
        shapes = torch.nonzero(torch.isin(wp.to_torch(model.shape_body).long(), torch.tensor(bodies))).flatten()
        assert len(shapes) == env.num_envs  # one cylinder per env, in env order
        mu = wp.to_torch(model.shape_material_mu)
        start = mu[shapes].clone()
        assert torch.allclose(gravity, torch.zeros(env.num_envs))
        env.common_step_counter = 960  # half way
        env._reset_idx(torch.tensor([1]))
        assert float(gravity[1]) == pytest.approx(-9.81 / 2) and float(gravity[0]) == 0.0
        halfway = mu[shapes].clone()
        env.common_step_counter = 5000
        env._reset_idx(torch.arange(env.num_envs))
        nominal = mu[shapes]
        assert torch.allclose(gravity, torch.full((env.num_envs,), -9.81))
        assert torch.allclose(start, 3.0 * nominal)
        assert (halfway / nominal).tolist() == pytest.approx([3.0, 2.0, 3.0])
    finally:
        env.close()


def test_train_cli_residual_without_imitators_points_to_the_recipe(tmp_path, monkeypatch):
    from dex_more.cli import dex_train_argv

    monkeypatch.chdir(tmp_path)  # no logs/ here
    with pytest.raises(SystemExit, match="train_hotrack.py --task Dex-HOTrack-Bimanual-v0"):
        dex_train_argv(["--task", "Dex-HOTrack-Bimanual-v0"])
    with pytest.raises(SystemExit, match="unknown task 'Dex-HOTrack-Bimanual-v9'"):
        dex_train_argv(["--task", "Dex-HOTrack-Bimanual-v9"])
    # with imitator checkpoints under logs/, the newest are used
    for task in ("Dex-HOTrack-Imitator-v0", "Dex-HOTrack-Imitator-Left-v0"):
        run = tmp_path / "logs" / "rsl_rl" / task / "2026-01-01_00-00-00"
        (run / "params").mkdir(parents=True)
        (run / "run.json").write_text(json.dumps({"task": task}))
        (run / "params" / "agent.yaml").write_text("actor:\n  class_name: rsl_rl.models:MLPModel\n")
        for it in (3, 12):
            torch.save({"actor_state_dict": {"w": torch.zeros(2)}}, run / f"model_{it}.pt")
    argv = dex_train_argv(["--task", "Dex-HOTrack-Bimanual-v0", "--device", "cpu"])
    assert any(a.endswith("Dex-HOTrack-Imitator-Left-v0/2026-01-01_00-00-00/model_12.pt") for a in argv)
    assert argv[-2:] == ["--experiment_name", "Dex-HOTrack-Bimanual-v0"]
    # an imitator checkpoint that is not one stops the command before any env is built, naming the file
    (run / "model_12.pt").write_bytes(b"x")
    with pytest.raises(SystemExit, match="model_12.pt: field '<file>'"):
        dex_train_argv(["--task", "Dex-HOTrack-Bimanual-v0", "--device", "cpu"])


def test_a_data_set_object_from_urdf_is_spawned_and_tracked(tmp_path):
    """A clip whose object is a URDF + OBJ (as in the HO-Tracker layout) runs in a residual task: the mesh is
    converted, spawned, put in its reference pose, and its signed distances agree with the primitive it was made of."""
    import json
    import shutil

    import trimesh

    from dex_more.motion import ReferenceMotion
    from dex_more.motion.shapes import sdf_world

    clip = ReferenceMotion.load(os.path.join(os.path.dirname(__file__), "..", "data", "demos", "right_move_cylinder.npz"))
    r, h = clip.objects[0].dims
    mesh = trimesh.creation.cylinder(radius=r, height=h, sections=96)
    urdf_dir = tmp_path / "right_urdf"
    urdf_dir.mkdir()
    mesh.export(urdf_dir / "cylinder.obj")
    (urdf_dir / "cylinder.urdf").write_text(
        '<robot name="cyl"><link name="base"><collision><geometry><mesh filename="cylinder.obj" scale="1 1 1"/>'
        "</geometry></collision></link></robot>")
    primitive = (clip.objects[0].shape, clip.objects[0].dims)
    clip.objects[0].shape, clip.objects[0].dims = str(urdf_dir / "cylinder.urdf"), (1.0,)
    clip.name = "mesh_clip"
    clip.save(str(tmp_path / "mesh_clip.npz"))
    (tmp_path / "manifest.json").write_text(json.dumps({"format_version": 1, "clips": [
        {"file": "mesh_clip.npz", "name": "mesh_clip", "split": "train", "sides": ["right"], "num_objects": 1}]}))
    env = make_env("Dex-HOTrack-Right-FromScratch-v0", {"commands.motion.manifest": str(tmp_path / "manifest.json"),
                                                         "commands.motion.clip_names": ["mesh_clip"]}, eval_mode=False)
    try:
        env.reset()
        cmd = env.command_manager.get_term("motion")
        ref = cmd.ref(cmd.object_pose[0], offset=0)
        pos = env.scene["object_0"].data.root_pos_w.torch - env.scene.env_origins
        assert float((pos - ref[:, :3]).norm(dim=-1).max()) < 0.002
        tips = cmd.keypoints["right"][0, :50, [4, 8, 12, 16, 20]].double().numpy()
        from_mesh = np.stack([sdf_world(clip.objects[0].shape, (1.0,), clip.objects[0].pose[t], tips[t]) for t in range(50)])
        from_primitive = np.stack([sdf_world(*primitive, clip.objects[0].pose[t], tips[t]) for t in range(50)])
        np.testing.assert_allclose(from_mesh, from_primitive, atol=1e-3)
        np.testing.assert_allclose(cmd.tip_surface_distance[("right", 0)][0, :50].numpy(), from_mesh, atol=1e-5)
        env.step(torch.zeros(env.num_envs, env.action_manager.total_action_dim))
        assert torch.isfinite(env.scene["object_0"].data.root_pos_w.torch).all()
    finally:
        env.close()
    shutil.rmtree(urdf_dir)


def test_object_terms_are_overridden_from_the_command_line(log_root):
    """Object terms are static config entries: ``env.rewards.object_0_pos.weight=…`` on scripts/train.py's command
    line reaches the env that trains, like any other term (before, object terms appeared only at env creation)."""
    import yaml

    from dex_more.rl.rollout import build_policy_env

    overrides = ["env.rewards.object_0_pos.weight=2.5", "env.terminations.object_0_position.params.threshold=0.05",
                 "env.rewards.object_0_ang_vel=null"]
    ckpt = train_in_process("Dex-HOTrack-Right-FromScratch-v0", log_root, overrides)
    with open(os.path.join(os.path.dirname(ckpt), "params", "env.yaml")) as f:
        dumped = yaml.unsafe_load(f)
    assert dumped["rewards"]["object_0_pos"]["weight"] == 2.5
    assert dumped["terminations"]["object_0_position"]["params"]["threshold"] == 0.05
    assert dumped["rewards"]["object_0_ang_vel"] is None
    from test_learning import scalars

    assert scalars(ckpt, "Episode_Reward/object_0_pos"), "the object term's episode reward is logged"
    # the same overrides through the same hydra path, into a live env: the managers run the overridden terms
    env, _, _ = build_policy_env("Dex-HOTrack-Right-FromScratch-v0", ckpt, num_envs=2, overrides=overrides)
    try:
        base = env.unwrapped
        term = base.reward_manager.get_term_cfg("object_0_pos")
        assert term.weight == 2.5 and "object_0_ang_vel" not in base.reward_manager.active_terms
        assert base.termination_manager.get_term_cfg("object_0_position").params["threshold"] == 0.05
        base.reward_manager.compute(base.step_dt)
        expect = 2.5 * term.func(base, **term.params)
        for i in range(2):
            logged = dict(base.reward_manager.get_active_iterable_terms(i))["object_0_pos"][0]
            assert logged == pytest.approx(float(expect[i]), rel=1e-6)
    finally:
        env.close()
