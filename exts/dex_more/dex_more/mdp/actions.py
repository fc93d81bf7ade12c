"""Action terms for dexterous hands.

:class:`MimicJointPositionAction`: absolute joint targets for the actuated joints (the scene test bed).

:class:`HandTrackingAction` maps a ∈ [-1, 1]^(6 + A) to PD targets of a tracking task:
  * wrist: the next-frame reference wrist joints plus ``a[:6] · wrist_scale`` (metres, radians): the
    policy corrects the reference rather than rediscovering it (HOT's delta actions);
  * fingers, ``finger_mode="reference_delta"`` (default): the next-frame reference joints plus
    ``a · finger_scale`` [rad], clipped to the limits, like the wrist; ``finger_mode="limits"``: across the
    actuated joints' limits, lo + (a + 1)/2 · (hi − lo) (ManipTrans). Reference deltas learn in minutes on a
    CPU where the limits mapping needs hours (measured: README); finger targets are smoothed,
    target ← 0.4·new + 0.6·previous (ManipTrans' EMA).
:class:`ResidualHandTrackingAction` runs the frozen imitator on its own observation group and applies
``clamp(a_imitator + residual_scale · Δa, -1, 1)`` through the same mapping; with Δa = 0 it reproduces
the imitator's action exactly.

:class:`WristDeltaHandAction` (tasks without a reference: grasping) moves the wrist's joint targets by
``a[:6] · wrist_scale`` per control step from where they were (a velocity command: ``a_z`` > 0 raises the hand,
ResDex's "force along z"), and sets the finger targets across their limits, smoothed like the tracking term's.

Every term drives mimic followers (joints coupled to a driver by the hand's linkage) with ratio × driver target:
the source models couple them with a MuJoCo joint equality, which Newton imports as a soft mimic constraint
(followers lag up to 0.5 rad on their own); a PD target in step with the driver makes the coupling hold under load.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from tensordict import TensorDict

from isaaclab.envs.mdp.actions.joint_actions import JointPositionAction
from isaaclab.managers import ActionTerm

from dex_more.assets import WRIST_JOINT_NAMES, get_hand

from .commands import reference_motion

if TYPE_CHECKING:
    from .actions_cfg import (HandTrackingActionCfg, MimicJointPositionActionCfg, ResidualHandTrackingActionCfg,
                              WristDeltaHandActionCfg)


class MimicJoints:
    """Targets of coupled joints: follower target = ratio × driver target.

    Args:
        joint_names: the articulation's joints (follower indices are into these).
        source_names: the joints whose targets the caller has, in the column order of its tensor.
        mimic: follower name -> (driver name, ratio), as :attr:`dex_more.assets.DexHand.mimic_joints`.
    """

    def __init__(self, joint_names: list[str], source_names: list[str], mimic: dict, device: str):
        missing = [d for d, _ in mimic.values() if d not in source_names]
        if missing:
            raise ValueError(f"mimic drivers {missing} are not among the driven joints {source_names}")
        self.follower_ids = [joint_names.index(f) for f in mimic]
        self._driver_cols = [source_names.index(d) for d, _ in mimic.values()]
        self._ratios = torch.tensor([r for _, r in mimic.values()], device=device)

    def __bool__(self) -> bool:
        return bool(self.follower_ids)

    def targets(self, sources: torch.Tensor) -> torch.Tensor:
        """(N, followers) targets from the (N, len(source_names)) targets of the drivers' group."""
        return sources[:, self._driver_cols] * self._ratios


class MimicJointPositionAction(JointPositionAction):
    """Joint position targets for the actuated joints; each mimic follower gets ``ratio × driver target``."""

    cfg: MimicJointPositionActionCfg

    def __init__(self, cfg: MimicJointPositionActionCfg, env):
        super().__init__(cfg, env)
        names = list(self._asset.joint_names)
        own = list(range(len(names))) if isinstance(self._joint_ids, slice) else list(self._joint_ids)
        self._mimic = MimicJoints(names, [names[i] for i in own], cfg.mimic_joints, self.device)

    def apply_actions(self):
        super().apply_actions()
        if self._mimic:
            target = self._mimic.targets(self.processed_actions)
            self._asset.actuators.target_command.set_position_index(value=target, joint_ids=self._mimic.follower_ids)


