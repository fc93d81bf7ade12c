"""MDP terms of the universal-grasping tasks (ResDex): the shared layer (:mod:`dex_more.mdp`) plus the paper's
rewards, success, observations and the hand's placement."""

from dex_more.mdp import *  # noqa: F401, F403

from .events import raise_hand_over_tall_objects, start_in_proposal_grasp  # noqa: F401
from .grasp_state import LIFT_HEIGHT, OBJECT_XY, SIDE, GraspState, grasp_state, target_position  # noqa: F401
from .observations import fingertip_positions, object_position, target_minus_object  # noqa: F401
from .rewards import (  # noqa: F401
    HAND_ACTION, grasp_pose_error, grasp_proposal_distance, lift, move_to_target, near_object,
    object_fingertip_distance_sum, object_hand_distance, target_bonus,
)
from .terminations import grasp_succeeded, lifted_to_target  # noqa: F401
