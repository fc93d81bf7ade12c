"""Learning runs (slow: `./dex test --slow`): the imitator learns, MoRE + MoE-PPO and the hyper-policy train
without NaN on a real environment, HOT's precise stage learns a clip, reading the run's own tensorboard scalars."""
from __future__ import annotations

import glob
import math
import os

import pytest

from test_hotrack import train_in_process

pytestmark = pytest.mark.slow


def scalars(ckpt: str, tag: str) -> list[float]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    ea = EventAccumulator(glob.glob(os.path.join(os.path.dirname(ckpt), "events*"))[0])
    ea.Reload()
    return [e.value for e in ea.Scalars(tag)]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return str(tmp_path_factory.mktemp("learning"))


@pytest.fixture(scope="module")
def imitator(root):
    return train_in_process("Dex-HOTrack-Imitator-v0", root,
                            ["--max_iterations", "30", "--num_envs", "16", "agent.num_steps_per_env=32",
                             "env.commands.motion.clip_names=[right_move_cylinder]"])


def test_the_imitator_learns_to_track(imitator):
    """Longer episodes in training, and played from frame 0 it follows the clip longer than untrained."""
    from dex_more.evaluation import evaluate_clip

    length = scalars(imitator, "Train/mean_episode_length")
    assert len(length) == 30
    assert sum(length[-5:]) / 5 > length[0] + 20, f"episode length {length[0]:.1f} -> {length[-5:]}"
    # (the logged episode-mean E_ft is not comparable across iterations: longer episodes reach harder frames)
    untrained = evaluate_clip("Dex-HOTrack-Imitator-v0", os.path.join(os.path.dirname(imitator), "model_0.pt"),
                              "right_move_cylinder", None, 1, 0)
    trained = evaluate_clip("Dex-HOTrack-Imitator-v0", imitator, "right_move_cylinder", None, 1, 0)
    assert trained.lengths[0] > untrained.lengths[0], (untrained.lengths, trained.lengths)


def test_more_residual_trains_without_nan_and_its_value_loss_falls(root, imitator):
    ckpt = train_in_process("Dex-HOTrack-Right-v0", root,
                            ["--imitator", imitator, "--max_iterations", "15", "--num_envs", "16", "agent.num_steps_per_env=32"])
    value = scalars(ckpt, "Loss/value")
    assert all(math.isfinite(v) for v in value)
    assert min(value[-5:]) < value[0]
    loads = [scalars(ckpt, f"Loss/moe_load_expert_{k}")[-1] for k in range(4)]
    assert sum(loads) == pytest.approx(1.0, abs=1e-3)


def test_hyper_policy_over_frozen_imitators_trains_without_nan(root, imitator):
    """ResDex's mixture on a real env: λ over two frozen imitator checkpoints plus a residual, 5 PPO iterations."""
    import importlib.metadata as md

    import gymnasium as gym
    import torch

    from dex_more.rl.cfg import HyperPolicyModelCfg
    from dex_more.tasks.hotrack.agents.rsl_rl_ppo_cfg import HOTrackPPORunnerCfg
    from isaaclab_rl.rsl_rl import RslRlMLPModelCfg, RslRlVecEnvWrapper, handle_deprecated_rsl_rl_cfg
    from isaaclab_rl.rsl_rl.utils import create_rsl_rl_runner
    from isaaclab_tasks.utils import parse_env_cfg

    task = "Dex-HOTrack-Right-FromScratch-v0"
    env_cfg = parse_env_cfg(task, device="cpu", num_envs=8)
    agent = HOTrackPPORunnerCfg(num_steps_per_env=16, max_iterations=5, device="cpu")
    agent.obs_groups = {"actor": ["policy", "imitator_right"], "critic": ["policy", "imitator_right"]}
    agent.actor = HyperPolicyModelCfg(base_checkpoints=[imitator, imitator], base_obs_group="imitator_right",
                                      hidden_dims=[64, 64], activation="elu", obs_normalization=True,
                                      distribution_cfg=RslRlMLPModelCfg.GaussianDistributionCfg(init_std=0.1))
    agent = handle_deprecated_rsl_rl_cfg(agent, md.version("rsl-rl-lib"))
    env = RslRlVecEnvWrapper(gym.make(task, cfg=env_cfg))
    try:
        runner = create_rsl_rl_runner(env, agent, log_dir=os.path.join(root, "hyper"))
        runner.learn(num_learning_iterations=5)
        actor = runner.alg.actor
        lam = actor.last_weights
        assert lam.shape[-1] == 2 and torch.allclose(lam.sum(-1), torch.ones(lam.shape[0]), atol=1e-5)
        assert all(p.grad is None for p in actor.bases.parameters())
        assert all(torch.isfinite(p).all() for p in actor.parameters())
    finally:
        env.close()
    assert all(math.isfinite(v) for v in scalars(os.path.join(root, "hyper", "model_4.pt"), "Loss/surrogate"))


