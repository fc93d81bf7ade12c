"""Grasp proposals tested in simulation (DexGraspNet's / UniDexGrasp's validation, on Newton): the hand closes on
the object, then holds it under gravity and shakes; the proposals that keep the object are valid.

Every env holds one (object, proposal) pair. The object bank gives each env its own object at :data:`OBJECT_POS`,
free and with no table under it: only the hand can hold it. The hand's wrist joints put its root body at the
proposal's pose relative to the object, its fingers at the proposal's joints. Then, per :class:`GraspValidationCfg`:

1. *close* (no gravity): the finger targets move to the closing targets
   (:func:`~dex_more.objects.grasps.closing_targets`: each fingertip towards the centre of mass, or into the
   surface); the compliant fingers stop on the surface and squeeze it. The object is free, so an unbalanced squeeze pushes it away;
2. *hold* with gravity (−z of the object's resting frame: the tabletop's direction), then *shake*: the wrist moves
   ±``shake_amplitude`` along x and z at ``shake_hz``.

A proposal holds when, in the hand's frame, the shaking moved the object less than ``max_shift`` (from the end of the
hold to the end of the shaking) and the object ended less than ``max_settle`` from where the closing left it.
Why two bounds: when gravity comes on, a held object settles in the grip before it stays put. Newton's MuJoCo
contacts have no torsional friction (condim 3, its default), so an object pinched between a few contacts pivots
about them until its centre of mass hangs below. Measured on 73 candidates of nine boxes, cylinders, capsules and
ellipsoids: the held ones settle 10–33 mm and turn 6–29° within 0.2 s, then barely move (median shift 25.2 mm after
the hold, 25.6 mm after the shaking); a grasp that lets the object go drops it tens of centimetres.

Physics of the validation, and why it differs from the tasks' defaults: the fingers are position-controlled and
compliant (``finger_stiffness`` 5 N·m/rad: stiffer fingers sink deeper into MuJoCo's soft contacts while closing and
then eject the object); friction cones are elliptic with ``impratio`` 10 and the physics step is split in 4
substeps, which together keep a squeezed contact from creeping under a steady load (pyramidal cones at one substep
let a held box slide out: MuJoCo-Warp has no no-slip solver).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

import isaaclab.utils.math as math_utils
from isaaclab.managers import ObservationGroupCfg as ObsGroup
from isaaclab.managers import ObservationTermCfg as ObsTerm
from isaaclab.managers import SceneEntityCfg
from isaaclab.scene import InteractiveSceneCfg
from isaaclab.utils import configclass

from dex_more import mdp
from dex_more.assets import GROUND_CFG, WRIST_JOINT_NAMES, get_hand
from dex_more.kinematics import wrist_pose_to_joints

from .dex_env import DexEnv
from .object_bank import ObjectBankCfg, object_bank_asset_cfg
from .scripted_env_cfg import ScriptedHandEnvCfg, script_hand

OBJECT_POS = (0.0, 0.0, 0.8)
"""Where each env's object starts [m, env frame], clear of the ground; the hand's articulation base is the env
origin."""


@dataclass
class GraspValidationCfg:
    """The validation's schedule [s], shaking, acceptance and physics (see the module docstring)."""

    close_s: float = 0.5
    hold_s: float = 0.5
    shake_s: float = 1.0
    shake_amplitude: float = 0.02
    """[m]"""
    shake_hz: float = 1.5
    gravity: float = 9.81
    """[m/s²]"""
    max_shift: float = 0.02
    """[m] the object's largest accepted motion in the hand's frame during the shaking."""
    max_settle: float = 0.04
    """[m] the object's largest accepted motion in the hand's frame from the end of the closing to the end of the
    shaking (its settling under gravity included)."""
    finger_stiffness: float = 5.0
    """[N·m/rad]"""
    finger_damping: float = 0.1
    """[N·m·s/rad]"""
    cone: str = "elliptic"
    impratio: float = 10.0
    num_substeps: int = 4


@configclass
class GraspValidationSceneCfg(InteractiveSceneCfg):
    env_spacing = 1.0
    ground = GROUND_CFG
    robot_right = None
    object = object_bank_asset_cfg(pos=OBJECT_POS)


@configclass
class _Observations:
    @configclass
    class Policy(ObsGroup):
        object_pos = ObsTerm(func=mdp.root_pos_w, params={"asset_cfg": SceneEntityCfg("object")})

    policy: Policy = Policy()


@configclass
class GraspValidationEnvCfg(ScriptedHandEnvCfg):
    """One hand and an object of the set per env; the validator drives the hand's targets itself."""

    scene: GraspValidationSceneCfg = GraspValidationSceneCfg(num_envs=64)
    observations: _Observations = _Observations()
    object_bank = ObjectBankCfg()


