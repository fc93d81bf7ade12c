"""Hand-agnostic configuration of the HO-tracking tasks (ManipTrans-style, REFERENCE.md §1).

A task is fixed by ``hands`` (side -> bundled hand), ``stage`` ("imitator": hands only, hand terms;
"residual": hands + objects, the full observation/reward/termination set, the frozen imitator inside
the action term) and the clips (``commands.motion.clip_names``). Per-hand configs
(``config/*.py``) only set those. The terms are built per side in ``__post_init__``; objects follow
the clips when the env is created (:class:`~.hotrack_env.HOTrackEnv`).
"""
from __future__ import annotations

from isaaclab.envs import ManagerBasedRLEnvCfg
from isaaclab.managers import CurriculumTermCfg as CurrTerm
from isaaclab.managers import ObservationGroupCfg as ObsGroup
from isaaclab.managers import ObservationTermCfg as ObsTerm
from isaaclab.managers import RewardTermCfg as RewTerm
from isaaclab.managers import TerminationTermCfg as DoneTerm
from isaaclab.scene import InteractiveSceneCfg
from isaaclab.sensors import ContactSensorCfg
from isaaclab.utils import configclass

from dex_more.assets import GROUND_CFG, TABLE_CFG, get_hand, object_cfg
from dex_more.assets.objects import ObjectSpec
from dex_more.sim import PHYSICS_DT, DexPhysicsCfg

from . import mdp

# reward terms of REFERENCE.md §1: name -> (function, params, weight); k as published
HAND_REWARDS = {
    "wrist_pos": (mdp.rewards.wrist_position, {"k": 40.0}, 0.1),
    "wrist_rot": (mdp.rewards.wrist_rotation, {"k": 1.0}, 0.6),
    "thumb_tip": (mdp.rewards.fingertip, {"finger": 0, "k": 100.0}, 0.9),
    "index_tip": (mdp.rewards.fingertip, {"finger": 1, "k": 90.0}, 0.8),
    "middle_tip": (mdp.rewards.fingertip, {"finger": 2, "k": 80.0}, 0.75),
    "ring_tip": (mdp.rewards.fingertip, {"finger": 3, "k": 60.0}, 0.6),
    "pinky_tip": (mdp.rewards.fingertip, {"finger": 4, "k": 60.0}, 0.6),
    "level1_keypoints": (mdp.rewards.keypoint_level, {"level": 1, "k": 50.0}, 0.5),
    "level2_keypoints": (mdp.rewards.keypoint_level, {"level": 2, "k": 40.0}, 0.3),
    "wrist_vel": (mdp.rewards.wrist_velocity, {"k": 1.0}, 0.1),
    "wrist_ang_vel": (mdp.rewards.wrist_velocity, {"k": 1.0, "angular": True}, 0.05),
    "joint_vel": (mdp.rewards.joint_velocity, {"k": 1.0}, 0.1),
    "joint_power": (mdp.rewards.power, {"k": 10.0, "wrist": False}, 0.5),
    "wrist_power": (mdp.rewards.power, {"k": 2.0, "wrist": True}, 0.5),
}
OBJECT_REWARDS = {
    "pos": (mdp.rewards.object_position, {"k": 80.0}, 5.0),
    "rot": (mdp.rewards.object_rotation, {"k": 3.0}, 1.0),
    "vel": (mdp.rewards.object_velocity, {"k": 1.0}, 0.1),
    "ang_vel": (mdp.rewards.object_velocity, {"k": 1.0, "angular": True}, 0.1),
}


@configclass
class HOTrackSceneCfg(InteractiveSceneCfg):
    """Ground and table; ``robot_<side>`` and ``object_<i>`` are added from the task's hands and clips."""

    ground = GROUND_CFG
    table = TABLE_CFG


@configclass
class ObservationsCfg:
    policy: ObsGroup = ObsGroup(concatenate_terms=True, enable_corruption=False)
    """Everything the policy sees but the frozen imitator's action."""


@configclass
class ActionsCfg:
    pass


@configclass
class CommandsCfg:
    motion: mdp.ReferenceMotionCommandCfg = mdp.ReferenceMotionCommandCfg(hands={"right": "inspire_right"})


@configclass
class RewardsCfg:
    pass


@configclass
class TerminationsCfg:
    reference_finished = DoneTerm(func=mdp.terminations.reference_finished, time_out=True)
    time_out = DoneTerm(func=mdp.time_out, time_out=True)
    physics_blowup = DoneTerm(func=mdp.terminations.physics_blowup)


