"""A minimal manager-based env: a bundled hand above the table and one procedural object on it.

Actions are absolute joint position targets [m or rad] for the hand's actuated joints
(:attr:`DexHand.actuated_joint_names`: the six wrist joints, then the fingers); mimic followers get
``ratio × driver``. The hand's articulation base sits at :data:`HAND_BASE_POS` in the env frame.
"""
from __future__ import annotations

from isaaclab.assets import ArticulationCfg, RigidObjectCfg
from isaaclab.managers import EventTermCfg as EventTerm
from isaaclab.managers import ObservationGroupCfg as ObsGroup
from isaaclab.managers import ObservationTermCfg as ObsTerm
from isaaclab.managers import RewardTermCfg as RewTerm
from isaaclab.managers import SceneEntityCfg
from isaaclab.managers import TerminationTermCfg as DoneTerm
from isaaclab.scene import InteractiveSceneCfg
from isaaclab.utils import configclass

from isaaclab_tasks.utils.hydra import resolve_presets

from dex_more import mdp
from dex_more.assets import GROUND_CFG, TABLE_CFG, TABLE_HEIGHT, get_hand, object_cfg, sample_object
from dex_more.envs import DexEnvCfg
from dex_more.envs.object_bank import ObjectBankCfg, object_bank_asset_cfg
from dex_more.sim import DexObjectDiversePhysicsCfg

HAND_BASE_POS = (0.0, 0.0, TABLE_HEIGHT + 0.25)
"""Articulation base of the hand in the env frame [m]: 25 cm above the table top."""
OBJECT_XY = (0.0, 0.15)
"""Object position on the table in the env frame [m], clear of every hand's rest pose."""


@configclass
class TestbedSceneCfg(InteractiveSceneCfg):
    ground = GROUND_CFG
    table = TABLE_CFG
    robot: ArticulationCfg = None  # set by make_testbed_env_cfg
    object: RigidObjectCfg = None


@configclass
class ActionsCfg:
    joint_pos: mdp.MimicJointPositionActionCfg = None  # set by make_testbed_env_cfg


@configclass
class ObservationsCfg:
    @configclass
    class PolicyCfg(ObsGroup):
        joint_pos = ObsTerm(func=mdp.joint_pos)
        joint_vel = ObsTerm(func=mdp.joint_vel)
        object_pos = ObsTerm(func=mdp.root_pos_w, params={"asset_cfg": SceneEntityCfg("object")})

        def __post_init__(self):
            self.concatenate_terms = True

    policy: PolicyCfg = PolicyCfg()


@configclass
class EventCfg:
    reset_scene = EventTerm(func=mdp.reset_scene_to_default, mode="reset")


@configclass
class ObjectBankEventCfg(EventCfg):
    """Robot and scene to their defaults, then every env's own object dropped onto the table."""

    drop_object = EventTerm(func=mdp.drop_objects_above_table, mode="reset", params={"xy": OBJECT_XY, "height": 0.1})


@configclass
class RewardsCfg:
    alive = RewTerm(func=mdp.is_alive, weight=1.0)
    hold_default_pose = RewTerm(func=mdp.joint_deviation_l1, weight=-0.1)
    action_rate = RewTerm(func=mdp.action_rate_l2, weight=-0.01)


@configclass
class TerminationsCfg:
    time_out = DoneTerm(func=mdp.time_out, time_out=True)


@configclass
class TestbedEnvCfg(DexEnvCfg):
    scene: TestbedSceneCfg = TestbedSceneCfg(num_envs=4, env_spacing=1.0)
    observations: ObservationsCfg = ObservationsCfg()
    actions: ActionsCfg = ActionsCfg()
    rewards: RewardsCfg = RewardsCfg()
    terminations: TerminationsCfg = TerminationsCfg()
    events: EventCfg = EventCfg()

    def __post_init__(self):
        super().__post_init__()
        self.episode_length_s = 20.0


def make_testbed_env_cfg(hand: str, object_kind: str = "box", seed: int = 0, num_envs: int = 4,
                         device: str = "cpu") -> TestbedEnvCfg:
    """Test-bed cfg for bundled ``hand`` and a seeded object of ``object_kind`` resting on the table."""
    h = get_hand(hand)
    spec = sample_object(object_kind, seed)
    cfg = resolve_presets(TestbedEnvCfg())  # built without hydra: the default (Newton) physics
    cfg.scene.num_envs = num_envs
    cfg.sim.device = device
    cfg.scene.robot = h.articulation.replace(
        init_state=h.articulation.init_state.replace(pos=HAND_BASE_POS)
    )
    cfg.scene.object = object_cfg(spec, pos=(*OBJECT_XY, TABLE_HEIGHT + spec.half_height + 0.002))
    cfg.actions.joint_pos = mdp.hand_joint_position_action_cfg("robot", h)
    return cfg


@configclass
class TestbedInspireEnvCfg(TestbedEnvCfg):
    """The right Inspire hand and a box: the registered smoke-training variant."""

    def __post_init__(self):
        super().__post_init__()
        ref = make_testbed_env_cfg("inspire_right", "box", seed=0, num_envs=self.scene.num_envs)
        self.scene.robot, self.scene.object = ref.scene.robot, ref.scene.object
        self.actions.joint_pos = ref.actions.joint_pos
        self.episode_length_s = 5.0


def make_object_bank_testbed_cfg(hand: str = "inspire_right", num_envs: int = 16, names: list[str] | None = None,
                                 split: str = "train", device: str = "cpu") -> TestbedEnvCfg:
    """The test bed with a different object of the object set in each env (:mod:`dex_more.envs.object_bank`),
    dropped from 10 cm onto the table at every reset. Build it with :class:`dex_more.envs.DexEnv`."""
    cfg = make_testbed_env_cfg(hand, num_envs=num_envs, device=device)
    cfg.object_bank = ObjectBankCfg(names=list(names or []), split=split)
    cfg.scene.object = object_bank_asset_cfg(pos=(*OBJECT_XY, TABLE_HEIGHT + 0.2))
    cfg.events = ObjectBankEventCfg()
    cfg.sim.physics = DexObjectDiversePhysicsCfg().newton_mjwarp
    return cfg
