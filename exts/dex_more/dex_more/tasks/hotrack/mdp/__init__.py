"""MDP terms of the HO-tracking tasks: the shared layer (:mod:`dex_more.mdp`) plus ManipTrans' contact terms."""

from dex_more.mdp import *  # noqa: F401, F403

from .rewards import fingertip_contact  # noqa: F401
from .terminations import contact_lost  # noqa: F401
