"""HO tracking (ManipTrans-style, REFERENCE.md §1): the scene and the five task layouts.

A layout (imitator right/left: hands only; residual right/left/bimanual: hands + objects over frozen imitators)
composes the explicit per-hand and per-object terms of :mod:`.hotrack_terms_cfg`. A hand's folder
(``config/<hand>/``) only names its hands. The objects are those of the clips the task tracks: the env fills
``scene.object_<i>`` and switches the second object's terms off when the clips carry one
(:meth:`HOTrackResidualEnvCfg.bind_objects`).
"""
from __future__ import annotations

from isaaclab.assets import ArticulationCfg, RigidObjectCfg
from isaaclab.managers import CurriculumTermCfg as CurrTerm
from isaaclab.scene import InteractiveSceneCfg
from isaaclab.sensors import ContactSensorCfg
from isaaclab.utils import configclass

from dex_more.assets import GROUND_CFG, TABLE_CFG, ObjectSpec, get_hand, object_cfg
from dex_more.envs import DexEnvCfg

from . import mdp
from .hotrack_terms_cfg import (LEFT, LEFT_CONTACT, LEFT_CONTACT_LOST, RIGHT, RIGHT_CONTACT, RIGHT_CONTACT_LOST,
                                BimanualBaseActionObsCfg, LeftBaseActionObsCfg, LeftHandObjectObsCfg, LeftHandObsCfg,
                                LeftHandRewardsCfg, LeftHandTerminationsCfg, Object0ObsCfg, Object0RewardsCfg,
                                Object0TerminationsCfg, Object1ObsCfg, Object1RewardsCfg, Object1TerminationsCfg,
                                PointCloudObsCfg, RightBaseActionObsCfg, RightHandObjectObsCfg, RightHandObsCfg,
                                RightHandRewardsCfg, RightHandTerminationsCfg, TerminationsCfg)

OBJECT_HEIGHTS = (0.7, 0.9)
"""Spawn height [m] of object 0 and 1 before the first reset puts them into their reference pose."""

##
# Scene
##


@configclass
class HOTrackSceneCfg(InteractiveSceneCfg):
    """Ground and table; hands from the task's ``hands``, objects and fingertip contact sensors from its clips."""

    num_envs = 16
    env_spacing = 1.5
    ground = GROUND_CFG
    table = TABLE_CFG
    robot_right: ArticulationCfg | None = None
    robot_left: ArticulationCfg | None = None
    object_0: RigidObjectCfg | None = None
    object_1: RigidObjectCfg | None = None
    contacts_right: ContactSensorCfg | None = None
    contacts_left: ContactSensorCfg | None = None


##
# Commands, curricula, base configuration
##


@configclass
class CommandsCfg:
    motion = mdp.ReferenceMotionCommandCfg(hands={})


@configclass
class EventsCfg:
    """None: the reference-motion command writes the whole reset state (Isaac Lab's default event would write
    the scene's default state first, for nothing)."""


@configclass
class CurriculumCfg:
    gravity = CurrTerm(func=mdp.gravity_ramp, params={"num_steps": 1920, "gravity": -9.81})


@configclass
class ResidualCurriculumCfg(CurriculumCfg):
    friction = CurrTerm(func=mdp.friction_ramp, params={"num_steps": 1920, "start_scale": 3.0})


@configclass
class HOTrackEnvCfg(DexEnvCfg):
    """What every HO-tracking layout shares; ``hands`` (set by a hand's folder) fills the robots, the command and
    the action terms."""

    scene: HOTrackSceneCfg = HOTrackSceneCfg()
    commands: CommandsCfg = CommandsCfg()
    events: EventsCfg = EventsCfg()
    curriculum: CurriculumCfg = CurriculumCfg()

    def __post_init__(self):
        super().__post_init__()
        self.episode_length_s = 20.0
        for side, name in self.hands.items():
            hand = get_hand(name, side)
            setattr(self.scene, f"robot_{side}", hand.articulation.replace(prim_path=f"{{ENV_REGEX_NS}}/Robot_{side}"))
            getattr(self.actions, f"hand_{side}").hand = name
        self.commands.motion.hands = dict(self.hands)


##
# Imitators: hands only
##


@configclass
class ImitatorRightActionsCfg:
    hand_right = mdp.HandTrackingActionCfg(asset_name="robot_right", **RIGHT, hand="")


@configclass
class ImitatorLeftActionsCfg:
    hand_left = mdp.HandTrackingActionCfg(asset_name="robot_left", **LEFT, hand="")


@configclass
class ImitatorRightObservationsCfg:
    policy: RightHandObsCfg = RightHandObsCfg()


@configclass
class ImitatorLeftObservationsCfg:
    policy: LeftHandObsCfg = LeftHandObsCfg()


@configclass
class ImitatorRightTerminationsCfg(RightHandTerminationsCfg, TerminationsCfg):
    pass


