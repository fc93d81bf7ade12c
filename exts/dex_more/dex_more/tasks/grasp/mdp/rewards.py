"""ResDex's reward terms (Appendix A.2 of seed 004). Each returns the unweighted quantity; the task config holds the
paper's weights, so ``r = Σ weight · term`` reads as the paper writes it:

    r_pose  = −0.05 · ‖q − X_joint‖₁                                  grasp_pose_error,  weight −0.05
    r_reach = −1.0 · ‖X_obj − X_hand‖ − 0.5 · Σ‖X_obj − X_finger‖    object_hand_distance (−1.0),
                                                                      object_fingertip_distance_sum (−0.5)
    r_lift  = 0.1 + 0.1 · a_z              if f1 = 2                   lift, weight 0.1
    r_move  = 0.9 − 2 · d_obj              if f2 = 3 (stage 2: f1 = 2) move_to_target, weight 1
    r_bonus = 1 / (1 + 10 · d_obj)         if d_obj ≤ 0.05             target_bonus, weight 1
    r_proposal = −‖g − g_t‖                                           grasp_proposal_distance, weight −α

    f1 = 1(Σ‖X_obj − X_finger‖ ≤ 0.6) + 1(‖X_obj − X_hand‖ ≤ 0.12)
    f2 = f1 + 1(‖q − X_joint‖₁ ≤ 6)

Quantities and frames: :mod:`.grasp_state`. ``a_z`` is the wrist's vertical command of this step in [-1, 1]
(:attr:`dex_more.mdp.WristDeltaHandAction.wrist_command`: the wrist's z target moves by a_z · 5 mm per step),
the counterpart of the paper's scaled force along z.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from .grasp_state import grasp_state

if TYPE_CHECKING:
    from dex_more.envs import DexEnv

HAND_ACTION = "hand"
"""The action term of the grasping tasks' hand."""


def near_object(env: DexEnv, finger_threshold: float, hand_threshold: float) -> torch.Tensor:
    """(N,) bool: f1 = 2 (the fingertips' summed distance ≤ ``finger_threshold`` and the palm's ≤ ``hand_threshold``,
    metres)."""
    s = grasp_state(env)
    return (s.finger_distance_sum <= finger_threshold) & (s.hand_distance <= hand_threshold)


def grasp_pose_error(env: DexEnv) -> torch.Tensor:
    """‖q − X_joint‖₁ [rad] to the nearest proposal's finger joints (r_pose with weight −0.05)."""
    return grasp_state(env).pose_error


def object_hand_distance(env: DexEnv) -> torch.Tensor:
    """‖X_obj − X_hand‖ [m]."""
    return grasp_state(env).hand_distance


def object_fingertip_distance_sum(env: DexEnv) -> torch.Tensor:
    """Σ_f ‖X_obj − X_finger,f‖ [m]."""
    return grasp_state(env).finger_distance_sum


def lift(env: DexEnv, finger_threshold: float, hand_threshold: float) -> torch.Tensor:
    """1 + a_z where f1 = 2, else 0 (r_lift with weight 0.1)."""
    a_z = env.action_manager.get_term(HAND_ACTION).wrist_command[:, 2]
    return torch.where(near_object(env, finger_threshold, hand_threshold), 1.0 + a_z, torch.zeros_like(a_z))


def move_to_target(env: DexEnv, finger_threshold: float, hand_threshold: float,
                   pose_threshold: float | None) -> torch.Tensor:
    """0.9 − 2 · d_obj where f2 = 3 (``pose_threshold`` [rad] on ‖q − X_joint‖₁), or where f1 = 2 when
    ``pose_threshold`` is None (stage 2's loosened condition); else 0."""
    s = grasp_state(env)
    cond = near_object(env, finger_threshold, hand_threshold)
    if pose_threshold is not None:
        cond = cond & (s.pose_error <= pose_threshold)
    return torch.where(cond, 0.9 - 2.0 * s.target_distance, torch.zeros_like(s.target_distance))


def target_bonus(env: DexEnv, radius: float) -> torch.Tensor:
    """1 / (1 + 10 · d_obj) where d_obj ≤ ``radius`` [m], else 0."""
    d = grasp_state(env).target_distance
    return torch.where(d <= radius, 1.0 / (1.0 + 10.0 * d), torch.zeros_like(d))


def grasp_proposal_distance(env: DexEnv, rot_weight: float, joint_weight: float) -> torch.Tensor:
    """‖g − g_t‖ to the nearest proposal (:meth:`GraspState.proposal_distance`): r_proposal with weight −α."""
    return grasp_state(env).proposal_distance(rot_weight, joint_weight)
