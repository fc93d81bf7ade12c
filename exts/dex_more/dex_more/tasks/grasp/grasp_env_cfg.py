"""Universal grasping (ResDex, REFERENCE.md §3; seed 004 §3–4 and Appendix A.2): the scene and the three layouts.

Tabletop: the table top is 60 cm above the ground; each env's object (:mod:`dex_more.envs.object_bank`) is dropped
with its lowest point 10 cm above the table's centre; the hand's root starts 20 cm above the table, palm down and
fingers along +x, its palm over the object (raised where a tall object would reach it:
:func:`.mdp.raise_hand_over_tall_objects`). Goal: the object's centre 20 cm above the table (:data:`.mdp.LIFT_HEIGHT`)
after 200 control steps (3.3 s at 60 Hz); success is the object within 5 cm of the goal when time runs out.

Action (:class:`dex_more.mdp.WristDeltaHandActionCfg`): the paper pushes the wrist with a 6-D force; the bundled
hands hang on six virtual wrist joints, so the policy moves their position targets (a velocity command, 5 mm and
0.01 rad per step at |a| = 1) and sets the finger targets across their limits. r_lift's ``a_z`` is the vertical
command.

Layouts:
- :class:`GraspBaseEnvCfg` — geometry-agnostic base policy on one object (``object_bank.names``): proprioception,
  object position, goal and previous action; r_pose + r_task.
- :class:`GraspHyperEnvCfg` — hyper-policy over frozen bases on a split (default: train): the bases' observations
  (group ``base``) plus object pose, velocities and shape code; stage 1 r_task + α·r_proposal, ``presets=stage2``:
  r_lift + r_move (loosened) + r_bonus.
- :class:`GraspStudentEnvCfg` — the hyper layout plus the student's groups: proprioception (``student``) and the
  object's points (``point_cloud``), no object state.
- :class:`GraspBaseVisualEnvCfg` — H-InDex's visual RL on the base layout: the policy sees proprioception
  (``policy``) and an 84 × 84 RGB image of a fixed camera (``image``), not the object's state; the critic sees the
  base policy's state view (``critic``).
"""
from __future__ import annotations

import math

import isaaclab.sim as sim_utils
from isaaclab.assets import ArticulationCfg
from isaaclab.managers import EventTermCfg as EventTerm
from isaaclab.managers import ObservationGroupCfg as ObsGroup
from isaaclab.managers import ObservationTermCfg as ObsTerm
from isaaclab.managers import RewardTermCfg as RewTerm
from isaaclab.managers import SceneEntityCfg
from isaaclab.managers import TerminationTermCfg as DoneTerm
from isaaclab.scene import InteractiveSceneCfg
from isaaclab.sensors import CameraCfg
from isaaclab.utils import configclass

from isaaclab_tasks.utils import PresetCfg
from isaaclab_tasks.utils.presets import MultiBackendRendererCfg

from dex_more.assets import GROUND_CFG, TABLE_CFG, TABLE_HEIGHT, WRIST_JOINT_NAMES, get_hand
from dex_more.envs import CONTROL_DT, DexEnvCfg
from dex_more.envs.object_bank import ObjectBankCfg, object_bank_asset_cfg

from . import mdp

EPISODE_STEPS = 200
"""ResDex's episode: 200 control steps."""
DROP_HEIGHT = 0.1
"""The object's lowest point above the table when it is dropped [m]."""
HAND_HEIGHT = 0.2
"""The hand's root above the table at the start [m]."""
HAND_CLEARANCE = 0.03
"""Least gap [m] between a dropped object's top and the hand's root (see raise_hand_over_tall_objects)."""
HAND_X = -0.07
"""The hand root's x [m, env frame]: with the fingers along +x, this puts the palm's centre over the object."""
PALM_DOWN = {"wrist_rx": math.pi / 2, "wrist_ry": 0.0, "wrist_rz": math.pi / 2}
"""Wrist joint angles [rad] that turn the hand palm down (its −y to world −z) with the fingers (its +z) along +x."""

SIDE = mdp.SIDE
ROBOT = f"robot_{SIDE}"
NEAR = {"finger_threshold": 0.6, "hand_threshold": 0.12}
"""f1's thresholds [m]: Σ‖X_obj − X_finger‖ ≤ 0.6 and ‖X_obj − X_hand‖ ≤ 0.12."""
POSE_THRESHOLD = 6.0
"""f2's threshold on ‖q − X_joint‖₁ [rad]."""
SUCCESS_RADIUS = 0.05
"""Success, and r_bonus's radius: the object within 5 cm of the goal [m]."""