@configclass
class EventsCfg:
    pass


@configclass
class CurriculumCfg:
    gravity = CurrTerm(func=mdp.curriculums.gravity_ramp, params={"num_steps": 1920})


def _imitator_terms(side: str) -> dict[str, ObsTerm]:
    p = {"side": side}
    return {
        f"{side}_joint_pos": ObsTerm(func=mdp.observations.hand_joint_pos, params=p),
        f"{side}_joint_cos_sin": ObsTerm(func=mdp.observations.hand_joint_pos_cos_sin, params=p),
        f"{side}_joint_vel": ObsTerm(func=mdp.observations.hand_joint_vel, params=p),
        f"{side}_wrist_state": ObsTerm(func=mdp.observations.hand_wrist_state, params=p),
        f"{side}_next_wrist": ObsTerm(func=mdp.observations.next_wrist_delta, params=p),
        f"{side}_next_joints": ObsTerm(func=mdp.observations.next_joint_delta, params=p),
        f"{side}_next_keypoints": ObsTerm(func=mdp.observations.next_keypoint_delta, params=p),
    }


@configclass
class HOTrackEnvCfg(ManagerBasedRLEnvCfg):
    hands: dict = {"right": "inspire_right"}
    """Side -> bundled hand name."""
    stage: str = "imitator"
    """"imitator" (hands only) or "residual" (hands + objects over a frozen imitator)."""
    clip_names: list = []
    """Clips to track; empty = every bundled clip with exactly these hands (imitator) — residual
    configs name clips of one object set."""
    from_scratch: bool = False
    """Residual ablation without an imitator."""
    num_objects: int = 1
    """Objects in the residual stage (set from the clips at env creation)."""

    scene: HOTrackSceneCfg = HOTrackSceneCfg(num_envs=16, env_spacing=1.5)
    observations: ObservationsCfg = ObservationsCfg()
    actions: ActionsCfg = ActionsCfg()
    commands: CommandsCfg = CommandsCfg()
    rewards: RewardsCfg = RewardsCfg()
    terminations: TerminationsCfg = TerminationsCfg()
    events: EventsCfg = EventsCfg()
    curriculum: CurriculumCfg = CurriculumCfg()

    def __post_init__(self):
        self.decimation = 2  # 60 Hz control: the clips' rate (ManipTrans: 1/60 s, 2 substeps)
        self.episode_length_s = 20.0
        self.sim.dt = PHYSICS_DT
        self.sim.render_interval = self.decimation
        self.sim.device = "cpu"
        self.sim.physics = DexPhysicsCfg()
        residual = self.stage == "residual"
        if self.stage not in ("imitator", "residual"):
            raise ValueError(f"stage must be 'imitator' or 'residual', not '{self.stage}'")
        self.commands.motion = mdp.ReferenceMotionCommandCfg(hands=dict(self.hands), clip_names=list(self.clip_names),
                                                              num_objects=self.num_objects if residual else 0)
        grace = 8 if residual else 20
        for side, hand_name in self.hands.items():
            hand = get_hand(hand_name)
            if hand.side != side:
                raise ValueError(f"{hand_name} is a {hand.side} hand, configured as the {side} one")
            robot = hand.articulation.replace(prim_path=f"{{ENV_REGEX_NS}}/Robot_{side}")
            setattr(self.scene, f"robot_{side}", robot)
            for name, term in _imitator_terms(side).items():
                setattr(self.observations.policy, name, term)
            if residual:
                group = f"imitator_{side}"
                setattr(self.observations, group, ObsGroup(concatenate_terms=True, enable_corruption=False))
                # the point-cloud student of the distillation stage sees what the imitators see, every hand
                if not hasattr(self.observations, "student"):
                    self.observations.student = ObsGroup(concatenate_terms=True, enable_corruption=False)
                for name, term in _imitator_terms(side).items():
                    setattr(getattr(self.observations, group), name, term)
                    setattr(self.observations.student, name, term)
                setattr(self.actions, f"hand_{side}", mdp.ResidualHandTrackingActionCfg(
                    asset_name=f"robot_{side}", side=side, hand=hand_name, imitator_group=group,
                    from_scratch=self.from_scratch))
                # its own group: MoRE feeds it to the experts beside the encoded observation
                if not hasattr(self.observations, "base_action"):
                    self.observations.base_action = ObsGroup(concatenate_terms=True, enable_corruption=False)
                setattr(self.observations.base_action, f"{side}_imitator_action",
                        ObsTerm(func=mdp.observations.imitator_action, params={"side": side}))
            else:
                setattr(self.actions, f"hand_{side}", mdp.HandTrackingActionCfg(
                    asset_name=f"robot_{side}", side=side, hand=hand_name))
            for name, (func, params, weight) in HAND_REWARDS.items():
                setattr(self.rewards, f"{side}_{name}", RewTerm(func=func, weight=weight, params={"side": side, **params}))
            setattr(self.terminations, f"{side}_fingertip_deviation", DoneTerm(
                func=mdp.terminations.fingertip_deviation, params={"side": side, "grace_steps": grace}))
            setattr(self.terminations, f"{side}_keypoint_deviation", DoneTerm(
                func=mdp.terminations.keypoint_deviation, params={"side": side, "grace_steps": grace}))

    def set_objects(self, specs: list[ObjectSpec]) -> None:
        """Spawn ``specs`` as ``object_<i>`` and add their observation, reward and termination terms.

        Called by the env with the objects of its clips (residual stage only). With two hands and two
        objects, the right hand's object terms use object 0 and the left hand's object 1.
        """
        self.num_objects = len(specs)
        self.commands.motion.num_objects = len(specs)
        for i, spec in enumerate(specs):
            setattr(self.scene, f"object_{i}", object_cfg(spec, prim_path=f"{{ENV_REGEX_NS}}/Object_{i}",
                                                          pos=(0.0, 0.0, 0.7 + 0.2 * i)))
            pol = self.observations.policy
            setattr(pol, f"object_{i}_next", ObsTerm(func=mdp.observations.next_object_delta, params={"index": i}))
            setattr(pol, f"object_{i}_mass_com", ObsTerm(func=mdp.observations.object_mass_com, params={"index": i}))
            setattr(pol, f"object_{i}_shape", ObsTerm(func=mdp.observations.object_shape_code, params={"index": i}))
            for name, (func, params, weight) in OBJECT_REWARDS.items():
                setattr(self.rewards, f"object_{i}_{name}", RewTerm(func=func, weight=weight, params={"index": i, **params}))
            setattr(self.terminations, f"object_{i}_position", DoneTerm(
                func=mdp.terminations.object_position_deviation, params={"index": i}))
            setattr(self.terminations, f"object_{i}_rotation", DoneTerm(
                func=mdp.terminations.object_rotation_deviation, params={"index": i}))
            # what a point-cloud student sees instead of the object's state (DAgger distillation)
            if not hasattr(self.observations, "point_cloud"):
                self.observations.point_cloud = ObsGroup(concatenate_terms=True, enable_corruption=False)
            setattr(self.observations.point_cloud, f"object_{i}", ObsTerm(
                func=mdp.observations.object_point_cloud, params={"index": i}))
        self.curriculum.friction = CurrTerm(func=mdp.curriculums.friction_ramp, params={"num_steps": 1920})
        for k, side in enumerate(self.hands):
            i = k if len(specs) > 1 else 0
            # fingertip contact forces: ManipTrans' contact reward, contact-loss termination, privileged obs
            tips = "|".join(get_hand(self.hands[side]).fingertip_body_names)
            setattr(self.scene, f"contacts_{side}", ContactSensorCfg(
                prim_path=f"{{ENV_REGEX_NS}}/Robot_{side}/.*/({tips})", history_length=3))
            setattr(self.rewards, f"{side}_contact", RewTerm(func=mdp.rewards.contact, weight=1.0,
                                                              params={"side": side, "index": i}))
            setattr(self.terminations, f"{side}_contact_lost", DoneTerm(
                func=mdp.terminations.contact_lost, params={"side": side, "index": i}))
            pol = self.observations.policy
            setattr(pol, f"{side}_fingertip_forces", ObsTerm(func=mdp.observations.fingertip_forces, params={"side": side}))
            p = {"side": side, "index": i}
            setattr(pol, f"{side}_object_in_wrist", ObsTerm(func=mdp.observations.object_state_in_wrist_frame, params=p))
            setattr(pol, f"{side}_object_keypoint_dist", ObsTerm(func=mdp.observations.object_to_keypoint_distances, params=p))
            setattr(pol, f"{side}_ref_tip_object_dist", ObsTerm(func=mdp.observations.reference_tip_to_object_distances,
                                                               params=p))
