"""Grasp proposals on disk (dex_more.objects.proposals): the round trip, and every malformed archive named by file
and field; the synthesiser's start poses put the thumb across the object's narrowest width."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from dex_more.assets import SHADOW_RIGHT
from dex_more.motion.hand_model import HandKinematics, rot6d_to_matrix
from dex_more.objects.grasps import GraspSynthesisCfg, _initial_poses, _palm_frame
from dex_more.objects.object_set import ObjectFormatError, load_object_set
from dex_more.objects.proposals import GraspProposals, load_proposals, proposals_path, save_proposals

HAND = SHADOW_RIGHT
A, F = len(HAND.finger_joint_names), len(HAND.fingertip_body_names)


def _proposals(g: int, seed: int = 0) -> GraspProposals:
    rng = np.random.default_rng(seed)
    quat = rng.normal(size=(g, 4))
    return GraspProposals(wrist_pos=rng.normal(size=(g, 3)) * 0.1, wrist_quat=quat / np.linalg.norm(quat, axis=1)[:, None],
                          joint_pos=rng.uniform(0, 1, size=(g, A)), penetration=rng.uniform(0, 2e-3, size=g),
                          tips=rng.uniform(-2e-3, 5e-3, size=(g, F)), shift=rng.uniform(0, 0.02, size=g))


def test_proposals_round_trip(tmp_path):
    written = {"box_00": _proposals(3), "mug_01": _proposals(1, seed=1), "empty": _proposals(0)}
    save_proposals(proposals_path(str(tmp_path)), HAND.name, written)
    read = load_proposals(str(tmp_path))
    assert sorted(read) == ["box_00", "mug_01"], "an object without proposals is left out"
    for name, p in read.items():
        for key in ("wrist_pos", "wrist_quat", "joint_pos", "penetration", "tips", "shift"):
            np.testing.assert_allclose(getattr(p, key), getattr(written[name], key), rtol=1e-6, atol=1e-7)


def _rewrite(tmp_path, change) -> str:
    path = proposals_path(str(tmp_path))
    save_proposals(path, HAND.name, {"box_00": _proposals(2)})
    with np.load(path) as f:
        arrays = {k: f[k] for k in f.files}
    change(arrays)
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize("change, field", [
    (lambda a: a.pop("box_00/joint_pos"), "box_00/joint_pos"),
    (lambda a: a.update({"box_00/joint_pos": a["box_00/joint_pos"][:, :-1]}), "box_00/joint_pos"),
    (lambda a: a.update({"box_00/wrist_quat": a["box_00/wrist_quat"] * 2}), "box_00/wrist_quat"),
    (lambda a: a.update({"box_00/shift": np.array([np.nan, 0.0])}), "box_00/shift"),
    (lambda a: a.update({"box_00/tips": a["box_00/tips"][:1]}), "box_00/tips"),
    (lambda a: a.update({"hand": np.array("allegro_right")}), "hand"),
    (lambda a: a.update({"joint_names": a["joint_names"][::-1]}), "joint_names"),
    (lambda a: a.pop("joint_names"), "joint_names"),
])
def test_a_malformed_archive_names_file_and_field(tmp_path, change, field):
    path = _rewrite(tmp_path, change)
    with pytest.raises(ObjectFormatError) as e:
        load_proposals(str(tmp_path))
    assert e.value.source == path and e.value.field == field


def test_a_missing_or_corrupt_archive_says_how_to_rebuild(tmp_path):
    with pytest.raises(FileNotFoundError, match="make_grasps.py"):
        load_proposals(str(tmp_path))
    path = proposals_path(str(tmp_path))
    save_proposals(path, HAND.name, {"box_00": _proposals(2)})
    data = open(path, "rb").read()
    open(path, "wb").write(data[: len(data) // 2])
    with pytest.raises(ObjectFormatError, match="unreadable"):
        load_proposals(str(tmp_path))


def test_start_poses_put_the_thumb_across_the_narrowest_width():
    """box_00 seen from above: the thumb-to-fingers direction of every top-down start pose lies along the box's
    shorter horizontal side, within the roll jitter."""
    box = load_object_set()["box_00"]
    half = box.extents / 2
    assert abs(half[0] - half[1]) > 0.005, "the box's horizontal sides differ"
    narrow = np.eye(3)[int(np.argmin(half[:2]))]
    kin = HandKinematics(HAND, dtype=torch.float32)
    cfg = GraspSynthesisCfg(candidates=64)
    _, r6, _ = _initial_poses(box, kin, HAND, cfg, torch.Generator().manual_seed(0))
    R = rot6d_to_matrix(r6)
    _, normal, opposition = _palm_frame(kin, HAND)
    approach = -(R @ normal)  # palm normal points at the object: the approach direction d
    top = approach[:, 2] > 0.95
    assert top.sum() >= 3
    opp = (R @ opposition)[top]
    opp = opp - (opp @ torch.tensor([0.0, 0.0, 1.0]))[:, None] * torch.tensor([0.0, 0.0, 1.0])
    cos = (opp / opp.norm(dim=-1, keepdim=True)) @ torch.tensor(narrow, dtype=torch.float32)
    # the default jitter (20 degrees), plus the few degrees the approach leans off vertical
    assert cfg.roll_jitter_deg == 20.0
    assert float(cos.abs().min()) >= np.cos(np.deg2rad(28)), cos
    # both ways round
    assert float(cos.max()) > 0 > float(cos.min())