def grasp_hand_cfg(name: str) -> ArticulationCfg:
    """A bundled hand as the grasping tasks' ``robot_right``: base over the table, wrist joints palm down."""
    hand = get_hand(name)
    init = dict(hand.articulation.init_state.joint_pos)
    joint_pos = {k: v for k, v in init.items() if k not in (".*", "wrist_.*")}
    if ".*" in init:
        joint_pos["(?!wrist_).*"] = init[".*"]
    joint_pos.update({n: 0.0 for n in WRIST_JOINT_NAMES}, **PALM_DOWN)
    return hand.articulation.replace(
        prim_path=f"{{ENV_REGEX_NS}}/Robot_{SIDE}",
        init_state=ArticulationCfg.InitialStateCfg(pos=(HAND_X, 0.0, TABLE_HEIGHT + HAND_HEIGHT), joint_pos=joint_pos))


##
# Scene, actions, events, terminations
##


@configclass
class GraspSceneCfg(InteractiveSceneCfg):
    num_envs = 16
    env_spacing = 1.0
    ground = GROUND_CFG
    table = TABLE_CFG
    robot_right: ArticulationCfg | None = None  # the hand's folder names it (GraspEnvCfg.hands)
    object = object_bank_asset_cfg(pos=(*mdp.OBJECT_XY, TABLE_HEIGHT + 0.3))


IMAGE_SIZE = 84
"""The visual layout's image: 84 × 84 RGB (H-InDex's and most visual-RL benchmarks' size)."""
CAMERA_POS = (0.4, 0.0, TABLE_HEIGHT + 0.3)
"""The fixed camera [m, env frame]: 40 cm in front of the drop point (the fingers' side), 30 cm above the table."""
CAMERA_PITCH = math.atan2(0.3, 0.4)
"""Its downward pitch [rad]: the optical axis passes through the drop point on the table."""


def _looking_back_and_down(pitch: float) -> tuple[float, float, float, float]:
    """Quaternion (x, y, z, w) of a camera (world convention: +x forward, +z up) turned by π about z to face −x, then
    pitched down by ``pitch`` [rad] about its own y: q_z(π) ⊗ q_y(pitch)."""
    return (-math.sin(pitch / 2), 0.0, math.cos(pitch / 2), 0.0)


@configclass
class GraspVisualSceneCfg(GraspSceneCfg):
    """The grasping scene plus a fixed RGB camera per env (Newton's Warp ray tracer by default; RTX on PhysX)."""

    camera = CameraCfg(
        prim_path="{ENV_REGEX_NS}/Camera",
        offset=CameraCfg.OffsetCfg(pos=CAMERA_POS, rot=_looking_back_and_down(CAMERA_PITCH), convention="world"),
        data_types=["rgb"],
        spawn=sim_utils.PinholeCameraCfg(focal_length=24.0, focus_distance=400.0, horizontal_aperture=20.955,
                                         clipping_range=(0.05, 5.0)),
        width=IMAGE_SIZE, height=IMAGE_SIZE, renderer_cfg=MultiBackendRendererCfg(),
    )


@configclass
class ActionsCfg:
    hand = mdp.WristDeltaHandActionCfg(asset_name=ROBOT, hand="")


@configclass
class EventsCfg:
    """Hand and object to their defaults, the env's object (hyper layouts: a random one), dropped, the hand above it:
    in this order (the drop and the hand's placement read the object's size); then, in the curriculum's share of the
    episodes, hand and object in a proposal's grasp instead."""

    reset_scene = EventTerm(func=mdp.reset_scene_to_default, mode="reset")
    assign_object: EventTerm | None = None
    drop_object = EventTerm(func=mdp.drop_objects_above_table, mode="reset",
                            params={"xy": mdp.OBJECT_XY, "height": DROP_HEIGHT})
    place_hand = EventTerm(func=mdp.raise_hand_over_tall_objects, mode="reset",
                           params={"drop_height": DROP_HEIGHT, "base_height": HAND_HEIGHT, "clearance": HAND_CLEARANCE,
                                   "asset_cfg": SceneEntityCfg(ROBOT)})
    start_in_grasp = EventTerm(func=mdp.start_in_proposal_grasp, mode="reset",
                               params={"probability": 0.0, "clearance": 0.01, "lift_range": (0.0, 0.0),
                                       "asset_cfg": SceneEntityCfg(ROBOT)})
    """A curriculum, off by default (ResDex starts every episode above the dropped object): the share
    ``probability`` of the episodes starts in one of the object's proposals instead (CPU-sized runs: see
    tests/test_learning.py)."""


@configclass
class RandomObjectEventsCfg(EventsCfg):
    """Every reset draws the env's object from the bank (a field of the base class: it keeps its place in the order)."""

    assign_object = EventTerm(func=mdp.assign_random_objects, mode="reset")


