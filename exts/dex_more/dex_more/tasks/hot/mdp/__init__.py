"""MDP terms of HOT tracking (tracking from synthetic demonstrations): the shared layer (:mod:`dex_more.mdp`) plus
the multiplicative reward and its object keypoints."""

from dex_more.mdp import *  # noqa: F401, F403

from .observations import (  # noqa: F401
    next_object_keypoint_delta, object_keypoints_in_wrist_frame, object_scale, reference_contacts,
)
from .rewards import (  # noqa: F401
    FACTORS, OBJECT, hot_tracking_reward, object_keypoint_positions, object_keypoints_local,
)
