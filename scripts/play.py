#!/usr/bin/env python3
"""Play a trained dex_more policy headless: roll out episodes from frame 0 and print how it tracked.

    ./dex python scripts/play.py --task Dex-HOTrack-Imitator-v0 --checkpoint logs/rsl_rl/<task>/<run>/model_399.pt
    ./dex python scripts/play.py --task Dex-HOTrack-Bimanual-v0 --checkpoint PATH --episodes 4 --export
    ./dex python scripts/play.py --task Dex-HOTrack-Bimanual-v0 --checkpoint PATH --viz viser   # in a web browser

``--viz viser`` serves the rollout as a 3-D scene at a printed local address (any browser, no GPU needed), the
reference as a ghost (green: its hand keypoints, orange: its objects' centres), in real time, with pause / reset
buttons and a clip selector, and plays episodes until Ctrl-C (or ``--episodes``).

Residual checkpoints find their imitators in their run's params/env.yaml (override with
``env.actions.hand_<side>.imitator_checkpoint=PATH``). ``--export`` writes TorchScript and ONNX policies
to ``<run>/exported/``; ``--record rollout.usda`` writes the rollout (and the reference, as a ghost) to a
time-sampled USD file that Isaac Sim and usdview play; ``--gif rollout.gif`` draws it with matplotlib.
``--save_refined_data DIR`` (HOT's refined data) plays every clip once and writes the rollouts that reach the clip's
end as clips with a manifest, a reference motion for a student (``env.commands.motion.manifest=DIR/manifest.json``).

``--gui`` (inside an Isaac Lab install with Isaac Sim, ``isaaclab.sh -p scripts/play.py ... --gui``, add
``presets=physx`` for PhysX) plays in Isaac Sim's window through Isaac Lab's own RSL-RL player, with the run's
imitators and the reference ghost. Kit and the window itself were not run where this was written (no Isaac Sim);
the player with the same command line and no visualizer is tested.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

import torch  # noqa: E402

from dex_more.viewer import DEFAULT_PORT, VIEWERS  # noqa: E402


def export_error(actor, obs, path: str) -> float:
    """Largest difference between the exported TorchScript policy and the eager actor on ``obs``."""
    jit = torch.jit.load(path)
    flat = torch.cat([obs[g] for g in actor.obs_groups], dim=-1)
    # the exported module's second input: MoRE's base action, a hyper-policy's bases' view, a student's points, a
    # visual policy's image
    base = (getattr(actor, "base_action_group", None) or getattr(actor, "base_obs_group", None)
            or getattr(actor, "point_cloud_group", None) or getattr(actor, "image_group", None))
    with torch.inference_mode():
        exported = jit(flat, obs[base]) if base else jit(flat)
        return float((exported - actor(obs)).abs().max())


RECORD_SUFFIXES = (".usd", ".usda", ".usdc")


def check_outputs(a: argparse.Namespace) -> None:
    """Refuse, before the env is built, an output play.py cannot write or would write over."""
    if a.record and os.path.splitext(a.record)[1].lower() not in RECORD_SUFFIXES:
        why = (" Rerun recordings are not offered: Isaac Lab 3.0's rerun visualizer saves only the viewer layout to "
               "its .rrd (the web server it also starts takes the recording's data)."
               if a.record.lower().endswith(".rrd") else "")
        raise SystemExit(f"error: --record {a.record}: expected a USD file ({', '.join(RECORD_SUFFIXES)}).{why}")
    if a.gif and not a.gif.lower().endswith(".gif"):
        raise SystemExit(f"error: --gif {a.gif}: expected a .gif file")
    refined = os.path.join(a.save_refined_data, "manifest.json") if a.save_refined_data else None
    for flag, path in (("--record", a.record), ("--gif", a.gif), ("--save_refined_data", refined)):
        if path and os.path.exists(path) and not a.overwrite:
            raise SystemExit(f"error: {flag} {path} exists (pass --overwrite to replace it)")


def isaaclab_player_argv(a: argparse.Namespace, overrides: list[str], visualizer: str = "kit") -> list[str]:
    """The command line of Isaac Lab's RSL-RL player (``--gui``: Isaac Sim's window is its ``kit`` visualizer) for
    play.py's arguments. It adds what that player does not know: a residual run's imitators (from its run folder),
    the agent on ``--device`` (the player keeps the agent config's ``cuda:0``) and the reference ghost."""
    import dex_more.tasks  # noqa: F401
    from dex_more.mdp.commands import MOTION_COMMAND
    from dex_more.rl.rollout import agent_entry_point, checked_run_overrides, quiet_stdout
    from isaaclab_tasks.utils import resolve_task_config

    overrides = checked_run_overrides(a.task, a.checkpoint, overrides)
    if not any(o.startswith("agent.device=") for o in overrides):
        overrides.append(f"agent.device={a.device}")
    with quiet_stdout():
        agent = agent_entry_point(a.task, a.checkpoint)
        env_cfg, _ = resolve_task_config(a.task, agent)
    if hasattr(getattr(env_cfg, "commands", None), MOTION_COMMAND):
        overrides.append(f"env.commands.{MOTION_COMMAND}.debug_vis=true")
    return ["--task", a.task, "--agent", agent, "--checkpoint", os.path.abspath(a.checkpoint),
            "--num_envs", str(a.num_envs), "--device", a.device, "--seed", str(a.seed), "--viz", visualizer, *overrides]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", required=True)
    p.add_argument("--checkpoint", required=True, help="model_<iter>.pt of a run")
    p.add_argument("--num_envs", type=int, default=1)
    p.add_argument("--episodes", type=int, default=None, help="episodes per env (default 1; --viz: until Ctrl-C)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--export", action="store_true", help="also export TorchScript + ONNX to <run>/exported/")
    p.add_argument("--record", default=None, metavar="FILE.usda",
                   help="record the rollout (hands, objects, the reference as a ghost) to a time-sampled USD file "
                        "(.usd, .usda or .usdc)")
    p.add_argument("--gif", default=None, metavar="FILE.gif",
                   help="draw env 0's rollout (robot and reference keypoints, objects) into an animated GIF")
    p.add_argument("--save_refined_data", default=None, metavar="DIR",
                   help="HOT's refined data: play every clip once from frame 0 and write the rollouts that reach the "
                        "clip's end as clips + manifest.json in DIR (train on them with "
                        "env.commands.motion.manifest=DIR/manifest.json)")
    p.add_argument("--keep_failed", action="store_true", help="--save_refined_data: also write rollouts that ended early")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --record or --gif file, or "
                                                                "--save_refined_data's manifest")
    p.add_argument("--viz", "--visualizer", choices=VIEWERS, default=None,
                   help="watch in a web browser (Isaac Lab's viser visualizer): serves the scene at a printed address, "
                        "plays in real time until Ctrl-C or --episodes")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"--viz: the web server's port (default {DEFAULT_PORT}; the next free one if it is taken)")
    p.add_argument("--address", default="127.0.0.1",
                   help="--viz: the address to serve on (default loopback; 0.0.0.0 for other machines)")
    p.add_argument("--gui", action="store_true",
                   help="inside an Isaac Lab install with Isaac Sim: play in its GUI (Isaac Lab's RSL-RL player; "
                        "add presets=physx for PhysX)")
    a, overrides = p.parse_known_args()
    check_outputs(a)
    watch = a.viz is not None
    episodes = a.episodes if a.episodes is not None else (sys.maxsize if watch else 1)
    from dex_more.errors import DataFormatError
    from dex_more.rl.rollout import build_policy_env

    if a.gui:
        import importlib.util

        if importlib.util.find_spec("isaacsim") is None:
            raise SystemExit("error: --gui needs Isaac Sim (an Isaac Lab install with it, e.g. docker/Dockerfile's gpu "
                             "image); without it, watch in a web browser: --viz viser")
        from isaaclab_rl.entrypoints.backends import play_rsl_rl

        try:
            play_rsl_rl.run(isaaclab_player_argv(a, overrides))
        except (DataFormatError, FileNotFoundError) as e:
            raise SystemExit(f"error: {e}") from None
        return 0

    if a.num_envs < 1 or episodes < 1:
        raise SystemExit(f"error: --num_envs {a.num_envs} --episodes {a.episodes}: expected at least 1 of each")
    visualizers = []
    if watch:
        from dex_more.viewer import web_viewer_cfg

        visualizers.append(web_viewer_cfg(a.port, a.address))
    try:
        env, runner, policy = build_policy_env(a.task, a.checkpoint, a.num_envs, a.device, overrides, seed=a.seed,
                                               visualizers=visualizers)
    except (DataFormatError, FileNotFoundError) as e:
        raise SystemExit(f"error: {e}") from None
    if watch:
        from dex_more.viewer import served_urls, share_camera

        share_camera(env.unwrapped.sim)
        urls = served_urls(env.unwrapped.sim, a.address)
        if not urls:
            env.close()
            raise SystemExit("error: --viz viser: the viewer did not start (see the messages above)")
        print(f"[play] watch it at {urls[0]} (Ctrl-C stops)", flush=True)
    if a.export:
        out = os.path.join(os.path.dirname(os.path.abspath(a.checkpoint)), "exported")
        runner.export_policy_to_jit(path=out, filename="policy.pt")
        runner.export_policy_to_onnx(path=out, filename="policy.onnx")
        diff = export_error(runner.alg.get_policy(), env.get_observations(), os.path.join(out, "policy.pt"))
        print(f"[play] exported policy.pt and policy.onnx to {out}; TorchScript vs eager: max |Δa| = {diff:.2e}")
    base = env.unwrapped
    from dex_more.mdp.commands import MOTION_COMMAND, reference_motion
    if a.save_refined_data:
        if MOTION_COMMAND not in base.command_manager.active_terms:
            env.close()
            raise SystemExit(f"error: --save_refined_data: {a.task} tracks no reference motion")
        from dex_more.refined_data import save_refined_data
        meta = {"task": a.task, "checkpoint": os.path.abspath(a.checkpoint), "seed": a.seed}
        entries = save_refined_data(env, policy, a.save_refined_data, meta, keep_failed=a.keep_failed)
        env.close()
        print(f"[play] wrote {len(entries)} refined clips and manifest.json to {a.save_refined_data}")
        return 0

    cmd = reference_motion(base) if MOTION_COMMAND in base.command_manager.active_terms else None
    recorder = None
    if a.record:
        from dex_more.recording import RolloutRecorder

        recorder = RolloutRecorder(base, a.record)
    animation = None
    if a.gif:
        from dex_more.recording import KeypointAnimation

        animation = KeypointAnimation(base)
    obs = env.get_observations()
    done_count = torch.zeros(base.num_envs, dtype=torch.long)
    sums, steps = {}, torch.zeros(base.num_envs)
    episode = 0
    picked = []  # clips chosen in the browser (the viewer's thread appends; this loop applies them)
    if watch and cmd is not None:
        from dex_more.viewer import add_clip_selector

        add_clip_selector(base.sim, [c.name for c in cmd.clips], picked.append)
    step_dt, next_step = base.step_dt, time.monotonic()
    try:
        with torch.inference_mode():
            while int(done_count.min()) < episodes:
                if watch:  # real time (or slower, never catching up in a burst): the browser shows the motion
                    now = time.monotonic()
                    next_step = max(next_step + step_dt, now)
                    time.sleep(next_step - now)
                if picked:  # a new clip from the start: every env resets into it
                    clip = picked.pop()
                    picked.clear()
                    cmd.play_clip(clip)
                    obs, _ = env.reset()
                    steps.zero_()
                    for s in sums.values():
                        s.zero_()
                    print(f"[play] clip {clip or 'any (drawn per episode)'}", flush=True)
                obs, _, dones, extras = env.step(policy(obs))
                if recorder is not None:
                    recorder.record()
                if animation is not None and done_count[0] < 1:
                    animation.capture()
                steps += 1
                if cmd is not None:
                    for k, v in cmd.step_metrics.items():
                        sums[k] = sums.get(k, torch.zeros(base.num_envs)) + v.cpu()
                for i in dones.nonzero().flatten().tolist():
                    if done_count[i] >= episodes:
                        continue
                    if "success" in base.termination_manager.active_terms:  # a task's own success (grasping)
                        success = bool(base.termination_manager.get_term("success")[i])
                    else:  # tracking: the clip ran out without a termination
                        success = bool(base.reset_time_outs[i]) and not bool(base.reset_terminated[i])
                    line = " ".join(f"{k} {float(s[i] / steps[i]):.3f}" for k, s in sums.items())
                    print(f"[play] episode {episode}: env {i} length {int(steps[i])} success {success} | {line}")
                    episode += 1
                    done_count[i] += 1
                    steps[i] = 0
                    for s in sums.values():
                        s[i] = 0
    except KeyboardInterrupt:
        print("[play] stopped")
    if recorder is not None:
        print(f"[play] recorded {recorder.frame} frames to {recorder.close()} (open it in Isaac Sim or usdview)")
    if animation is not None:
        print(f"[play] wrote {animation.save(a.gif)} ({len(animation.frames)} frames)")
    env.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
