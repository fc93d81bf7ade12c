"""Action terms for dexterous hands with coupled (mimic) joints."""
from __future__ import annotations

import torch

from isaaclab.envs.mdp.actions.actions_cfg import JointPositionActionCfg
from isaaclab.envs.mdp.actions.joint_actions import JointPositionAction
from isaaclab.utils import configclass

__all__ = ["MimicJointPositionAction", "MimicJointPositionActionCfg"]


class MimicJointPositionAction(JointPositionAction):
    """Joint position targets for the actuated joints; each mimic follower gets ``ratio × driver target``.

    The source models couple linkage-driven joints with a MuJoCo joint equality, which Newton imports as a
    soft mimic constraint (followers lag up to 0.5 rad on their own). Giving the followers a PD target in
    step with their driver makes the coupling hold under load.
    """

    cfg: "MimicJointPositionActionCfg"

    def __init__(self, cfg: "MimicJointPositionActionCfg", env):
        super().__init__(cfg, env)
        names = list(self._asset.joint_names)
        own = list(range(len(names))) if isinstance(self._joint_ids, slice) else list(self._joint_ids)
        missing = [d for d, _ in cfg.mimic_joints.values() if names.index(d) not in own]
        if missing:
            raise ValueError(f"mimic drivers {missing} are not among the action's joints {cfg.joint_names}")
        self._follower_ids = [names.index(f) for f in cfg.mimic_joints]
        self._driver_cols = [own.index(names.index(d)) for d, _ in cfg.mimic_joints.values()]
        self._ratios = torch.tensor([r for _, r in cfg.mimic_joints.values()], device=self.device)

    def apply_actions(self):
        super().apply_actions()
        if self._follower_ids:
            target = self.processed_actions[:, self._driver_cols] * self._ratios
            self._asset.actuators.target_command.set_position_index(value=target, joint_ids=self._follower_ids)


@configclass
class MimicJointPositionActionCfg(JointPositionActionCfg):
    """:class:`JointPositionActionCfg` plus ``mimic_joints``: follower name -> (driver name, ratio)."""

    class_type: type = MimicJointPositionAction
    mimic_joints: dict = {}
