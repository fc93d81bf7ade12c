"""MDP terms shared by dex_more tasks (plain torch functions over batched tensors, split by manager)."""

from isaaclab.envs.mdp import *  # noqa: F401, F403

from .actions import *  # noqa: F401, F403