def make_grasp_validation_cfg(hand: str, object_set: str, object_names: list[str], num_envs: int, device: str,
                              cfg: GraspValidationCfg) -> GraspValidationEnvCfg:
    from isaaclab_tasks.utils.hydra import resolve_presets

    env_cfg = script_hand(resolve_presets(GraspValidationEnvCfg()), get_hand(hand), num_envs, device,
                          finger_stiffness=cfg.finger_stiffness, finger_damping=cfg.finger_damping)
    env_cfg.object_bank = ObjectBankCfg(object_set=object_set, names=list(object_names))
    env_cfg.sim.physics.solver_cfg.cone = cfg.cone
    env_cfg.sim.physics.solver_cfg.impratio = cfg.impratio
    env_cfg.sim.physics.num_substeps = cfg.num_substeps
    return env_cfg


class GraspValidator:
    """Tests batches of (object, proposal) pairs, one per env (see the module docstring)."""

    def __init__(self, object_set: str, object_names: list[str], num_envs: int = 64, device: str = "cpu",
                 hand: str = "shadow_right", cfg: GraspValidationCfg | None = None):
        self.cfg = cfg or GraspValidationCfg()
        self.env = DexEnv(make_grasp_validation_cfg(hand, object_set, object_names, num_envs, device, self.cfg))
        self.env.reset()
        self.hand = get_hand(hand)
        self.robot = self.env.scene["robot_right"]
        names = list(self.robot.joint_names)
        self._wrist_cols = [names.index(n) for n in WRIST_JOINT_NAMES]
        self._finger_cols = [names.index(n) for n in self.hand.finger_joint_names]
        self._root = self.robot.body_names.index(self.hand.root_body)
        self._index = {n: i for i, n in enumerate(object_names)}

    @property
    def num_envs(self) -> int:
        return self.env.num_envs

    def close(self) -> None:
        self.env.close()

    def run(self, objects: list[str], wrist_pos: np.ndarray, wrist_quat: np.ndarray, joint_pos: np.ndarray,
            targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Test ``len(objects)`` (at most :attr:`num_envs`) proposals: wrist pose in the object frame (x-y-z-w),
        finger joints and closing targets (:attr:`DexHand.finger_joint_names` order) [rad]. Returns whether each
        held and the object's shift [m] in the hand's frame from the end of the closing to the end of the shaking."""
        env, dev, cfg = self.env, self.env.device, self.cfg
        n = len(objects)
        if n > self.num_envs:
            raise ValueError(f"{n} proposals for {self.num_envs} envs")
        unknown = sorted(set(objects) - set(self._index))
        if unknown:
            raise ValueError(f"objects {unknown} are not in this validator's object bank")
        f32 = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float32, device=dev)  # noqa: E731
        ids = torch.arange(n, device=dev)
        env.object_bank.assign(ids, torch.tensor([self._index[o] for o in objects], device=dev))
        obj = env.scene["object"]
        obj_pose = torch.zeros(n, 7, device=dev)
        obj_pose[:, :3] = env.scene.env_origins[:n] + f32(OBJECT_POS)
        obj_pose[:, 6] = 1.0
        obj.write_root_pose_to_sim_index(root_pose=obj_pose, env_ids=ids)
        obj.write_root_velocity_to_sim_index(root_velocity=torch.zeros(n, 6, device=dev), env_ids=ids)
        # the hand's root at the object's pose composed with the proposal; the articulation base sits at the origin
        q = self.robot.data.joint_pos.torch[:n].clone()
        q[:, self._wrist_cols] = wrist_pose_to_joints(f32(wrist_pos) + f32(OBJECT_POS), f32(wrist_quat)).float()
        q[:, self._finger_cols] = f32(joint_pos)
        self.robot.write_joint_state_to_sim_index(position=q, velocity=torch.zeros_like(q), env_ids=ids)
        env.state_changed()
        cols = self._wrist_cols + self._finger_cols
        action = self.robot.data.joint_pos.torch[:, cols].clone()  # envs past n hold what they have
        action[:n] = torch.cat([q[:, self._wrist_cols], f32(targets)], dim=-1)
        close, hold, shake = (int(round(t / env.step_dt)) for t in (cfg.close_s, cfg.hold_s, cfg.shake_s))
        mdp.set_gravity_z(env, slice(None), 0.0)
        for _ in range(close):
            env.step(action)
        start = self._object_in_hand(n)
        mdp.set_gravity_z(env, slice(None), -cfg.gravity)
        for _ in range(hold):
            env.step(action)
        settled = self._object_in_hand(n)
        for k in range(shake):
            a = action.clone()
            offset = cfg.shake_amplitude * np.sin(2 * np.pi * cfg.shake_hz * k * env.step_dt)
            a[:n, 0] += offset  # wrist x
            a[:n, 2] += offset  # wrist z
            env.step(a)
        end = self._object_in_hand(n)
        shift = (end - start).norm(dim=-1).cpu().numpy()
        shaken = (end - settled).norm(dim=-1).cpu().numpy()
        return (shift < cfg.max_settle) & (shaken < cfg.max_shift), shift

    def _object_in_hand(self, n: int) -> torch.Tensor:
        """(n, 3) the object's position in the hand root's frame [m]."""
        data = self.robot.data
        root_p, root_q = data.body_pos_w.torch[:n, self._root], data.body_quat_w.torch[:n, self._root]
        return math_utils.quat_apply_inverse(root_q, self.env.scene["object"].data.root_pos_w.torch[:n] - root_p)
