"""HOT's refined data: a trained tracker's rollouts, written back as reference clips (``play.py --save_refined_data``).

A policy that tracks a synthetic clip in physics turns it into a physically plausible one: the hand's joints,
wrist and keypoints, the object's pose and the fingertip contacts are what the simulator did. Each clip of the task
is played once from frame 0 with the deterministic policy (env 0); a rollout that ran to the clip's end without a
termination is written as ``<clip>.npz`` in dex_more's format, and ``manifest.json`` lists them, so a student (or
any tracking task of the same hand) trains on them with ``env.commands.motion.manifest=<DIR>/manifest.json``.

Frames: the env frame (the clips' world frame); the robot's joints are stored under the hand's name exactly as
the task reads them. Contacts: a fingertip keypoint within :data:`~dex_more.motion.synthetic.CONTACT` of the env's
object (tasks with an object bank; others store none).
"""
from __future__ import annotations

import json
import os

import numpy as np
import torch

from .motion.reference_motion import HandTrack, ObjectTrack, ReferenceMotion
from .motion.synthetic import CONTACT


def _copy(x: torch.Tensor) -> np.ndarray:
    return np.array(x.detach().cpu().numpy(), copy=True)


def _snapshot(base, cmd) -> dict:
    from .mdp import fingertip_contacts

    frame = {"hands": {}, "objects": []}
    for s, robot in cmd.robots.items():
        h = base.hands[s]
        contacts = None
        if getattr(base, "object_bank", None) is not None:
            contacts = _copy(fingertip_contacts(base, s, CONTACT)[0] > 0.5)
        # copies: on the CPU .numpy() shares the simulator's buffers, which the next step overwrites
        frame["hands"][s] = (_copy(h.wrist_pos[0]), _copy(h.wrist_quat[0]), _copy(h.keypoints[0]),
                             _copy(robot.data.joint_pos.torch[0]), contacts)
    origin = base.scene.env_origins[0]
    for obj in cmd.objects:
        pose = obj.data.root_pose_w.torch[0].clone()
        pose[:3] -= origin
        frame["objects"].append(_copy(pose))
    return frame


def _as_motion(frames: list[dict], clip: ReferenceMotion, cmd) -> ReferenceMotion:
    hands = {}
    for s, robot in cmd.robots.items():
        wp, wq, kp, q, c = (np.stack([f["hands"][s][k] for f in frames]) if frames[0]["hands"][s][k] is not None
                            else None for k in range(5))
        name = cmd.hand_specs[s].name
        hands[s] = HandTrack(wrist_pos=wp, wrist_quat=wq, keypoints=kp, joint_pos={name: q},
                             joint_names={name: list(robot.joint_names)}, contacts=c)
    objects = [ObjectTrack(pose=np.stack([f["objects"][i] for f in frames]), shape=o.shape, dims=o.dims, name=o.name,
                           mass=o.mass) for i, o in enumerate(clip.objects[: len(cmd.objects)])]
    return ReferenceMotion(fps=clip.fps, hands=hands, objects=objects, skill=clip.skill, name=clip.name)


def save_refined_data(env, policy, out_dir: str, meta: dict, keep_failed: bool = False, log=print) -> list[dict]:
    """Play every clip of ``env``'s reference-motion command once (env 0) and write the rollouts that reached the
    clip's end (every rollout with ``keep_failed``) as clips plus ``manifest.json`` in ``out_dir``; returns the
    manifest's entries. ``env``: the RSL-RL wrapper of a task in eval mode; ``meta``: recorded in the manifest."""
    from .mdp.commands import reference_motion

    base = env.unwrapped
    cmd = reference_motion(base)
    os.makedirs(out_dir, exist_ok=True)
    entries = []
    with torch.inference_mode():
        for clip in cmd.clips:
            cmd.play_clip(clip.name)
            obs, _ = env.reset()
            frames = [_snapshot(base, cmd)]
            while True:
                obs, _, dones, _ = env.step(policy(obs))
                if bool(dones[0]):  # the env has reset env 0 already: its last state is the previous frame
                    success = bool(base.reset_time_outs[0]) and not bool(base.reset_terminated[0])
                    break
                frames.append(_snapshot(base, cmd))
            log(f"[refined] {clip.name}: {len(frames)}/{clip.num_frames} frames, "
                f"{'reached the end' if success else 'terminated early'}")
            if not (success or keep_failed) or len(frames) < 2:  # a clip needs two frames (a velocity)
                continue
            motion = _as_motion(frames, clip, cmd).validate()
            fname = f"{clip.name}.npz"
            motion.save(os.path.join(out_dir, fname), overwrite=True)
            entries.append({"file": fname, "name": clip.name, "split": "train", "sides": list(motion.sides),
                            "num_objects": len(motion.objects), "skill": clip.skill, "frames": motion.num_frames,
                            "fps": motion.fps, "reached_end": success})
    cmd.play_clip(None)
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump({"format_version": 1, "refined_from": meta, "clips": entries}, fh, indent=1)
    return entries
