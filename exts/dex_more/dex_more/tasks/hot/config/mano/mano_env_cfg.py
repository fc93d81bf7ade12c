"""The MANO-like right hand tracking the bundled HOT clips. Its bodies are the clips' keypoints, so the joint
trajectories scripts/make_hot_demos.py fits for it reproduce the human hand to a fraction of a millimetre."""
from isaaclab.utils import configclass

from ... import hot_env_cfg as hot


@configclass
class MANOHOTEnvCfg(hot.HOTEnvCfg):
    hands = {"right": "mano_right"}
