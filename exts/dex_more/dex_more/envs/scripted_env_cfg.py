"""Environments a script drives itself (the grasp validation, H-InDex's hand-pose rendering): one hand's absolute
joint targets as the action, no rewards, no events, time-out only; the subclass names the scene and observations."""
from __future__ import annotations

from isaaclab.managers import TerminationTermCfg as DoneTerm
from isaaclab.utils import configclass

from dex_more import mdp
from dex_more.assets import DexHand

from .dex_env_cfg import DexEnvCfg


@configclass
class ScriptedHandActionsCfg:
    joint_pos: mdp.MimicJointPositionActionCfg = None  # the hand's, set by script_hand


@configclass
class TimeOutOnlyCfg:
    time_out = DoneTerm(func=mdp.time_out, time_out=True)


@configclass
class NoTermsCfg:
    """No rewards, no events: the script writes every state itself."""


@configclass
class ScriptedHandEnvCfg(DexEnvCfg):
    actions: ScriptedHandActionsCfg = ScriptedHandActionsCfg()
    rewards: NoTermsCfg = NoTermsCfg()
    terminations: TimeOutOnlyCfg = TimeOutOnlyCfg()
    events: NoTermsCfg = NoTermsCfg()

    def __post_init__(self):
        super().__post_init__()
        self.episode_length_s = 1.0e6  # the script decides when a test ends


def script_hand(cfg: ScriptedHandEnvCfg, hand: DexHand, num_envs: int, device: str, seed: int = 0,
                finger_stiffness: float | None = None, finger_damping: float | None = None) -> ScriptedHandEnvCfg:
    """Put ``hand`` in ``cfg`` as ``robot_right`` (its fingers' gains replaced where given), driven by absolute joint
    targets; ``num_envs`` envs on ``device``."""
    cfg.hands = {"right": hand.name}
    cfg.scene.num_envs, cfg.sim.device, cfg.seed = num_envs, device, seed
    robot = hand.articulation.replace(prim_path="{ENV_REGEX_NS}/Robot_right")
    for name, actuator in robot.actuators.items():
        if name not in ("wrist_lin", "wrist_rot"):
            if finger_stiffness is not None:
                actuator.stiffness = finger_stiffness
            if finger_damping is not None:
                actuator.damping = finger_damping
    cfg.scene.robot_right = robot
    cfg.actions.joint_pos = mdp.hand_joint_position_action_cfg("robot_right", hand)
    return cfg
