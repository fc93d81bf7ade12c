"""H-InDex's stage 1 data, made here (FrankMocap's training sets and weights cannot be downloaded): images of the
bundled hands in random poses, rendered by Newton's Warp ray tracer (kit-less, CPU or GPU), with their 3D MANO
keypoints.

Every env holds one hand hanging on its six virtual wrist joints and a fixed camera :data:`CAMERA_DISTANCE` in front
of :data:`HAND_CENTRE`, looking at it along −x. A sample draws, per env, the hand root's position (uniform in a cube
of ±:data:`ROOT_JITTER` around the centre), a uniform random orientation and every finger joint uniformly within its
limits; writes that state, holds it with the position targets for one control step (the render and the keypoints
read the same simulated state) and reads the image and the keypoints.

Keypoints (:data:`dex_more.mano.MANO_KEYPOINT_NAMES`, 21) are in the camera's frame (x forward, y left, z up:
Isaac Lab's "world" camera convention) relative to the wrist keypoint [m]; ``mask`` marks the ones the hand maps
(Allegro has no little finger). The pose regression target is FrankMocap's (root-relative 3D joints).
"""
from __future__ import annotations

import numpy as np
import torch

import isaaclab.sim as sim_utils
import isaaclab.utils.math as math_utils
from isaaclab.managers import ObservationGroupCfg as ObsGroup
from isaaclab.managers import ObservationTermCfg as ObsTerm
from isaaclab.managers import SceneEntityCfg
from isaaclab.scene import InteractiveSceneCfg
from isaaclab.sensors import CameraCfg
from isaaclab.utils import configclass

from isaaclab_tasks.utils.presets import MultiBackendRendererCfg

from dex_more import mdp
from dex_more.assets import GROUND_CFG, WRIST_JOINT_NAMES, get_hand
from dex_more.envs import DexEnv
from dex_more.envs.scripted_env_cfg import ScriptedHandEnvCfg, script_hand
from dex_more.kinematics import wrist_pose_to_joints

HAND_CENTRE = (0.0, 0.0, 0.5)
"""Where the hand's root is put on average [m, env frame]."""
ROOT_JITTER = 0.04
"""Half-width [m] of the cube the root is drawn in."""
CAMERA_DISTANCE = 0.45
"""From the camera to :data:`HAND_CENTRE` [m]: at its 47° field of view the frame is 40 cm wide there, a hand's
reach (~20 cm) in any orientation."""


@configclass
class HandPoseSceneCfg(InteractiveSceneCfg):
    env_spacing = 2.0
    ground = GROUND_CFG
    robot_right = None  # the hand, set by make_hand_pose_cfg
    camera = CameraCfg(
        prim_path="{ENV_REGEX_NS}/Camera",
        offset=CameraCfg.OffsetCfg(pos=(HAND_CENTRE[0] + CAMERA_DISTANCE, HAND_CENTRE[1], HAND_CENTRE[2]),
                                   rot=(0.0, 0.0, 1.0, 0.0), convention="world"),  # turned by π about z: faces −x
        data_types=["rgb"],
        spawn=sim_utils.PinholeCameraCfg(focal_length=24.0, focus_distance=400.0, horizontal_aperture=20.955,
                                         clipping_range=(0.05, 5.0)),
        width=84, height=84, renderer_cfg=MultiBackendRendererCfg(),
    )


@configclass
class _Observations:
    @configclass
    class Policy(ObsGroup):
        joint_pos = ObsTerm(func=mdp.joint_pos, params={"asset_cfg": SceneEntityCfg("robot_right")})

    policy: Policy = Policy()


@configclass
class HandPoseEnvCfg(ScriptedHandEnvCfg):
    scene: HandPoseSceneCfg = HandPoseSceneCfg(num_envs=16)
    observations: _Observations = _Observations()
    object_bank = None

    def __post_init__(self):
        super().__post_init__()
        self.sim.gravity = (0.0, 0.0, 0.0)  # a held pose stays put


def make_hand_pose_cfg(hand: str, num_envs: int, image_size: int, device: str, seed: int = 0) -> HandPoseEnvCfg:
    from isaaclab_tasks.utils.hydra import resolve_presets

    cfg = script_hand(resolve_presets(HandPoseEnvCfg()), get_hand(hand), num_envs, device, seed)
    cfg.scene.camera.width = cfg.scene.camera.height = image_size
    return cfg


class HandPoseRenderer:
    """Renders random poses of one bundled hand (see the module docstring)."""

    def __init__(self, hand: str, num_envs: int = 16, image_size: int = 84, device: str = "cpu", seed: int = 0):
        self.hand = get_hand(hand)
        self.env = DexEnv(make_hand_pose_cfg(hand, num_envs, image_size, device, seed))
        self.env.reset()
        self.robot = self.env.scene["robot_right"]
        names = list(self.robot.joint_names)
        self._wrist = [names.index(n) for n in WRIST_JOINT_NAMES]
        self._fingers = [names.index(n) for n in self.hand.finger_joint_names]
        self._actuated = [names.index(n) for n in self.hand.actuated_joint_names]
        limits = self.robot.data.joint_pos_limits.torch[0]
        self._lo, self._hi = limits[self._fingers, 0], limits[self._fingers, 1]
        self.generator = torch.Generator(device=device).manual_seed(seed)
        self.mask = self.env.hands["right"].keypoint_mask.cpu().numpy().astype(bool)
        """(21,) the MANO keypoints this hand maps."""

    def close(self) -> None:
        self.env.close()

    def _rand(self, *shape) -> torch.Tensor:
        return torch.rand(*shape, generator=self.generator, device=self.env.device)

    def render_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """One random pose per env: images (N, H, W, 3) uint8, keypoints (N, 21, 3) [m] (module docstring)."""
        env, n = self.env, self.env.num_envs
        q = self.robot.data.joint_pos.torch.clone()
        root = torch.tensor(HAND_CENTRE, device=env.device) + (2 * self._rand(n, 3) - 1) * ROOT_JITTER
        # uniform on rotations: a normalised 4-D Gaussian (isaaclab.utils.math.random_orientation's method, which
        # takes no generator: this renderer's draws repeat with its seed)
        quat = torch.nn.functional.normalize(
            torch.randn(n, 4, generator=self.generator, device=env.device), dim=-1, eps=1e-12)
        q[:, self._wrist] = wrist_pose_to_joints(root, quat).float()
        q[:, self._fingers] = self._lo + self._rand(n, len(self._fingers)) * (self._hi - self._lo)
        self.robot.write_joint_state_to_sim_index(position=q, velocity=torch.zeros_like(q))
        env.state_changed()
        env.step(q[:, self._actuated])
        images = env.scene["camera"].data.output["rgb"].torch[..., :3]
        cam = env.scene["camera"].data
        kp_w = env.hands["right"].keypoints + env.scene.env_origins[:, None]
        rel = kp_w - kp_w[:, :1]
        rot = cam.quat_w_world.torch[:, None].expand(-1, rel.shape[1], -1)
        kp_cam = math_utils.quat_apply_inverse(rot, rel)
        return images.cpu().numpy().astype(np.uint8), kp_cam.cpu().numpy().astype(np.float32)

    def render(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        """``count`` samples: images (count, H, W, 3) uint8, keypoints (count, 21, 3) [m]."""
        batches = [self.render_batch() for _ in range(-(-count // self.env.num_envs))]
        return (np.concatenate([b[0] for b in batches])[:count], np.concatenate([b[1] for b in batches])[:count])
