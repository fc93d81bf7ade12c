"""HOT (REFERENCE.md §2): one hand tracks synthetic demonstrations of skills, a different object in every env.

The clips (default: the bundled HOT set, every skill on two objects) hold their objects by name; each env holds the
object of the clip it tracks (:attr:`~dex_more.mdp.ReferenceMotionCommandCfg.per_env_objects`, an object bank over
the clips' object set). Actions are HOT's delta actions: the next reference pose plus a correction
(:class:`~dex_more.mdp.HandTrackingAction`). The reward is the product of exp(−k·MSE) factors
(:class:`.mdp.hot_tracking_reward`); an episode ends early when the object is more than 10 cm or 90° off the
reference, or the hand's keypoints 20 cm on average. Stages are presets: precise tracking (default) and
``presets=noisy`` (looser k, state noise in half the resets, object scale randomised); start stage 2 from a
stage-1 checkpoint (``--checkpoint``).
"""
from __future__ import annotations

from isaaclab.assets import ArticulationCfg, RigidObjectCfg
from isaaclab.managers import ObservationGroupCfg as ObsGroup
from isaaclab.managers import ObservationTermCfg as ObsTerm
from isaaclab.managers import RewardTermCfg as RewTerm
from isaaclab.managers import TerminationTermCfg as DoneTerm
from isaaclab.scene import InteractiveSceneCfg
from isaaclab.utils import configclass
from isaaclab_tasks.utils import PresetCfg

from dex_more.assets import GROUND_CFG, TABLE_CFG, get_hand
from dex_more.envs import CONTROL_DT, DexEnvCfg
from dex_more.envs.object_bank import ObjectBankCfg, object_bank_asset_cfg
from dex_more.motion.skills import HOT_MANIFEST, HOT_OBJECT_SET

from . import mdp

SIDE = "right"
ROBOT = f"robot_{SIDE}"
TRAIN_EPISODE_STEPS = 60
"""HOT trains on 60-frame episodes (``--episode_length 60``) started anywhere in the clips; evaluation runs each
skill's test episode length from frame 0."""
OBJECT_KEYPOINTS = True
"""The interaction graph and the observations use the object's bounding-box corners (HOT's
``--enable_obj_keypoints``), else its origin."""

##
# Scene
##


@configclass
class HOTSceneCfg(InteractiveSceneCfg):
    num_envs = 16
    env_spacing = 2.0  # a thrown object flies up to about 0.7 m from where it was released
    ground = GROUND_CFG
    table = TABLE_CFG
    robot_right: ArticulationCfg | None = None  # the hand's folder names it (HOTEnvCfg.hands)
    object_0: RigidObjectCfg = object_bank_asset_cfg(pos=(0.0, 0.0, 0.9))


##
# Commands by stage
##


def _motion_cfg(**kwargs) -> mdp.ReferenceMotionCommandCfg:
    return mdp.ReferenceMotionCommandCfg(hands={}, manifest=HOT_MANIFEST, num_objects=1, per_env_objects=True,
                                         threshold_decay_steps=0, final_threshold_scale=1.0, **kwargs)


@configclass
class PreciseCommandsCfg:
    motion = _motion_cfg(state_noise_prob=0.2)


@configclass
class NoisyCommandsCfg:
    motion = _motion_cfg(state_noise_prob=0.5, object_scale_range=(0.9, 1.1))


@configclass
class HOTCommandsCfg(PresetCfg):
    """Stage 1 precise tracking (default); ``presets=noisy``: stage 2, noisy generalisation."""

    precise = PreciseCommandsCfg()
    noisy = NoisyCommandsCfg()
    default = precise


##
# Actions, observations
##


@configclass
class ActionsCfg:
    hand_right = mdp.HandTrackingActionCfg(asset_name=ROBOT, side=SIDE, hand="")


