"""Configurations of the dex_more action terms (:mod:`.actions`)."""
from __future__ import annotations

from dataclasses import MISSING
from typing import TYPE_CHECKING

from isaaclab.envs.mdp.actions.actions_cfg import JointPositionActionCfg
from isaaclab.managers import ActionTermCfg
from isaaclab.utils import configclass

from .actions import HandTrackingAction, MimicJointPositionAction, ResidualHandTrackingAction, WristDeltaHandAction

if TYPE_CHECKING:
    from dex_more.assets import DexHand


@configclass
class MimicJointPositionActionCfg(JointPositionActionCfg):
    """:class:`JointPositionActionCfg` plus ``mimic_joints``: follower name -> (driver name, ratio)."""

    class_type: type = MimicJointPositionAction
    mimic_joints: dict = {}


def hand_joint_position_action_cfg(asset_name: str, hand: DexHand) -> MimicJointPositionActionCfg:
    """Absolute joint-position targets [rad, m] for every actuated joint of a bundled hand, in the hand's order
    (its six virtual wrist joints first), its mimic joints following their drivers."""
    return MimicJointPositionActionCfg(asset_name=asset_name, joint_names=list(hand.actuated_joint_names),
                                       preserve_order=True, scale=1.0, use_default_offset=False,
                                       mimic_joints=dict(hand.mimic_joints))


@configclass
class HandTrackingActionCfg(ActionTermCfg):
    class_type: type = HandTrackingAction
    side: str = MISSING
    hand: str = MISSING
    wrist_scale: tuple = (0.04, 0.04, 0.04, 0.3, 0.3, 0.3)
    """Wrist correction at |a| = 1: metres (x, y, z), radians (roll, pitch, yaw)."""
    finger_mode: str = "reference_delta"
    """"reference_delta" (next reference + a · finger_scale) or "limits" (ManipTrans: a spans the joint limits)."""
    finger_scale: float = 0.5
    """Finger correction at |a| = 1 [rad] in reference_delta mode."""
    smoothing: float = 0.4
    """Weight of the new finger target in the moving average (ManipTrans: 0.4)."""


@configclass
class ResidualHandTrackingActionCfg(HandTrackingActionCfg):
    class_type: type = ResidualHandTrackingAction
    imitator_checkpoint: str = ""
    """RSL-RL checkpoint of the imitator (its run folder holds params/agent.yaml and run.json)."""
    imitator_group: str = MISSING
    """Observation group with the imitator's inputs (the imitator task's policy terms for this side)."""
    imitator_task: str = ""
    """Task ID the imitator checkpoint must come from (checked against its run.json); empty = unchecked."""
    residual_scale: float = 2.0
    from_scratch: bool = False
    """Ablation: no imitator; the policy's action is used alone."""


@configclass
class WristDeltaHandActionCfg(ActionTermCfg):
    """:class:`~dex_more.mdp.actions.WristDeltaHandAction`: wrist velocity commands, finger targets over the limits."""

    class_type: type = WristDeltaHandAction
    hand: str = MISSING
    wrist_scale: tuple = (0.005, 0.005, 0.005, 0.01, 0.01, 0.01)
    """Wrist target change per control step at |a| = 1: metres (x, y, z), radians (roll, pitch, yaw); at 60 Hz,
    0.3 m/s and 0.6 rad/s (a 20-cm lift in 40 steps of ResDex's 200). Exploration noise moves the targets as a
    random walk, so these bound how far it shakes a held object. Scripted lifts of box_17 from its grasp proposals
    (benchmarks/grasp_hold_under_noise.py) with Gaussian noise of std 0.5 on every action: 20 of 32 ended in the
    hand; 1 of 32 with the earlier 1 cm and 0.05 rad (rotation noise alone: 32 against 0)."""
    max_lead: tuple = (0.02, 0.02, 0.02, 0.1, 0.1, 0.1)
    """How far the wrist targets may lead the wrist joints [m, rad]: a hand blocked by the table or an object
    pushes with at most stiffness × lead (20 kN/m × 2 cm = 400 N) instead of winding its target up into a force
    that ejects the object or blows the physics up."""
    smoothing: float = 0.5
    """Weight of the new finger target in the moving average."""
    finger_offset: float = 0.0
    """Added to the finger actions before they are mapped across the limits (the sum clipped to [-1, 1]): where
    a = 0 puts the fingers, 0 at mid-range, 0.5 at three quarters of the way to closed."""
