"""The reference-motion command: clip library, per-env time index, reference-state initialisation, targets.

Frame convention. ``frame[i]`` is the reference frame the state of env ``i`` corresponds to *now*
(after a reset the state is written from ``frame``). Observations, computed after the command
update, show the **next** frame ``frame + 1``; rewards, terminations and metrics, computed after the
physics step but before the command update, compare the new state with ``frame + 1`` as well. Both
read :meth:`ReferenceMotionCommand.ref` with ``offset=1``.

Frames and units: the clips' world frame is the environment frame (each hand's articulation base
sits at the env origin, so wrist joint values are clip coordinates); metres, radians, seconds;
quaternions (x, y, z, w).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from isaaclab.managers import CommandTerm

from dex_more.assets import WRIST_JOINT_NAMES, get_hand
from dex_more.kinematics import wrist_joints_to_pose
from dex_more.mano import FINGERTIP_KEYPOINT_IDS
from dex_more.metrics import fingertip_error_cm, keypoint_error_cm, rotation_error_deg, translation_error_cm
from dex_more.motion.geometry import angular_velocity, linear_velocity, quat_continuous
from dex_more.motion.hand_model import HandKinematics
from dex_more.motion.retarget import robot_keypoints
from dex_more.motion.shapes import sdf_world
from dex_more.motion.skills import SolidObject

if TYPE_CHECKING:
    from dex_more.envs import DexEnv

    from .commands_cfg import ReferenceMotionCommandCfg

MOTION_COMMAND = "motion"
"""Name under which tracking tasks register the reference-motion command (``commands.motion``)."""


def reference_motion(env: DexEnv) -> ReferenceMotionCommand:
    """The env's reference-motion command term."""
    return env.command_manager.get_term(MOTION_COMMAND)