class HandJointTargetsAction(ActionTerm):
    """What the hand action terms share: a ∈ [-1, 1]^(6 + A) becomes PD targets for the six virtual wrist joints and
    the A finger drivers (:attr:`DexHand.finger_joint_names`), mimic followers at ratio × driver. Finger targets are
    smoothed, target ← smoothing · new + (1 − smoothing) · previous, the average starting at every reset from the
    joints the reset wrote (:meth:`_start_fresh`). Subclasses make the wrist and finger targets in
    :meth:`process_actions` and hand them to :meth:`_write_targets`."""

    def __init__(self, cfg, env):
        super().__init__(cfg, env)
        self.hand = get_hand(cfg.hand)
        names = list(self._asset.joint_names)
        self._wrist_ids = [names.index(n) for n in WRIST_JOINT_NAMES]
        self._finger_ids = [names.index(n) for n in self.hand.finger_joint_names]
        self._mimic = MimicJoints(names, list(self.hand.finger_joint_names), self.hand.mimic_joints, self.device)
        limits = self._asset.data.joint_pos_limits.torch[0]
        self._lo, self._hi = limits[self._finger_ids, 0], limits[self._finger_ids, 1]
        self._wrist_scale = torch.tensor(cfg.wrist_scale, device=self.device)
        self._raw = torch.zeros(self.num_envs, self.action_dim, device=self.device)
        self._targets = torch.zeros(self.num_envs, len(names), device=self.device)
        self._finger_prev = torch.zeros(self.num_envs, len(self._finger_ids), device=self.device)
        self._fresh = torch.ones(self.num_envs, dtype=torch.bool, device=self.device)

    @property
    def action_dim(self) -> int:
        return 6 + len(self.hand.finger_joint_names)

    @property
    def raw_actions(self) -> torch.Tensor:
        return self._raw

    @property
    def processed_actions(self) -> torch.Tensor:
        return self._targets

    def _start_fresh(self, q: torch.Tensor, fresh: torch.Tensor) -> None:
        """Episodes that just started (``fresh``) smooth from the state they were put in (joint positions ``q``)."""
        self._finger_prev[fresh] = q[fresh][:, self._finger_ids]

    def _fingers_across_limits(self, a: torch.Tensor) -> torch.Tensor:
        """(N, A) finger targets lo + (a + 1)/2 · (hi − lo) from the finger actions ``a`` [-1, 1]."""
        return self._lo + 0.5 * (a + 1.0) * (self._hi - self._lo)

    def _write_targets(self, q: torch.Tensor, wrist: torch.Tensor, fingers: torch.Tensor) -> None:
        """Smooth ``fingers``, then set every joint's target: ``wrist``, the fingers, their followers, the other
        joints where they are (``q``)."""
        fresh = self._fresh
        if fresh.any():
            self._start_fresh(q, fresh)
            self._fresh[:] = False
        fingers = self.cfg.smoothing * fingers + (1.0 - self.cfg.smoothing) * self._finger_prev
        self._finger_prev[:] = fingers
        self._targets[:] = q
        self._targets[:, self._wrist_ids] = wrist
        self._targets[:, self._finger_ids] = fingers
        if self._mimic:
            self._targets[:, self._mimic.follower_ids] = self._mimic.targets(fingers)
        self._asset.actuators.target_command.set_position_index(value=self._targets)

    def apply_actions(self):
        # nothing per physics step: the targets are set once per env step (process_actions) and the scene writes
        # the actuators' target buffer to the simulation before every physics step
        pass

    def reset(self, env_ids=None):
        ids = slice(None) if env_ids is None else env_ids
        self._raw[ids] = 0.0
        self._fresh[ids] = True


class HandTrackingAction(HandJointTargetsAction):
    cfg: HandTrackingActionCfg

    def __init__(self, cfg: HandTrackingActionCfg, env):
        if cfg.finger_mode not in ("reference_delta", "limits"):
            raise ValueError(f"finger_mode must be 'reference_delta' or 'limits', not '{cfg.finger_mode}'")
        super().__init__(cfg, env)

    def _policy_action(self, actions: torch.Tensor) -> torch.Tensor:
        """The action in [-1, 1] that drives the hand (the residual term composes it with the imitator)."""
        return actions.clamp(-1.0, 1.0)

    def process_actions(self, actions: torch.Tensor):
        self._raw[:] = actions
        a = self._policy_action(actions)
        cmd = reference_motion(self._env)
        ref = cmd.ref(cmd.joint_pos, self.cfg.side)  # next frame (see the command's frame convention)
        if self.cfg.finger_mode == "limits":
            fingers = self._fingers_across_limits(a[:, 6:])
        else:
            fingers = torch.clamp(ref[:, self._finger_ids] + a[:, 6:] * self.cfg.finger_scale, self._lo, self._hi)
        wrist = ref[:, self._wrist_ids] + a[:, :6] * self._wrist_scale
        self._write_targets(self._asset.data.joint_pos.torch, wrist, fingers)


