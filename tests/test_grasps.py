"""Grasp synthesis (dex_more.objects.grasps): the exact contact metrics against a hand computation on a box, and
the optimiser finding proposals that pass DexGraspNet's acceptance on the exact mesh."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.spatial.transform import Rotation

from dex_more.assets import SHADOW_RIGHT
from dex_more.motion.hand_model import HandKinematics
from dex_more.objects.grasps import (GraspSynthesisCfg, closing_targets, grasp_contact_metrics, hand_points,
                                     keep_mask, metric_surface, synthesize_grasps)
from dex_more.objects.object_set import DEFAULT_OBJECT_SET, load_object_set
from dex_more.objects.proposals import load_proposals

HAND = SHADOW_RIGHT


@pytest.fixture(scope="module")
def box():
    o = load_object_set()["box_00"]
    assert len(o.parts) == 1 and len(o.visual_vertices) == 8, "box_00 is an axis-aligned box"
    return o


def _box_distance(points: np.ndarray, half: np.ndarray) -> np.ndarray:
    """Signed distance [m] of points to the axis-aligned box |x| <= half, negative inside (analytic)."""
    q = np.abs(points) - half
    outside = np.linalg.norm(np.maximum(q, 0.0), axis=-1)
    return outside + np.minimum(q.max(-1), 0.0)


def test_contact_metrics_against_a_hand_computation(box):
    kin = HandKinematics(HAND)
    surface = metric_surface(HAND, kin)
    half = box.extents / 2
    q = np.zeros((1, len(kin.actuated_names)))
    quat = Rotation.from_euler("x", 180, degrees=True).as_quat()[None]  # palm down
    pts = hand_points(kin, surface, torch.tensor(q), torch.zeros(1, 3, dtype=kin.dtype),
                      torch.tensor(Rotation.from_quat(quat).as_matrix(), dtype=kin.dtype)).numpy()[0]
    lowest = pts[pts[:, 2].argmin()]
    # lower the hand until its lowest point is 3 mm inside the box's top face, above the face's centre
    wrist = np.array([-lowest[0], -lowest[1], half[2] - 0.003 - lowest[2]])[None]
    penetration, tips = grasp_contact_metrics(box, HAND, wrist, quat, q, kinematics=kin, surface=surface)
    placed = pts + wrist
    expect_pen = max(0.0, -_box_distance(placed, half).min())
    assert penetration[0] == pytest.approx(expect_pen, abs=1e-6) and expect_pen == pytest.approx(0.003, abs=1e-4)
    finger = surface.finger_of_point.numpy()
    for f in range(surface.num_fingers):
        assert tips[0, f] == pytest.approx(_box_distance(placed[finger == f], half).min(), abs=1e-6)


def test_synthesis_finds_proposals_that_pass_on_the_exact_mesh(box):
    cfg = GraspSynthesisCfg(candidates=8, iterations=200)
    result = synthesize_grasps(box, HAND, cfg, seed=0)
    assert np.all(result["energy"] < result["energy_start"])
    assert np.all(np.diff(result["energy"]) >= 0), "sorted by energy"
    np.testing.assert_allclose(np.linalg.norm(result["wrist_quat"], axis=-1), 1.0, atol=1e-5)
    penetration, tips = grasp_contact_metrics(box, HAND, result["wrist_pos"], result["wrist_quat"], result["joint_pos"])
    kept = keep_mask(penetration, tips)
    assert kept.sum() >= 1, (penetration * 1000, (np.abs(tips) <= 0.005).sum(1))
    assert np.all(penetration[kept] <= 0.002) and np.all((np.abs(tips[kept]) <= 0.005).sum(1) >= 3)
    # joints within their limits
    kin = HandKinematics(HAND)
    lo = np.array([kin.lower[kin.joint_names.index(n)] for n in kin.actuated_names])
    hi = np.array([kin.upper[kin.joint_names.index(n)] for n in kin.actuated_names])
    assert np.all(result["joint_pos"] >= lo - 1e-5) and np.all(result["joint_pos"] <= hi + 1e-5)


def test_closing_into_the_surface_pinches_a_ring_that_closing_towards_its_centre_lets_go():
    """torus_08 (a 14 cm ring, 1.5 cm thick) is held at its rim: its centre of mass lies in the hole, so fingertips
    moved towards it leave the rim (the exact fingertip distances grow, 27 → 56 mm summed), while fingertips moved
    into the surface along its normal press on it (27 → 20 mm)."""
    ring = load_object_set()["torus_08"]
    p = load_proposals(DEFAULT_OBJECT_SET, HAND.name)["torus_08"]
    pose = (p.wrist_pos[:1], p.wrist_quat[:1])
    _, before = grasp_contact_metrics(ring, HAND, *pose, p.joint_pos[:1])
    after = {toward: grasp_contact_metrics(ring, HAND, *pose, closing_targets(ring, HAND, *pose, p.joint_pos[:1],
                                                                               step=0.1, toward=toward))[1]
             for toward in ("com", "surface")}
    assert after["surface"].sum() < before.sum() - 0.005 < after["com"].sum() - 0.02, (before, after)
    with pytest.raises(ValueError, match="expected one of"):
        closing_targets(ring, HAND, *pose, p.joint_pos[:1], toward="palm")
