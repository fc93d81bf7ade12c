"""The terms of HO tracking (ManipTrans, REFERENCE.md §1), per hand and per object, written out: every name that
reaches tensorboard (``Episode_Reward/right_thumb_tip``) is here, with its weight, ``k`` and thresholds as config
values (``env.rewards.object_0_pos.weight=2.5`` on the command line). :mod:`.hotrack_env_cfg` composes them into the
task layouts. Right/left and object 0/1 are explicit, as in Isaac Lab's handover task; the left hand's object
terms point at object 1 when a clip carries two objects (``HOTrackResidualEnvCfg.bind_objects``)."""
from __future__ import annotations

from isaaclab.managers import ObservationGroupCfg as ObsGroup
from isaaclab.managers import ObservationTermCfg as ObsTerm
from isaaclab.managers import RewardTermCfg as RewTerm
from isaaclab.managers import TerminationTermCfg as DoneTerm
from isaaclab.utils import configclass

from . import mdp

RIGHT, LEFT = {"side": "right"}, {"side": "left"}

##
# Observations
##


@configclass
class RightHandObsCfg(ObsGroup):
    """The right hand's proprioception and next-frame targets: what the right imitator sees."""

    right_joint_pos = ObsTerm(func=mdp.hand_joint_pos, params={"side": "right"})
    right_joint_cos_sin = ObsTerm(func=mdp.hand_joint_pos_cos_sin, params={"side": "right"})
    right_joint_vel = ObsTerm(func=mdp.hand_joint_vel, params={"side": "right"})
    right_wrist_state = ObsTerm(func=mdp.hand_wrist_state, params={"side": "right"})
    right_next_wrist = ObsTerm(func=mdp.next_wrist_delta, params={"side": "right"})
    right_next_joints = ObsTerm(func=mdp.next_joint_delta, params={"side": "right"})
    right_next_keypoints = ObsTerm(func=mdp.next_keypoint_delta, params={"side": "right"})

    def __post_init__(self):
        self.enable_corruption = False
        self.concatenate_terms = True


@configclass
class LeftHandObsCfg(ObsGroup):
    """The left hand's proprioception and next-frame targets: what the left imitator sees."""

    left_joint_pos = ObsTerm(func=mdp.hand_joint_pos, params={"side": "left"})
    left_joint_cos_sin = ObsTerm(func=mdp.hand_joint_pos_cos_sin, params={"side": "left"})
    left_joint_vel = ObsTerm(func=mdp.hand_joint_vel, params={"side": "left"})
    left_wrist_state = ObsTerm(func=mdp.hand_wrist_state, params={"side": "left"})
    left_next_wrist = ObsTerm(func=mdp.next_wrist_delta, params={"side": "left"})
    left_next_joints = ObsTerm(func=mdp.next_joint_delta, params={"side": "left"})
    left_next_keypoints = ObsTerm(func=mdp.next_keypoint_delta, params={"side": "left"})

    def __post_init__(self):
        self.enable_corruption = False
        self.concatenate_terms = True


@configclass
class Object0ObsCfg(ObsGroup):
    object_0_next = ObsTerm(func=mdp.next_object_delta, params={"index": 0})
    object_0_mass_com = ObsTerm(func=mdp.object_mass_com, params={"index": 0})
    object_0_shape = ObsTerm(func=mdp.object_shape_code, params={"index": 0, "num_points": 128, "radius": 0.2})


@configclass
class Object1ObsCfg(ObsGroup):
    object_1_next = ObsTerm(func=mdp.next_object_delta, params={"index": 1})
    object_1_mass_com = ObsTerm(func=mdp.object_mass_com, params={"index": 1})
    object_1_shape = ObsTerm(func=mdp.object_shape_code, params={"index": 1, "num_points": 128, "radius": 0.2})


@configclass
class RightHandObjectObsCfg(ObsGroup):
    """The right hand against its object (object 0): privileged state of the residual policy."""

    right_fingertip_forces = ObsTerm(func=mdp.fingertip_forces, params={**RIGHT, "sensor_name": "contacts_right"})
    right_object_in_wrist = ObsTerm(func=mdp.object_state_in_wrist_frame, params={**RIGHT, "index": 0})
    right_object_keypoint_dist = ObsTerm(func=mdp.object_to_keypoint_distances, params={**RIGHT, "index": 0})
    right_ref_tip_object_dist = ObsTerm(func=mdp.reference_tip_to_object_distances, params={**RIGHT, "index": 0})


@configclass
class LeftHandObjectObsCfg(ObsGroup):
    """The left hand against its object (object 1 with two objects, else 0: see ``bind_objects``)."""

    left_fingertip_forces = ObsTerm(func=mdp.fingertip_forces, params={**LEFT, "sensor_name": "contacts_left"})
    left_object_in_wrist = ObsTerm(func=mdp.object_state_in_wrist_frame, params={**LEFT, "index": 0})
    left_object_keypoint_dist = ObsTerm(func=mdp.object_to_keypoint_distances, params={**LEFT, "index": 0})
    left_ref_tip_object_dist = ObsTerm(func=mdp.reference_tip_to_object_distances, params={**LEFT, "index": 0})