@configclass
class PolicyObsCfg(ObsGroup):
    """The hand's proprioception and its next reference frame, the object against the hand and its next frame."""

    joint_pos = ObsTerm(func=mdp.hand_joint_pos, params={"side": SIDE})
    joint_cos_sin = ObsTerm(func=mdp.hand_joint_pos_cos_sin, params={"side": SIDE})
    joint_vel = ObsTerm(func=mdp.hand_joint_vel, params={"side": SIDE})
    wrist_state = ObsTerm(func=mdp.hand_wrist_state, params={"side": SIDE})
    next_wrist = ObsTerm(func=mdp.next_wrist_delta, params={"side": SIDE})
    next_joints = ObsTerm(func=mdp.next_joint_delta, params={"side": SIDE})
    next_keypoints = ObsTerm(func=mdp.next_keypoint_delta, params={"side": SIDE})
    next_contacts = ObsTerm(func=mdp.reference_contacts, params={"side": SIDE})
    object_in_wrist = ObsTerm(func=mdp.object_state_in_wrist_frame, params={"side": SIDE, "index": 0})
    object_next = ObsTerm(func=mdp.next_object_delta, params={"index": 0})
    object_keypoints = ObsTerm(func=mdp.object_keypoints_in_wrist_frame, params={"side": SIDE,
                                                                                 "corners": OBJECT_KEYPOINTS})
    object_keypoints_next = ObsTerm(func=mdp.next_object_keypoint_delta, params={"corners": OBJECT_KEYPOINTS})
    object_keypoint_dist = ObsTerm(func=mdp.object_to_keypoint_distances, params={"side": SIDE, "index": 0})
    object_scale = ObsTerm(func=mdp.object_scale)

    def __post_init__(self):
        self.enable_corruption = False
        self.concatenate_terms = True


@configclass
class ObservationsCfg:
    policy: PolicyObsCfg = PolicyObsCfg()


##
# Rewards by stage (HOT's k; REFERENCE.md §2)
##

_REWARD = {"side": SIDE, "k_contact": 5.0, "contact_distance": 0.01, "object_keypoints": OBJECT_KEYPOINTS}


@configclass
class PreciseRewardsCfg:
    tracking = RewTerm(func=mdp.hot_tracking_reward, weight=1.0, params={
        **_REWARD, "k_body": 20.0, "k_dof": 20.0, "k_wrist": 20.0, "k_object_pos": 50.0, "k_object_rot": 200.0,
        "k_interaction": 20.0})


@configclass
class NoisyRewardsCfg:
    tracking = RewTerm(func=mdp.hot_tracking_reward, weight=1.0, params={
        **_REWARD, "k_body": 5.0, "k_dof": 5.0, "k_wrist": 50.0, "k_object_pos": 50.0, "k_object_rot": 20.0,
        "k_interaction": 20.0})


@configclass
class HOTRewardsCfg(PresetCfg):
    precise = PreciseRewardsCfg()
    noisy = NoisyRewardsCfg()
    default = precise


##
# Terminations
##


@configclass
class TerminationsCfg:
    reference_finished = DoneTerm(func=mdp.reference_finished, time_out=True)
    time_out = DoneTerm(func=mdp.time_out, time_out=True)
    object_position = DoneTerm(func=mdp.object_position_deviation, params={
        "index": 0, "threshold": 0.10, "scale_exponent": 0.0, "grace_steps": 0})
    object_rotation = DoneTerm(func=mdp.object_rotation_deviation, params={
        "index": 0, "threshold_deg": 90.0, "scale_exponent": 0.0, "grace_steps": 0})
    keypoints = DoneTerm(func=mdp.mean_keypoint_deviation, params={"side": SIDE, "threshold": 0.20, "grace_steps": 0})
    physics_blowup = DoneTerm(func=mdp.physics_blowup, params={"max_joint_vel": 100.0, "max_object_speed": 10.0})


@configclass
class EventsCfg:
    """None: the reference-motion command writes the whole reset state (object, hand, noise)."""


##
# The task
##


@configclass
class HOTEnvCfg(DexEnvCfg):
    """What every hand's HOT task shares; ``hands`` (a hand's folder: ``{"right": <hand>}``) fills the robot."""

    scene: HOTSceneCfg = HOTSceneCfg()
    commands: HOTCommandsCfg = HOTCommandsCfg()
    actions: ActionsCfg = ActionsCfg()
    observations: ObservationsCfg = ObservationsCfg()
    rewards: HOTRewardsCfg = HOTRewardsCfg()
    terminations: TerminationsCfg = TerminationsCfg()
    events: EventsCfg = EventsCfg()
    object_bank = ObjectBankCfg(object_set=HOT_OBJECT_SET, split="train", asset_name="object_0")

    def __post_init__(self):
        super().__post_init__()
        self.episode_length_s = TRAIN_EPISODE_STEPS * CONTROL_DT
        if SIDE not in self.hands:
            return  # the family's own cfg: a hand's folder completes it
        hand = get_hand(self.hands[SIDE], SIDE)  # the HOT tasks take a right hand
        self.scene.robot_right = hand.articulation.replace(prim_path=f"{{ENV_REGEX_NS}}/Robot_{SIDE}")
        self.actions.hand_right.hand = hand.name
        # every stage's command (presets are chosen after __post_init__, from the command line)
        stages = vars(self.commands).values() if isinstance(self.commands, PresetCfg) else [self.commands]
        for stage in stages:
            stage.motion.hands = dict(self.hands)