@configclass
class ImitatorLeftTerminationsCfg(LeftHandTerminationsCfg, TerminationsCfg):
    pass


@configclass
class HOTrackImitatorEnvCfg(HOTrackEnvCfg):
    """Stage 1: the hand alone follows the reference hand (every bundled clip with the task's hands)."""

    def __post_init__(self):
        super().__post_init__()
        for term in vars(self.terminations).values():
            if term is not None and "grace_steps" in term.params:
                term.params["grace_steps"] = 20  # a hand alone recovers from more: a longer grace period


@configclass
class HOTrackImitatorRightEnvCfg(HOTrackImitatorEnvCfg):
    hands = {"right": "inspire_right"}
    observations: ImitatorRightObservationsCfg = ImitatorRightObservationsCfg()
    actions: ImitatorRightActionsCfg = ImitatorRightActionsCfg()
    rewards: RightHandRewardsCfg = RightHandRewardsCfg()
    terminations: ImitatorRightTerminationsCfg = ImitatorRightTerminationsCfg()


@configclass
class HOTrackImitatorLeftEnvCfg(HOTrackImitatorEnvCfg):
    hands = {"left": "inspire_left"}
    observations: ImitatorLeftObservationsCfg = ImitatorLeftObservationsCfg()
    actions: ImitatorLeftActionsCfg = ImitatorLeftActionsCfg()
    rewards: LeftHandRewardsCfg = LeftHandRewardsCfg()
    terminations: ImitatorLeftTerminationsCfg = ImitatorLeftTerminationsCfg()


##
# Residual policies: hands + objects, over the frozen imitators
##


@configclass
class ResidualRightActionsCfg:
    hand_right = mdp.ResidualHandTrackingActionCfg(asset_name="robot_right", **RIGHT, hand="",
                                                   imitator_group="imitator_right")


@configclass
class ResidualLeftActionsCfg:
    hand_left = mdp.ResidualHandTrackingActionCfg(asset_name="robot_left", **LEFT, hand="",
                                                  imitator_group="imitator_left")


@configclass
class ResidualBimanualActionsCfg(ResidualLeftActionsCfg, ResidualRightActionsCfg):
    """Right hand's action first, then the left's."""


@configclass
class ResidualRightPolicyObsCfg(RightHandObjectObsCfg, Object0ObsCfg, RightHandObsCfg):
    """Everything the residual policy sees but the frozen imitator's action."""


@configclass
class ResidualLeftPolicyObsCfg(LeftHandObjectObsCfg, Object0ObsCfg, LeftHandObsCfg):
    pass


@configclass
class ResidualBimanualPolicyObsCfg(LeftHandObjectObsCfg, RightHandObjectObsCfg, Object1ObsCfg, Object0ObsCfg,
                                   LeftHandObsCfg, RightHandObsCfg):
    pass


@configclass
class BimanualStudentObsCfg(LeftHandObsCfg, RightHandObsCfg):
    """The point-cloud student's proprioception: what the imitators see, both hands."""


@configclass
class ResidualRightObservationsCfg:
    policy: ResidualRightPolicyObsCfg = ResidualRightPolicyObsCfg()
    imitator_right: RightHandObsCfg = RightHandObsCfg()
    student: RightHandObsCfg = RightHandObsCfg()
    base_action: RightBaseActionObsCfg = RightBaseActionObsCfg()
    point_cloud: PointCloudObsCfg = PointCloudObsCfg()


@configclass
class ResidualLeftObservationsCfg:
    policy: ResidualLeftPolicyObsCfg = ResidualLeftPolicyObsCfg()
    imitator_left: LeftHandObsCfg = LeftHandObsCfg()
    student: LeftHandObsCfg = LeftHandObsCfg()
    base_action: LeftBaseActionObsCfg = LeftBaseActionObsCfg()
    point_cloud: PointCloudObsCfg = PointCloudObsCfg()


@configclass
class ResidualBimanualObservationsCfg:
    policy: ResidualBimanualPolicyObsCfg = ResidualBimanualPolicyObsCfg()
    imitator_right: RightHandObsCfg = RightHandObsCfg()
    imitator_left: LeftHandObsCfg = LeftHandObsCfg()
    student: BimanualStudentObsCfg = BimanualStudentObsCfg()
    base_action: BimanualBaseActionObsCfg = BimanualBaseActionObsCfg()
    point_cloud: PointCloudObsCfg = PointCloudObsCfg()


@configclass
class ResidualRightRewardsCfg(Object0RewardsCfg, RightHandRewardsCfg):
    right_contact = RIGHT_CONTACT


@configclass
class ResidualLeftRewardsCfg(Object0RewardsCfg, LeftHandRewardsCfg):
    left_contact = LEFT_CONTACT


@configclass
class ResidualBimanualRewardsCfg(Object1RewardsCfg, Object0RewardsCfg, LeftHandRewardsCfg, RightHandRewardsCfg):
    right_contact = RIGHT_CONTACT
    left_contact = LEFT_CONTACT