@configclass
class TerminationsCfg:
    time_out = DoneTerm(func=mdp.time_out, time_out=True)
    success = DoneTerm(func=mdp.lifted_to_target, time_out=True, params={"radius": SUCCESS_RADIUS, **NEAR})
    physics_blowup = DoneTerm(func=mdp.physics_blowup, params={"max_joint_vel": 100.0, "max_object_speed": 10.0})


##
# Observations
##


@configclass
class BaseObsCfg(ObsGroup):
    """The geometry-agnostic base policy's view: proprioception, the object's position, the goal, previous action."""

    joint_pos = ObsTerm(func=mdp.hand_joint_pos, params={"side": SIDE})
    joint_vel = ObsTerm(func=mdp.hand_joint_vel, params={"side": SIDE})
    fingertip_pos = ObsTerm(func=mdp.fingertip_positions)
    object_pos = ObsTerm(func=mdp.object_position)
    target_from_object = ObsTerm(func=mdp.target_minus_object)
    last_action = ObsTerm(func=mdp.last_action)

    def __post_init__(self):
        self.concatenate_terms = True


@configclass
class HyperObsCfg(BaseObsCfg):
    """The hyper-policy's view: the base view plus the object's orientation, velocities and shape code."""

    object_quat = ObsTerm(func=mdp.root_quat_w, params={"asset_cfg": SceneEntityCfg("object")})
    object_lin_vel = ObsTerm(func=mdp.root_lin_vel_w, params={"asset_cfg": SceneEntityCfg("object")})
    object_ang_vel = ObsTerm(func=mdp.root_ang_vel_w, params={"asset_cfg": SceneEntityCfg("object")})
    shape_code = ObsTerm(func=mdp.object_bank_shape_code)


@configclass
class StudentObsCfg(ObsGroup):
    """The point-cloud student's proprioception (no object state)."""

    joint_pos = ObsTerm(func=mdp.hand_joint_pos, params={"side": SIDE})
    joint_vel = ObsTerm(func=mdp.hand_joint_vel, params={"side": SIDE})
    fingertip_pos = ObsTerm(func=mdp.fingertip_positions)
    last_action = ObsTerm(func=mdp.last_action)

    def __post_init__(self):
        self.concatenate_terms = True


@configclass
class PointCloudObsCfg(ObsGroup):
    """512 points on the object's surface (ResDex's distillation), env frame."""

    points = ObsTerm(func=mdp.object_bank_point_cloud, params={"num_points": 512, "seed": 0})

    def __post_init__(self):
        self.concatenate_terms = True


@configclass
class VisualProprioObsCfg(ObsGroup):
    """The visual policy's proprioception: the hand's joints and the previous action (no object state)."""

    joint_pos = ObsTerm(func=mdp.hand_joint_pos, params={"side": SIDE})
    joint_vel = ObsTerm(func=mdp.hand_joint_vel, params={"side": SIDE})
    last_action = ObsTerm(func=mdp.last_action)

    def __post_init__(self):
        self.concatenate_terms = True


@configclass
class CameraImageObsCfg(ObsGroup):
    """The camera's RGB image (N, H, W, 3) in [0, 1] (the encoder normalises it as its pre-training did)."""

    rgb = ObsTerm(func=mdp.image_rgb, params={"sensor_cfg": SceneEntityCfg("camera"), "data_type": "rgb",
                                              "normalize": True, "mean": 0.0})

    def __post_init__(self):
        self.concatenate_terms = True


@configclass
class BaseObservationsCfg:
    policy: BaseObsCfg = BaseObsCfg()


@configclass
class HyperObservationsCfg:
    policy: HyperObsCfg = HyperObsCfg()
    base: BaseObsCfg = BaseObsCfg()


@configclass
class VisualObservationsCfg:
    policy: VisualProprioObsCfg = VisualProprioObsCfg()
    image: CameraImageObsCfg = CameraImageObsCfg()
    critic: BaseObsCfg = BaseObsCfg()


@configclass
class StudentObservationsCfg(HyperObservationsCfg):
    student: StudentObsCfg = StudentObsCfg()
    point_cloud: PointCloudObsCfg = PointCloudObsCfg()


##
# Rewards (Appendix A.2; the terms: .mdp.rewards)
##


BLOWUP_PENALTY = -200.0
"""Weight of the penalty when a physics blow-up ends the episode (ResDex never ends one early): the reach terms'
return over a whole episode is about −1 per second, and without the penalty an episode that blows up escapes it,
which the policy learns to seek (measured: blow-ups rose from 0 to 7 % of episodes in 140 iterations)."""


