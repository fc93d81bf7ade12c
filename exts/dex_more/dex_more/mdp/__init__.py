"""The MDP layer every dex_more task family shares: hand state, the reference-motion command, tracking actions,
observations, exp-kernel rewards, terminations and curricula. It imports nothing from :mod:`dex_more.tasks`;
a family's own ``mdp`` package re-exports it and adds its terms (Isaac Lab style)."""

from isaaclab.envs.mdp import *  # noqa: F401, F403

from .actions import (HandTrackingAction, MimicJointPositionAction, MimicJoints, ResidualHandTrackingAction,  # noqa: F401
                      WristDeltaHandAction)
from .actions_cfg import (HandTrackingActionCfg, MimicJointPositionActionCfg, hand_joint_position_action_cfg,  # noqa: F401
                          ResidualHandTrackingActionCfg, WristDeltaHandActionCfg)
from .commands import MOTION_COMMAND, ReferenceMotionCommand, reference_motion  # noqa: F401
from .commands_cfg import ReferenceMotionCommandCfg  # noqa: F401
from .curriculums import friction_ramp, gravity_ramp, set_gravity_z  # noqa: F401
from .events import assign_random_objects, drop_objects_above_table  # noqa: F401
from .hand_state import HandState  # noqa: F401
from .observations import (  # noqa: F401
    hand_joint_pos, hand_joint_pos_cos_sin, hand_joint_vel, hand_wrist_state, next_wrist_delta,
    next_joint_delta, next_keypoint_delta, object_state_in_wrist_frame, object_mass_com, next_object_delta,
    object_to_keypoint_distances, reference_tip_to_object_distances, fingertip_contacts, fingertip_forces,
    imitator_action,
    object_shape_code, object_point_cloud, object_bank_shape_code, object_bank_point_cloud,
)
from .rewards import (  # noqa: F401
    keypoint_errors, exp_kernel, mean_abs, wrist_position_tracking, wrist_rotation_tracking, wrist_velocity_tracking,
    wrist_angular_velocity_tracking, joint_velocity_tracking, fingertip_tracking, keypoint_level_tracking,
    joint_power, object_position_tracking, object_rotation_tracking, object_velocity_tracking,
    object_angular_velocity_tracking,
)
from .terminations import (  # noqa: F401
    after_grace, reference_finished, object_position_deviation, object_rotation_deviation,
    fingertip_deviation, keypoint_deviation, mean_keypoint_deviation, physics_blowup,
)
