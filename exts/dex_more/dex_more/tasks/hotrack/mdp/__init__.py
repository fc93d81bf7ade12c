"""MDP terms of the HO-tracking tasks, split by manager."""

from isaaclab.envs.mdp import *  # noqa: F401, F403

from . import curriculums, observations, rewards, terminations  # noqa: F401
from .actions import (HandTrackingAction, HandTrackingActionCfg, ResidualHandTrackingAction,  # noqa: F401
                      ResidualHandTrackingActionCfg)
from .commands import ReferenceMotionCommand, ReferenceMotionCommandCfg  # noqa: F401