@configclass
class TaskRewardsCfg:
    """r_task = r_reach + r_lift + r_move + r_bonus, and the blow-up penalty."""

    reach_hand = RewTerm(func=mdp.object_hand_distance, weight=-1.0)
    reach_fingers = RewTerm(func=mdp.object_fingertip_distance_sum, weight=-0.5)
    lift = RewTerm(func=mdp.lift, weight=0.1, params=NEAR)
    move = RewTerm(func=mdp.move_to_target, weight=1.0, params={**NEAR, "pose_threshold": POSE_THRESHOLD})
    bonus = RewTerm(func=mdp.target_bonus, weight=1.0, params={"radius": SUCCESS_RADIUS})
    blowup = RewTerm(func=mdp.is_terminated_term, weight=BLOWUP_PENALTY, params={"term_keys": "physics_blowup"})


@configclass
class BaseRewardsCfg(TaskRewardsCfg):
    """The base policy's r_pose + r_task."""

    pose = RewTerm(func=mdp.grasp_pose_error, weight=-0.05)


@configclass
class HyperStage1RewardsCfg(TaskRewardsCfg):
    """Stage 1: r_task + α·r_proposal (α: the weight's magnitude). ‖g − g_t‖ weighs the wrist position [m] 1, its
    angle [rad] 0.1 and the finger joints' L1 [rad] 0.05 (r_pose's weight): the paper gives no weights for the norm."""

    proposal = RewTerm(func=mdp.grasp_proposal_distance, weight=-1.0, params={"rot_weight": 0.1, "joint_weight": 0.05})


@configclass
class HyperStage2RewardsCfg:
    """Stage 2: r_lift + r_move (loosened: f1 = 2) + r_bonus; nothing pulls the hand to the object or a proposal."""

    lift = RewTerm(func=mdp.lift, weight=0.1, params=NEAR)
    move = RewTerm(func=mdp.move_to_target, weight=1.0, params={**NEAR, "pose_threshold": None})
    bonus = RewTerm(func=mdp.target_bonus, weight=1.0, params={"radius": SUCCESS_RADIUS})
    blowup = RewTerm(func=mdp.is_terminated_term, weight=BLOWUP_PENALTY, params={"term_keys": "physics_blowup"})


@configclass
class HyperRewardsCfg(PresetCfg):
    """The hyper-policy's reward by stage: ``presets=stage2`` picks the second (start it from a stage-1 checkpoint)."""

    stage1 = HyperStage1RewardsCfg()
    stage2 = HyperStage2RewardsCfg()
    default = stage1


##
# Layouts
##


@configclass
class GraspEnvCfg(DexEnvCfg):
    """What the grasping layouts share; ``hands`` (a hand's folder: ``{"right": <hand>}``) fills the robot."""

    scene: GraspSceneCfg = GraspSceneCfg()
    actions: ActionsCfg = ActionsCfg()
    events: EventsCfg = EventsCfg()
    terminations: TerminationsCfg = TerminationsCfg()
    object_bank = ObjectBankCfg()

    def __post_init__(self):
        super().__post_init__()
        self.episode_length_s = EPISODE_STEPS * CONTROL_DT
        if SIDE not in self.hands:
            return  # the family's own cfg: a hand's folder completes it
        hand = get_hand(self.hands[SIDE], SIDE)  # the grasping tasks take a right hand
        self.scene.robot_right = grasp_hand_cfg(hand.name)
        self.actions.hand.hand = hand.name


@configclass
class GraspBaseEnvCfg(GraspEnvCfg):
    """Geometry-agnostic base policy on one object (default: the first cluster's centre object)."""

    observations: BaseObservationsCfg = BaseObservationsCfg()
    rewards: BaseRewardsCfg = BaseRewardsCfg()
    object_bank = ObjectBankCfg(names=["box_24"])


@configclass
class GraspHyperEnvCfg(GraspEnvCfg):
    """Hyper-policy over frozen base policies, on every object of a split (a random one per episode)."""

    observations: HyperObservationsCfg = HyperObservationsCfg()
    rewards: HyperRewardsCfg = HyperRewardsCfg()
    events: RandomObjectEventsCfg = RandomObjectEventsCfg()
    object_bank = ObjectBankCfg(split="train")


@configclass
class GraspStudentEnvCfg(GraspHyperEnvCfg):
    """DAgger: the hyper layout plus the point-cloud student's groups."""

    observations: StudentObservationsCfg = StudentObservationsCfg()


@configclass
class GraspBaseVisualEnvCfg(GraspBaseEnvCfg):
    """H-InDex's visual RL on the base layout: the policy sees the camera's image and proprioception."""

    scene: GraspVisualSceneCfg = GraspVisualSceneCfg()
    observations: VisualObservationsCfg = VisualObservationsCfg()
