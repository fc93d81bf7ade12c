"""The bundled grasp proposals (data/objects/grasps_shadow_right.npz, made by scripts/make_grasps.py): every object of
the set has some, each passes DexGraspNet's acceptance (no penetration over 2 mm, at least 3 fingertips within 5 mm of
the surface) and held in simulation, the stored quality is what the exact measure gives, and the report agrees with
the archive. Their simulation is checked again in test_grasp_validation.py."""
from __future__ import annotations

import csv

import numpy as np
import pytest

from dex_more.assets import SHADOW_RIGHT
from dex_more.envs.grasp_validation import GraspValidationCfg
from dex_more.objects.grasps import CLOSING_MODES, MAX_PENETRATION, MIN_TIPS, TIP_CONTACT, grasp_contact_metrics
from dex_more.objects.object_set import DEFAULT_OBJECT_SET, load_object_set
from dex_more.objects.proposals import load_proposals, report_path

HAND = SHADOW_RIGHT


@pytest.fixture(scope="module")
def bundled():
    return load_object_set(), load_proposals(DEFAULT_OBJECT_SET, HAND.name)


def test_every_object_has_proposals_that_pass_the_acceptance(bundled):
    objects, proposals = bundled
    assert sorted(proposals) == sorted(objects.names), sorted(set(objects.names) - set(proposals))
    cfg = GraspValidationCfg()
    for name, p in proposals.items():
        assert p.penetration.max() <= MAX_PENETRATION, name
        assert ((np.abs(p.tips) <= TIP_CONTACT).sum(1) >= MIN_TIPS).all(), name
        assert (p.shift < cfg.max_settle).all(), name
        np.testing.assert_allclose(np.linalg.norm(p.wrist_quat, axis=1), 1.0, atol=1e-5, err_msg=name)


def test_the_stored_quality_is_the_exact_measure(bundled):
    """One proposal per family, measured again on the mesh: the archive holds what the exact check measured."""
    objects, proposals = bundled
    first = {}
    for name in objects.names:
        first.setdefault(objects[name].family, name)
    assert len(first) >= 6
    for name in first.values():
        p = proposals[name]
        penetration, tips = grasp_contact_metrics(objects[name], HAND, p.wrist_pos[:1], p.wrist_quat[:1],
                                                  p.joint_pos[:1])
        np.testing.assert_allclose(penetration, p.penetration[:1], atol=1e-5, err_msg=name)
        np.testing.assert_allclose(tips, p.tips[:1], atol=1e-5, err_msg=name)


def test_the_report_lists_every_object_with_the_archive_counts(bundled):
    objects, proposals = bundled
    with open(report_path(DEFAULT_OBJECT_SET, HAND.name), newline="") as f:
        rows = {r["object"]: r for r in csv.DictReader(f)}
    assert sorted(rows) == sorted(objects.names)
    for name, row in rows.items():
        assert int(row["kept"]) == len(proposals[name]) == int(row["held"]), name
        assert int(row["held"]) <= int(row["passed_exact"]) <= int(row["candidates"]), name
        assert row["family"] == objects[name].family and row["split"] == objects[name].split, name
        assert row["closing"] in CLOSING_MODES, name
        assert float(row["penetration_mm_max"]) == pytest.approx(1000 * proposals[name].penetration.max(), abs=0.01)