@configclass
class PointCloudObsCfg(ObsGroup):
    """What a point-cloud student sees instead of the objects' state (DAgger distillation)."""

    object_0 = ObsTerm(func=mdp.object_point_cloud, params={"index": 0, "num_points": 128})
    object_1 = ObsTerm(func=mdp.object_point_cloud, params={"index": 1, "num_points": 128})

    def __post_init__(self):
        self.enable_corruption = False
        self.concatenate_terms = True


##
# Rewards (ManipTrans: weight w, exp(-k · err); REFERENCE.md §1)
##


@configclass
class RightHandRewardsCfg:
    right_wrist_pos = RewTerm(func=mdp.wrist_position_tracking, weight=0.1, params={**RIGHT, "k": 40.0})
    right_wrist_rot = RewTerm(func=mdp.wrist_rotation_tracking, weight=0.6, params={**RIGHT, "k": 1.0})
    right_thumb_tip = RewTerm(func=mdp.fingertip_tracking, weight=0.9, params={**RIGHT, "finger": 0, "k": 100.0})
    right_index_tip = RewTerm(func=mdp.fingertip_tracking, weight=0.8, params={**RIGHT, "finger": 1, "k": 90.0})
    right_middle_tip = RewTerm(func=mdp.fingertip_tracking, weight=0.75, params={**RIGHT, "finger": 2, "k": 80.0})
    right_ring_tip = RewTerm(func=mdp.fingertip_tracking, weight=0.6, params={**RIGHT, "finger": 3, "k": 60.0})
    right_pinky_tip = RewTerm(func=mdp.fingertip_tracking, weight=0.6, params={**RIGHT, "finger": 4, "k": 60.0})
    right_level1_keypoints = RewTerm(func=mdp.keypoint_level_tracking, weight=0.5, params={**RIGHT, "level": 1, "k": 50.0})
    right_level2_keypoints = RewTerm(func=mdp.keypoint_level_tracking, weight=0.3, params={**RIGHT, "level": 2, "k": 40.0})
    right_wrist_vel = RewTerm(func=mdp.wrist_velocity_tracking, weight=0.1, params={**RIGHT, "k": 1.0})
    right_wrist_ang_vel = RewTerm(func=mdp.wrist_angular_velocity_tracking, weight=0.05, params={**RIGHT, "k": 1.0})
    right_joint_vel = RewTerm(func=mdp.joint_velocity_tracking, weight=0.1, params={**RIGHT, "k": 1.0})
    right_joint_power = RewTerm(func=mdp.joint_power, weight=0.5, params={**RIGHT, "k": 10.0, "wrist": False})
    right_wrist_power = RewTerm(func=mdp.joint_power, weight=0.5, params={**RIGHT, "k": 2.0, "wrist": True})


@configclass
class LeftHandRewardsCfg:
    left_wrist_pos = RewTerm(func=mdp.wrist_position_tracking, weight=0.1, params={**LEFT, "k": 40.0})
    left_wrist_rot = RewTerm(func=mdp.wrist_rotation_tracking, weight=0.6, params={**LEFT, "k": 1.0})
    left_thumb_tip = RewTerm(func=mdp.fingertip_tracking, weight=0.9, params={**LEFT, "finger": 0, "k": 100.0})
    left_index_tip = RewTerm(func=mdp.fingertip_tracking, weight=0.8, params={**LEFT, "finger": 1, "k": 90.0})
    left_middle_tip = RewTerm(func=mdp.fingertip_tracking, weight=0.75, params={**LEFT, "finger": 2, "k": 80.0})
    left_ring_tip = RewTerm(func=mdp.fingertip_tracking, weight=0.6, params={**LEFT, "finger": 3, "k": 60.0})
    left_pinky_tip = RewTerm(func=mdp.fingertip_tracking, weight=0.6, params={**LEFT, "finger": 4, "k": 60.0})
    left_level1_keypoints = RewTerm(func=mdp.keypoint_level_tracking, weight=0.5, params={**LEFT, "level": 1, "k": 50.0})
    left_level2_keypoints = RewTerm(func=mdp.keypoint_level_tracking, weight=0.3, params={**LEFT, "level": 2, "k": 40.0})
    left_wrist_vel = RewTerm(func=mdp.wrist_velocity_tracking, weight=0.1, params={**LEFT, "k": 1.0})
    left_wrist_ang_vel = RewTerm(func=mdp.wrist_angular_velocity_tracking, weight=0.05, params={**LEFT, "k": 1.0})
    left_joint_vel = RewTerm(func=mdp.joint_velocity_tracking, weight=0.1, params={**LEFT, "k": 1.0})
    left_joint_power = RewTerm(func=mdp.joint_power, weight=0.5, params={**LEFT, "k": 10.0, "wrist": False})
    left_wrist_power = RewTerm(func=mdp.joint_power, weight=0.5, params={**LEFT, "k": 2.0, "wrist": True})