@configclass
class ResidualRightTerminationsCfg(Object0TerminationsCfg, RightHandTerminationsCfg, TerminationsCfg):
    right_contact_lost = RIGHT_CONTACT_LOST


@configclass
class ResidualLeftTerminationsCfg(Object0TerminationsCfg, LeftHandTerminationsCfg, TerminationsCfg):
    left_contact_lost = LEFT_CONTACT_LOST


@configclass
class ResidualBimanualTerminationsCfg(Object1TerminationsCfg, Object0TerminationsCfg, LeftHandTerminationsCfg,
                                      RightHandTerminationsCfg, TerminationsCfg):
    right_contact_lost = RIGHT_CONTACT_LOST
    left_contact_lost = LEFT_CONTACT_LOST


@configclass
class HOTrackResidualEnvCfg(HOTrackEnvCfg):
    """Stage 2: a residual policy over the frozen imitators moves hands and objects along the clips. A layout's
    default clips (``commands.motion.clip_names``) are of one object set: a task spawns the objects of its clips."""

    from_scratch: bool = False
    """Ablation without an imitator: the policy's action is used alone."""
    curriculum: ResidualCurriculumCfg = ResidualCurriculumCfg()

    def __post_init__(self):
        super().__post_init__()
        tips = {side: "|".join(get_hand(name).fingertip_body_names) for side, name in self.hands.items()}
        for side in self.hands:
            getattr(self.actions, f"hand_{side}").from_scratch = self.from_scratch
            setattr(self.scene, f"contacts_{side}", ContactSensorCfg(
                prim_path=f"{{ENV_REGEX_NS}}/Robot_{side}/.*/({tips[side]})", history_length=3))

    def bind_objects(self, specs: list[ObjectSpec]) -> None:
        """Spawn the clips' objects as ``object_<i>``; with one object, switch object 1's terms off and point every
        hand's object terms at object 0; with two, the left hand's at object 1. Called by the env at creation
        (after hydra overrides chose the clips)."""
        if not 1 <= len(specs) <= 2:
            raise ValueError(f"HO tracking spawns one or two objects; the clips carry {len(specs)}")
        self.commands.motion.num_objects = len(specs)
        for i, spec in enumerate(specs):
            setattr(self.scene, f"object_{i}", object_cfg(spec, prim_path=f"{{ENV_REGEX_NS}}/Object_{i}",
                                                          pos=(0.0, 0.0, OBJECT_HEIGHTS[i])))
        if len(specs) == 1:
            for group in (self.observations.policy, self.observations.point_cloud, self.rewards, self.terminations):
                for name in [n for n, t in vars(group).items() if n.startswith("object_1") and t is not None]:
                    setattr(group, name, None)
        elif "left" in self.hands:
            for group in (self.observations.policy, self.rewards, self.terminations):
                for name, term in vars(group).items():
                    if name.startswith("left_") and term is not None and "index" in term.params:
                        term.params["index"] = 1


@configclass
class HOTrackResidualRightEnvCfg(HOTrackResidualEnvCfg):
    hands = {"right": "inspire_right"}
    observations: ResidualRightObservationsCfg = ResidualRightObservationsCfg()
    actions: ResidualRightActionsCfg = ResidualRightActionsCfg()
    rewards: ResidualRightRewardsCfg = ResidualRightRewardsCfg()
    terminations: ResidualRightTerminationsCfg = ResidualRightTerminationsCfg()

    def __post_init__(self):
        super().__post_init__()
        self.commands.motion.clip_names = ["right_move_cylinder"]


@configclass
class HOTrackResidualLeftEnvCfg(HOTrackResidualEnvCfg):
    hands = {"left": "inspire_left"}
    observations: ResidualLeftObservationsCfg = ResidualLeftObservationsCfg()
    actions: ResidualLeftActionsCfg = ResidualLeftActionsCfg()
    rewards: ResidualLeftRewardsCfg = ResidualLeftRewardsCfg()
    terminations: ResidualLeftTerminationsCfg = ResidualLeftTerminationsCfg()

    def __post_init__(self):
        super().__post_init__()
        self.commands.motion.clip_names = ["left_move_cylinder"]


@configclass
class HOTrackResidualBimanualEnvCfg(HOTrackResidualEnvCfg):
    hands = {"right": "inspire_right", "left": "inspire_left"}
    observations: ResidualBimanualObservationsCfg = ResidualBimanualObservationsCfg()
    actions: ResidualBimanualActionsCfg = ResidualBimanualActionsCfg()
    rewards: ResidualBimanualRewardsCfg = ResidualBimanualRewardsCfg()
    terminations: ResidualBimanualTerminationsCfg = ResidualBimanualTerminationsCfg()

    def __post_init__(self):
        super().__post_init__()
        self.commands.motion.clip_names = ["bimanual_carry_box_0"]