class ReferenceMotionCommand(CommandTerm):
    """Owns the clips and each env's place in them (see the module docstring for the frame convention).

    :meth:`ref` lookups are cached until ``frame`` or ``clip`` change (every term of a step reads the same
    next-frame targets); the returned tensors are shared: read them, do not modify them.
    """

    cfg: ReferenceMotionCommandCfg

    def __init__(self, cfg: ReferenceMotionCommandCfg, env: DexEnv):
        super().__init__(cfg, env)
        self.sides = tuple(cfg.hands)
        self.clips = cfg.resolve_clips()
        self.num_clips = len(self.clips)
        self.lengths = torch.tensor([c.num_frames for c in self.clips], device=self.device)
        self.t_max = int(self.lengths.max())
        self.robots = {s: env.scene[f"robot_{s}"] for s in self.sides}
        self.objects = [env.scene[f"object_{i}"] for i in range(cfg.num_objects)]
        self.hand_specs = {s: get_hand(h) for s, h in cfg.hands.items()}
        self.clip_object = None
        """(C,) with per-env objects: index in the env's object bank of each clip's object."""
        if cfg.per_env_objects:
            bank = env.object_bank
            if bank is None or cfg.num_objects != 1:
                raise ValueError("per_env_objects needs a scene with an object bank (DexEnvCfg.object_bank) and "
                                 f"clips of one object (num_objects is {cfg.num_objects})")
            try:
                ids = [bank.index_of(c.objects[0].name) for c in self.clips]
            except KeyError as e:
                raise ValueError(f"a clip's object is not in the scene: {e.args[0]}") from None
            self.clip_object = torch.tensor(ids, dtype=torch.long, device=self.device)
        self._build_reference()
        # per-env state, always modified in place (the lookup cache is keyed on their versions)
        self.clip = torch.zeros(self.num_envs, dtype=torch.long, device=self.device)
        self.clip_choice: int | None = None
        """Index of the clip every reset starts (:meth:`play_clip`); None: a clip drawn at random per env."""
        self.frame = torch.zeros(self.num_envs, dtype=torch.long, device=self.device)
        self._lookup_key: tuple | None = None
        self._lookups: dict = {}
        # env step at which each env was last put into its reference state: a reset inside env.step() is
        # followed by this step's command update, which must not advance the fresh episode
        self._reset_step = torch.full((self.num_envs,), -1, dtype=torch.long, device=self.device)
        self.threshold_scale = cfg.final_threshold_scale if cfg.eval_mode else 1.0
        self.noised = torch.zeros(self.num_envs, dtype=torch.bool, device=self.device)
        """(N,) whether the last reset of each env perturbed its hand (:attr:`cfg.state_noise_prob`)."""
        for name in ("E_t", "E_r", "E_j", "E_ft", "success"):
            self.metrics[name] = torch.zeros(self.num_envs, device=self.device)
        self._metric_sum = {k: torch.zeros(self.num_envs, device=self.device) for k in ("E_t", "E_r", "E_j", "E_ft")}
        self._metric_steps = torch.zeros(self.num_envs, device=self.device)
        self.step_metrics: dict[str, torch.Tensor] = {}

    # ------------------------------------------------------------------ reference tensors
    def _pad(self, arrays: list[np.ndarray]) -> torch.Tensor:
        """Stack per-clip (T, ...) arrays into (C, T_max, ...), repeating each clip's last frame."""
        out = []
        for a in arrays:
            pad = np.repeat(a[-1:], self.t_max - len(a), axis=0)
            out.append(np.concatenate([a, pad], axis=0))
        return torch.tensor(np.stack(out), dtype=torch.float32, device=self.device)

    def _build_reference(self):
        dt = 1.0 / self.clips[0].fps
        self.joint_pos, self.joint_vel, self.wrist_pos, self.wrist_quat = {}, {}, {}, {}
        self.wrist_lin_vel, self.wrist_ang_vel, self.keypoints, self.human_keypoints = {}, {}, {}, {}
        self.keypoint_mask, self.contacts = {}, {}
        for s in self.sides:
            hand = self.hand_specs[s]
            names = list(self.robots[s].joint_names)
            hk = HandKinematics(hand)
            wrist_cols = [names.index(n) for n in WRIST_JOINT_NAMES]
            q_all, kp_all, human_all, poses = [], [], [], []
            for clip in self.clips:
                track = clip.hands[s]
                if hand.name not in track.joint_pos:
                    raise ValueError(f"clip '{clip.name}' ({clip.source}) has no joint trajectory for {hand.name}; "
                                     f"retarget it first (scripts/retarget.py --hands {hand.name})")
                cols = {n: i for i, n in enumerate(track.joint_names[hand.name])}
                missing = [n for n in names if n not in cols]
                if missing:
                    raise ValueError(f"clip '{clip.name}': joint trajectory of {hand.name} lacks {missing}")
                q = track.joint_pos[hand.name][:, [cols[n] for n in names]]
                q_all.append(q)
                poses.append(wrist_joints_to_pose(torch.tensor(q[:, wrist_cols], dtype=torch.float64)))
                kp = robot_keypoints(q, names, hand, hk)  # NaN where the hand maps no keypoint
                kp_all.append(kp)
                human_all.append(track.keypoints if track.keypoints is not None else kp)
            self.joint_pos[s] = self._pad(q_all)
            self.joint_vel[s] = self._pad([linear_velocity(q, 1 / dt) for q in q_all])
            self.keypoint_mask[s] = self._env.hands[s].keypoint_mask
            self.keypoints[s] = self._pad([np.nan_to_num(k) for k in kp_all])
            self.human_keypoints[s] = self._pad([np.nan_to_num(k) for k in human_all])
            self.wrist_pos[s] = self._pad([p.numpy() for p, _ in poses])
            quats = [quat_continuous(qt.numpy()) for _, qt in poses]
            self.wrist_quat[s] = self._pad(quats)
            self.wrist_lin_vel[s] = self._pad([linear_velocity(p.numpy(), 1 / dt) for p, _ in poses])
            # (C, T, 5) the reference's fingertip contacts, 1 = touching (0 where a clip has none recorded)
            self.contacts[s] = self._pad([np.zeros((c.num_frames, 5)) if c.hands[s].contacts is None
                                          else c.hands[s].contacts.astype(float) for c in self.clips])
            self.wrist_ang_vel[s] = self._pad([angular_velocity(qt, 1 / dt) for qt in quats])
        # reference distance [m] of each fingertip keypoint to each object's surface: (C, T, 5) per (side, object)
        self.tip_surface_distance = {}
        for s in self.sides:
            for i in range(self.cfg.num_objects):
                per_clip = []
                for c, clip in enumerate(self.clips):
                    o = clip.objects[i]
                    tips = self.keypoints[s][c, : clip.num_frames][:, list(FINGERTIP_KEYPOINT_IDS)].double().cpu().numpy()
                    if self.clip_object is not None:  # an object of the bank: its convex parts
                        solid = SolidObject(self._env.object_bank.objects[int(self.clip_object[c])])
                        per_clip.append(np.stack([solid.sdf(o.pose[t], tips[t]) for t in range(clip.num_frames)]))
                    else:
                        per_clip.append(np.stack([sdf_world(o.shape, o.dims, o.pose[t], tips[t])
                                                  for t in range(clip.num_frames)]))
                self.tip_surface_distance[(s, i)] = self._pad(per_clip)
        self.object_pose, self.object_lin_vel, self.object_ang_vel = [], [], []
        for i in range(self.cfg.num_objects):
            poses = [c.objects[i].pose for c in self.clips]
            self.object_pose.append(self._pad(poses))
            self.object_lin_vel.append(self._pad([linear_velocity(p[:, :3], 1 / dt) for p in poses]))
            self.object_ang_vel.append(self._pad([angular_velocity(p[:, 3:], 1 / dt) for p in poses]))

    # ------------------------------------------------------------------ access
    @property
    def version(self) -> tuple[int, ...]:
        """Changes whenever any env's clip or frame does (in-place writes to ``frame``/``clip`` included)."""
        return id(self.frame), self.frame._version, id(self.clip), self.clip._version

    def _cached(self, key, compute):
        """``compute()``, remembered until ``frame`` or ``clip`` change."""
        version = self.version
        if version != self._lookup_key:
            self._lookups.clear()
            self._lookup_key = version
        if key not in self._lookups:
            self._lookups[key] = compute()
        return self._lookups[key]

    def _frame_at(self, offset: int) -> torch.Tensor:
        return self._cached(("frame", offset), lambda: torch.minimum(self.frame + offset, self.lengths[self.clip] - 1))

    def ref(self, table: dict | list | torch.Tensor, key=None, offset: int = 1) -> torch.Tensor:
        """Reference quantity at ``frame + offset`` for every env: ``ref(cmd.wrist_pos, "right")``."""
        t = table[key] if key is not None else table
        return self._cached((id(t), offset), lambda: t[self.clip, self._frame_at(offset)])

    @property
    def command(self) -> torch.Tensor:
        """Progress through the clip in [0, 1] (the tracking targets themselves are read with :meth:`ref`)."""
        return (self.frame.float() / (self.lengths[self.clip] - 1).float()).unsqueeze(-1)

    @property
    def threshold_factor(self) -> float:
        """s / s_final ∈ [1, 1/s_final]: how much looser the termination thresholds are than their final values."""
        return self.threshold_scale / self.cfg.final_threshold_scale

    @property
    def at_end(self) -> torch.Tensor:
        """True where the target frame reached the end of the clip minus ``end_margin`` frames."""
        return self.frame + 1 >= self.lengths[self.clip] - 1 - self.cfg.end_margin

    # ------------------------------------------------------------------ command term API
    def reset(self, env_ids=None):
        """Log the ending episodes (metric means, success = the clip ran out without a failure), then restart."""
        ids = slice(None) if env_ids is None else env_ids
        tm = self._env.termination_manager
        if "reference_finished" in tm.active_terms:
            finished = tm.get_term("reference_finished")[ids]
            failed = tm.terminated[ids]
            self.metrics["success"][ids] = (finished & ~failed).float()
        return super().reset(env_ids)

    def _resample_command(self, env_ids):
        if isinstance(env_ids, slice):
            env_ids = torch.arange(self.num_envs, device=self.device)[env_ids]
        n = len(env_ids)
        if self.clip_choice is None:
            self.clip[env_ids] = torch.randint(0, self.num_clips, (n,), device=self.device)
        else:
            self.clip[env_ids] = self.clip_choice
        if self.cfg.eval_mode:
            self.frame[env_ids] = 0
        else:
            top = (self.cfg.start_fraction * self.lengths[self.clip[env_ids]].float()).clamp(min=1.0)
            self.frame[env_ids] = (torch.rand(n, device=self.device) * top).long()
        self._reset_step[env_ids] = self._env.common_step_counter
        if self.clip_object is not None:
            lo, hi = self.cfg.object_scale_range
            scale = lo + (hi - lo) * torch.rand(n, device=self.device)
            self._env.object_bank.assign(env_ids, self.clip_object[self.clip[env_ids]], scale)
        self.write_reference_state(env_ids)
        self.noised[env_ids] = False
        if self.cfg.state_noise_prob > 0.0:  # no draw otherwise: tasks without noise keep their random streams
            self.noised[env_ids] = torch.rand(n, device=self.device) < self.cfg.state_noise_prob
            self._perturb_hands(env_ids[self.noised[env_ids]])
        for k in self._metric_sum:
            self._metric_sum[k][env_ids] = 0.0
        self._metric_steps[env_ids] = 0.0

    def write_reference_state(self, env_ids, offset: int = 0):
        """Put hands and objects of ``env_ids`` exactly into the reference state at ``frame + offset``."""
        c, f = self.clip[env_ids], torch.minimum(self.frame[env_ids] + offset, self.lengths[self.clip[env_ids]] - 1)
        for s, robot in self.robots.items():
            q, qd = self.joint_pos[s][c, f], self.joint_vel[s][c, f]
            robot.write_joint_state_to_sim_index(position=q, velocity=qd, env_ids=env_ids)
            robot.actuators.target_command.set_position_index(value=q, env_ids=env_ids)
        origins = self._env.scene.env_origins[env_ids]
        for i, obj in enumerate(self.objects):
            pose = self.object_pose[i][c, f].clone()
            pose[:, :3] += origins
            obj.write_root_pose_to_sim_index(root_pose=pose, env_ids=env_ids)
            vel = torch.cat([self.object_lin_vel[i][c, f], self.object_ang_vel[i][c, f]], dim=-1)
            obj.write_root_velocity_to_sim_index(root_velocity=vel, env_ids=env_ids)
        self._env.state_changed()

    def _perturb_hands(self, env_ids: torch.Tensor):
        """Add Gaussian noise (:attr:`cfg.state_noise_std`) to the hands' reference joint state of ``env_ids``."""
        if len(env_ids) == 0:
            return
        std_pos, std_rot, std_finger = self.cfg.state_noise_std
        for s, robot in self.robots.items():
            h = self._env.hands[s]
            q = robot.data.joint_pos.torch[env_ids].clone()
            std = torch.full_like(q[0], std_finger)
            wrist = [robot.joint_names.index(n) for n in WRIST_JOINT_NAMES]  # translation [m], then rotation [rad]
            std[wrist[:3]], std[wrist[3:]] = std_pos, std_rot
            q = q + torch.randn_like(q) * std
            limits = robot.data.joint_pos_limits.torch[env_ids]
            fingers = ~h.wrist_joint_mask
            q[:, fingers] = torch.clamp(q[:, fingers], limits[:, fingers, 0], limits[:, fingers, 1])
            robot.write_joint_state_to_sim_index(position=q, velocity=robot.data.joint_vel.torch[env_ids], env_ids=env_ids)
            robot.actuators.target_command.set_position_index(value=q, env_ids=env_ids)
        self._env.state_changed()

    def _update_command(self):
        self.frame += (self._reset_step != self._env.common_step_counter).long()
        torch.minimum(self.frame, self.lengths[self.clip] - 1, out=self.frame)
        if not self.cfg.eval_mode and self.cfg.threshold_decay_steps > 0:
            progress = min(1.0, self._env.common_step_counter / self.cfg.threshold_decay_steps)
            self.threshold_scale = 1.0 - (1.0 - self.cfg.final_threshold_scale) * progress

    def play_clip(self, name: str | None) -> None:
        """From the next reset on, every env tracks clip ``name`` (None: each draws one at random again)."""
        names = [c.name for c in self.clips]
        if name is not None and name not in names:
            raise KeyError(f"no clip '{name}' in this task; its clips: {names}")
        self.clip_choice = None if name is None else names.index(name)

    def _set_debug_vis_impl(self, debug_vis: bool):
        """The reference as a ghost (``cfg.ghost_markers``), created on first use."""
        if debug_vis and not hasattr(self, "_ghost"):
            from isaaclab.markers import VisualizationMarkers

            self._ghost = VisualizationMarkers(self.cfg.ghost_markers)
        if hasattr(self, "_ghost"):
            self._ghost.set_visibility(debug_vis)

    def ghost_points(self) -> tuple[dict[str, torch.Tensor], list[torch.Tensor]]:
        """The reference at the frame the policy is tracking (``frame``), as a ghost draws it [m, world frame]: per
        side the mapped hand keypoints of every env (N·K, 3), per object the centres of every env (N, 3)."""
        origins = self._env.scene.env_origins
        hands = {s: (self.ref(self.keypoints, s, offset=0)[:, self.keypoint_mask[s]] + origins[:, None]).reshape(-1, 3)
                 for s in self.sides}
        objects = [self.ref(pose, offset=0)[:, :3] + origins for pose in self.object_pose]
        return hands, objects

    def _debug_vis_callback(self, event):
        """Move the ghost to the frame the policy is tracking: hand keypoints (marker 0), object centres (marker 1)."""
        hands, objects = self.ghost_points()
        kinds = [torch.full((len(p),), kind, dtype=torch.long, device=self.device)
                 for kind, group in ((0, hands.values()), (1, objects)) for p in group]
        self._ghost.visualize(translations=torch.cat([*hands.values(), *objects]), marker_indices=torch.cat(kinds))

    def _update_metrics(self):
        """E_t, E_r (first object), E_j, E_ft (hands averaged) of the state vs ``frame + 1``; episode means."""
        m = {}
        origins = self._env.scene.env_origins
        if self.objects:
            obj = self.objects[0]
            ref = self.ref(self.object_pose[0])
            m["E_t"] = translation_error_cm(obj.data.root_pos_w.torch - origins, ref[:, :3])
            m["E_r"] = rotation_error_deg(obj.data.root_quat_w.torch, ref[:, 3:])
        ej, eft = [], []
        for s in self.sides:
            kp = self._env.hands[s].keypoints
            ref = self.ref(self.human_keypoints, s)
            ej.append(keypoint_error_cm(kp, ref, self.keypoint_mask[s]))
            eft.append(fingertip_error_cm(kp, ref, self.keypoint_mask[s]))
        m["E_j"] = torch.stack(ej).mean(0)
        m["E_ft"] = torch.stack(eft).mean(0)
        self.step_metrics = m
        self._metric_steps += 1
        for k, v in m.items():
            self._metric_sum[k] += v
            self.metrics[k] = self._metric_sum[k] / self._metric_steps