@configclass
class Object0RewardsCfg:
    object_0_pos = RewTerm(func=mdp.object_position_tracking, weight=5.0, params={"index": 0, "k": 80.0})
    object_0_rot = RewTerm(func=mdp.object_rotation_tracking, weight=1.0, params={"index": 0, "k": 3.0})
    object_0_vel = RewTerm(func=mdp.object_velocity_tracking, weight=0.1, params={"index": 0, "k": 1.0})
    object_0_ang_vel = RewTerm(func=mdp.object_angular_velocity_tracking, weight=0.1, params={"index": 0, "k": 1.0})


@configclass
class Object1RewardsCfg:
    object_1_pos = RewTerm(func=mdp.object_position_tracking, weight=5.0, params={"index": 1, "k": 80.0})
    object_1_rot = RewTerm(func=mdp.object_rotation_tracking, weight=1.0, params={"index": 1, "k": 3.0})
    object_1_vel = RewTerm(func=mdp.object_velocity_tracking, weight=0.1, params={"index": 1, "k": 1.0})
    object_1_ang_vel = RewTerm(func=mdp.object_angular_velocity_tracking, weight=0.1, params={"index": 1, "k": 1.0})


RIGHT_CONTACT = RewTerm(func=mdp.fingertip_contact, weight=1.0,
                        params={**RIGHT, "index": 0, "sensor_name": "contacts_right", "near": 0.03})
LEFT_CONTACT = RewTerm(func=mdp.fingertip_contact, weight=1.0,
                       params={**LEFT, "index": 0, "sensor_name": "contacts_left", "near": 0.03})
"""ManipTrans' contact reward: force on the fingertips the reference puts within ``near`` [m] of the object."""

##
# Terminations (REFERENCE.md §1: thresholds at the end of the curriculum, see dex_more.mdp.terminations)
##

TIP_THRESHOLDS = (0.04, 0.045, 0.05, 0.06, 0.06)
"""Fingertip deviation limits [m], thumb … pinky."""


@configclass
class TerminationsCfg:
    reference_finished = DoneTerm(func=mdp.reference_finished, time_out=True)
    time_out = DoneTerm(func=mdp.time_out, time_out=True)
    physics_blowup = DoneTerm(func=mdp.physics_blowup, params={"max_joint_vel": 100.0, "max_object_speed": 10.0})


@configclass
class RightHandTerminationsCfg:
    right_fingertip_deviation = DoneTerm(func=mdp.fingertip_deviation, params={
        **RIGHT, "thresholds": TIP_THRESHOLDS, "scale_exponent": 1.0, "grace_steps": 8})
    right_keypoint_deviation = DoneTerm(func=mdp.keypoint_deviation, params={
        **RIGHT, "level1": 0.07, "level2": 0.08, "grace_steps": 8})


@configclass
class LeftHandTerminationsCfg:
    left_fingertip_deviation = DoneTerm(func=mdp.fingertip_deviation, params={
        **LEFT, "thresholds": TIP_THRESHOLDS, "scale_exponent": 1.0, "grace_steps": 8})
    left_keypoint_deviation = DoneTerm(func=mdp.keypoint_deviation, params={
        **LEFT, "level1": 0.07, "level2": 0.08, "grace_steps": 8})


@configclass
class Object0TerminationsCfg:
    object_0_position = DoneTerm(func=mdp.object_position_deviation, params={
        "index": 0, "threshold": 0.02, "scale_exponent": 3.0, "grace_steps": 8})
    object_0_rotation = DoneTerm(func=mdp.object_rotation_deviation, params={
        "index": 0, "threshold_deg": 30.0, "scale_exponent": 3.0, "grace_steps": 8})


@configclass
class Object1TerminationsCfg:
    object_1_position = DoneTerm(func=mdp.object_position_deviation, params={
        "index": 1, "threshold": 0.02, "scale_exponent": 3.0, "grace_steps": 8})
    object_1_rotation = DoneTerm(func=mdp.object_rotation_deviation, params={
        "index": 1, "threshold_deg": 30.0, "scale_exponent": 3.0, "grace_steps": 8})


RIGHT_CONTACT_LOST = DoneTerm(func=mdp.contact_lost, params={
    **RIGHT, "index": 0, "sensor_name": "contacts_right", "near": 0.005, "min_force": 0.01, "grace_steps": 8})
LEFT_CONTACT_LOST = DoneTerm(func=mdp.contact_lost, params={
    **LEFT, "index": 0, "sensor_name": "contacts_left", "near": 0.005, "min_force": 0.01, "grace_steps": 8})


@configclass
class RightBaseActionObsCfg(ObsGroup):
    """The frozen imitator's action: MoRE feeds it to the experts beside the encoded observation."""

    right_imitator_action = ObsTerm(func=mdp.imitator_action, params={"side": "right"})

    def __post_init__(self):
        self.enable_corruption = False
        self.concatenate_terms = True


@configclass
class LeftBaseActionObsCfg(ObsGroup):
    left_imitator_action = ObsTerm(func=mdp.imitator_action, params={"side": "left"})

    def __post_init__(self):
        self.enable_corruption = False
        self.concatenate_terms = True


@configclass
class BimanualBaseActionObsCfg(LeftBaseActionObsCfg, RightBaseActionObsCfg):
    pass