class ResidualHandTrackingAction(HandTrackingAction):
    cfg: ResidualHandTrackingActionCfg

    def __init__(self, cfg: ResidualHandTrackingActionCfg, env):
        super().__init__(cfg, env)
        self._imitator = None
        self._imitator_action = torch.zeros(self.num_envs, self.action_dim, device=self.device)
        if not cfg.from_scratch and not cfg.imitator_checkpoint:
            raise ValueError(
                f"the residual {cfg.side}-hand tracking task needs a frozen imitator: pass --imitator PATH to "
                "scripts/train.py (or env.actions.<hand>.imitator_checkpoint=PATH); train one with "
                "Dex-HOTrack-Imitator-v0. The *-FromScratch-v0 tasks train without one (ablation).")

    def _load_imitator(self):
        from dex_more.rl.checkpoints import load_frozen_actor

        obs = self._env.observation_manager.compute_group(self.cfg.imitator_group)
        self._imitator = load_frozen_actor(self.cfg.imitator_checkpoint, obs, self.action_dim, self.device,
                                           expected_tasks=(self.cfg.imitator_task,) if self.cfg.imitator_task else None)

    def imitator_action(self) -> torch.Tensor:
        """The frozen imitator's action for the current state (computed and cached; zeros from scratch)."""
        # from scratch there is no imitator; while the observation manager is still being built (it calls
        # every term once to learn its shape) there is nothing to evaluate it on yet
        if self.cfg.from_scratch or not hasattr(self._env, "observation_manager"):
            return self._imitator_action
        if self._imitator is None:
            self._load_imitator()
        obs = self._env.observation_manager.compute_group(self.cfg.imitator_group)
        with torch.inference_mode():
            a = self._imitator(TensorDict({"policy": obs}, batch_size=[obs.shape[0]]))
        self._imitator_action = a.clone()
        return self._imitator_action

    def _policy_action(self, actions: torch.Tensor) -> torch.Tensor:
        return (self._imitator_action + self.cfg.residual_scale * actions).clamp(-1.0, 1.0)


class WristDeltaHandAction(HandJointTargetsAction):
    """a ∈ [-1, 1]^(6 + A): wrist joint targets += ``a[:6] · wrist_scale`` (kept within ``max_lead`` of the wrist
    joints and within their limits), finger targets lo + (a + 1)/2 · (hi − lo) smoothed by ``smoothing``; mimic
    followers follow their drivers.

    :attr:`wrist_command` is the clipped ``a[:6]`` of the current step: ResDex's r_lift reads its z (``a_z``).
    A reset starts the wrist targets and the finger average from the joint positions the reset wrote.
    """

    cfg: WristDeltaHandActionCfg

    def __init__(self, cfg: WristDeltaHandActionCfg, env):
        super().__init__(cfg, env)
        limits = self._asset.data.joint_pos_limits.torch[0]
        self._wrist_lo, self._wrist_hi = limits[self._wrist_ids, 0], limits[self._wrist_ids, 1]
        self._max_lead = torch.tensor(cfg.max_lead, device=self.device)
        self._command = torch.zeros(self.num_envs, 6, device=self.device)
        self._wrist_target = torch.zeros(self.num_envs, 6, device=self.device)

    @property
    def wrist_command(self) -> torch.Tensor:
        """(N, 6) this step's wrist command in [-1, 1]: x, y, z, roll, pitch, yaw (× ``wrist_scale`` per step)."""
        return self._command

    def _start_fresh(self, q: torch.Tensor, fresh: torch.Tensor) -> None:
        super()._start_fresh(q, fresh)
        self._wrist_target[fresh] = q[fresh][:, self._wrist_ids]

    def process_actions(self, actions: torch.Tensor):
        self._raw[:] = actions
        a = actions.clamp(-1.0, 1.0)
        q = self._asset.data.joint_pos.torch
        if self._fresh.any():  # the wrist targets of new episodes start where the reset put the wrist
            self._start_fresh(q, self._fresh)
            self._fresh[:] = False
        self._command[:] = a[:, :6]
        wrist = q[:, self._wrist_ids]
        target = torch.clamp(self._wrist_target + a[:, :6] * self._wrist_scale, wrist - self._max_lead,
                             wrist + self._max_lead)
        self._wrist_target[:] = torch.clamp(target, self._wrist_lo, self._wrist_hi)
        fingers = self._fingers_across_limits((a[:, 6:] + self.cfg.finger_offset).clamp(-1.0, 1.0))
        self._write_targets(q, self._wrist_target, fingers)

    def reset(self, env_ids=None):
        super().reset(env_ids)
        self._command[slice(None) if env_ids is None else env_ids] = 0.0