GRASP_CPU_RUN = ["agent.num_steps_per_env=24", "agent.actor.hidden_dims=[256,256,128]",
                 "agent.critic.hidden_dims=[256,256,128]", "agent.actor.distribution_cfg.init_std=0.5",
                 "env.object_bank.names=['box_17']", "env.scene.robot_right.init_state.pos=(-0.07,0.0,0.72)",
                 "env.events.place_hand.params.base_height=0.12",
                 "env.events.start_in_grasp.params.probability=0.5",
                 "env.events.start_in_grasp.params.lift_range=[0.0,0.16]", "env.actions.hand.finger_offset=0.5"]
"""A CPU-sized base-policy run: box_17 (a cluster centre, 8 × 4 × 7.5 cm), the hand's root 12 cm above the table
instead of 20 (closer to its object), and two aids that the paper's recipe does not have:
- half of the episodes start in one of the object's proposals, the object resting on the table or held up to 16 cm
  above it (``start_in_grasp``: a reverse curriculum; the goal is 20 cm up);
- finger action 0 puts the fingers three quarters of the way to closed (``finger_offset``): a grasp holds under a
  policy that has not learnt to close yet (scripted, mid-range fingers drop 15 of 16 objects started at the goal)."""


def test_a_grasp_base_policy_learns_to_hold_and_lift(root):
    """70 PPO iterations of 96 envs (161k env steps, about 12 minutes on 2 cores): success (the object held 20 cm
    up when time runs out) rises from none to a few per cent of the episodes, and the lift, move and goal-bonus rewards
    rise. Measured three times (session 14; CPU runs are not bit-reproducible): success 0 in iterations 10-29,
    0.026-0.030 in 40-69; lift 0.043-0.046 -> 0.068-0.069, move 0.14 -> 0.38, bonus 0.002 -> 0.049-0.065
    (iterations 10-29 against 50-69).
    Iterations 0-9 are left out: their episodes start at random lengths, and a held start ends "successful"."""
    from test_grasp_tasks import train_in_process as train_grasp

    ckpt = train_grasp("Dex-Grasp-Base-Shadow-v0", root, GRASP_CPU_RUN, iterations=70, num_envs=96)

    def window(tag, a, b):
        v = scalars(ckpt, tag)[a:b]
        return sum(v) / len(v)

    success = window("Episode_Termination/success", 10, 30), window("Episode_Termination/success", -30, None)
    assert success[1] > 0.01 and success[1] > 3 * success[0], f"success {success}"
    for tag, factor in (("lift", 1.3), ("move", 2.0), ("bonus", 5.0)):
        early, late = window(f"Episode_Reward/{tag}", 10, 30), window(f"Episode_Reward/{tag}", -20, None)
        assert late > factor * early, f"{tag} {early} -> {late}"
    assert window("Episode_Termination/physics_blowup", -20, None) < 0.02
    assert all(math.isfinite(v) for v in scalars(ckpt, "Loss/surrogate"))


def test_the_hot_precise_stage_learns_a_clip(root):
    """HOT's stage 1 on one clip (MANO-like hand, grasp_bottle_01, 16 envs × 32 steps, 50 iterations: ~5 CPU minutes):
    the episodes get longer and the multiplicative tracking reward larger. Measured once (session 11, 134 iterations):
    episode length 9.2 -> 16.5 and reward 0.08 -> 0.20 between iterations 0-9 and 40-49."""
    ckpt = train_in_process("Dex-HOT-MANO-v0", root,
                            ["--max_iterations", "50", "--num_envs", "16", "agent.num_steps_per_env=32",
                             "env.commands.motion.clip_names=['grasp_bottle_01']"])
    length = scalars(ckpt, "Train/mean_episode_length")
    reward = scalars(ckpt, "Episode_Reward/tracking")
    assert len(length) == 50 and all(math.isfinite(r) for r in reward)
    first, last = (lambda v: sum(v[:10]) / 10), (lambda v: sum(v[-10:]) / 10)  # noqa: E731
    assert last(length) > first(length) + 3, f"episode length {first(length):.1f} -> {last(length):.1f}"
    assert last(reward) > 1.5 * first(reward), f"tracking reward {first(reward):.3f} -> {last(reward):.3f}"
