"""Challenge metrics against hand computations, and scripts/evaluate.py end to end (CLI, files, errors)."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch
from scipy.spatial.transform import Rotation

from dex_more.metrics import fingertip_error_cm, keypoint_error_cm, rotation_error_deg, success_rate, translation_error_cm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _q(deg, axis=(0, 0, 1)):
    return torch.tensor(Rotation.from_rotvec(np.radians(deg) * np.asarray(axis, float)).as_quat(), dtype=torch.float64)


def test_translation_error_of_a_known_offset():
    p = torch.tensor([[0.1, 0.2, 0.3]], dtype=torch.float64)
    assert float(translation_error_cm(p + torch.tensor([0.006, 0.008, 0.0]), p)) == pytest.approx(1.0)


def test_rotation_error_is_geodesic_and_sign_free():
    assert float(rotation_error_deg(_q(90), _q(0))) == pytest.approx(90.0, abs=1e-6)
    assert float(rotation_error_deg(_q(350), _q(0))) == pytest.approx(10.0, abs=1e-6)  # min(θ, 360 − θ)
    assert float(rotation_error_deg(-_q(30, (1, 1, 0)), _q(30, (1, 1, 0)))) == pytest.approx(0.0, abs=1e-5)
    assert float(rotation_error_deg(_q(180), _q(0))) == pytest.approx(180.0, abs=1e-6)


def test_rotation_error_is_exact_in_float32_near_0_and_180_degrees():
    """E_r of float32 quaternions against the same quaternions' angle in float64: 2·acos(|<q, r>|) in float32
    reads rotations of 0.001-0.02° as 0 (acos is flat at 1); the atan2 form keeps them to 1e-4°."""
    rng = np.random.default_rng(0)
    angles = np.r_[np.geomspace(1e-3, 0.1, 40), 180.0 - np.geomspace(1e-3, 0.1, 40)]  # degrees
    axes = rng.normal(size=(len(angles), 3))
    axes /= np.linalg.norm(axes, axis=1, keepdims=True)
    ref = Rotation.random(len(angles), random_state=1)
    q = (Rotation.from_rotvec(np.radians(angles)[:, None] * axes) * ref).as_quat()
    q32, r32 = torch.tensor(q, dtype=torch.float32), torch.tensor(ref.as_quat(), dtype=torch.float32)
    exact = rotation_error_deg(q32.double(), r32.double())  # the float32 inputs' own angle, in float64
    got = rotation_error_deg(q32, r32)
    assert got.dtype == torch.float32
    assert float((got.double() - exact).abs().max()) < 1e-4
    assert torch.allclose(exact, torch.tensor(angles), atol=1e-4)  # the float32 inputs are the intended rotations
    naive = torch.rad2deg(2 * torch.acos((q32 * r32).sum(-1).abs().clamp(max=1)))
    assert float((naive.double() - exact)[:40].abs().max()) > 1e-2  # what the old formula lost


def test_keypoint_and_fingertip_errors_of_known_offsets_and_mirrored_hands():
    ref = torch.randn(2, 21, 3, dtype=torch.float64)
    kp = ref + torch.tensor([0.0, 0.01, 0.0], dtype=torch.float64)  # every keypoint 1 cm off
    assert torch.allclose(keypoint_error_cm(kp, ref), torch.ones(2, dtype=torch.float64))
    tips_only = ref.clone()
    tips_only[:, [4, 8, 12, 16, 20], 2] += 0.02
    assert torch.allclose(fingertip_error_cm(tips_only, ref), torch.full((2,), 2.0, dtype=torch.float64))
    assert torch.allclose(keypoint_error_cm(tips_only, ref), torch.full((2,), 2.0 * 5 / 21, dtype=torch.float64))
    # a mirrored hand against its mirrored reference scores the same as the original pair
    M = torch.tensor([-1.0, 1.0, 1.0], dtype=torch.float64)
    assert torch.allclose(keypoint_error_cm(kp * M, ref * M), keypoint_error_cm(kp, ref))
    # unmapped keypoints (Allegro's pinky) are left out of the mean
    mask = torch.ones(21, dtype=torch.bool)
    mask[17:] = False
    far = kp.clone()
    far[:, 17:] += 1.0
    assert torch.allclose(keypoint_error_cm(far, ref, mask), torch.ones(2, dtype=torch.float64))
    assert success_rate(torch.tensor([True, False, True, True])) == pytest.approx(0.75)


def test_per_sequence_evaluations_aggregate_into_the_challenge_table():
    """Three clips evaluated by different policies (the whole-manifest recipe) -> one table, by hand: metrics over
    successful rollouts weighted by successes, SR over rollouts, frames and the all-rollout diagnostics weighted by
    rollouts; a row without a success shows its diagnostics, marked."""
    import math

    from dex_more.evaluation import DIAGNOSTIC_NOTE, ClipResult, format_table, summarize

    def clip(name, category, lengths, successes, e_t, all_e_t):
        m = {"E_r": 10.0, "E_t": e_t, "E_j": 1.0, "E_ft": 2.0}
        return ClipResult(name, category, len(lengths), successes, lengths, m if successes else dict.fromkeys(m, math.nan),
                          {"E_r": 20.0, "E_t": all_e_t, "E_j": 1.5, "E_ft": 3.0})

    results = [clip("a", "Right", [100, 40], 1, 1.0, 3.0), clip("b", "Right", [50] * 4, 3, 2.0, 2.5),
               clip("c", "Bimanual", [10, 20], 0, math.nan, 5.0)]
    t = summarize(results)
    assert t["Right"]["E_t"] == pytest.approx((1 * 1.0 + 3 * 2.0) / 4)
    assert t["Right"]["SR"] == pytest.approx(4 / 6) and t["Right"]["rollouts"] == 6
    assert t["Right"]["frames"] == pytest.approx((140 + 200) / 6)
    assert t["Right"]["all_E_t"] == pytest.approx((3.0 * 2 + 2.5 * 4) / 6)
    assert math.isnan(t["Bimanual"]["E_t"]) and t["Bimanual"]["SR"] == 0.0
    assert t["Bimanual"]["frames"] == pytest.approx(15.0) and t["Bimanual"]["all_E_t"] == pytest.approx(5.0)
    assert t["Overall"]["E_t"] == pytest.approx(1.75) and t["Overall"]["SR"] == pytest.approx(0.5)
    assert t["Overall"]["frames"] == pytest.approx(370 / 8)
    assert t["Overall"]["all_E_t"] == pytest.approx((6.0 + 10.0 + 10.0) / 8)
    assert t["Left"]["rollouts"] == 0 and math.isnan(t["Left"]["SR"])
    rows = {line.split()[0]: line for line in format_table(t).splitlines()[1:] if line and not line.startswith("(")}
    assert "(5.000)" in rows["Bimanual"] and "(" not in rows["Right"] and "1.750" in rows["Right"]
    assert rows["Left"].split()[1:] == ["-", "-", "-", "-", "-", "0", "-"]
    assert format_table(t).splitlines()[-1] == DIAGNOSTIC_NOTE
    assert DIAGNOSTIC_NOTE not in format_table(summarize(results[:2]))


# ------------------------------------------------------------------------------------------------ evaluate.py


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A 2-iteration imitator checkpoint and a one-clip manifest."""
    from test_hotrack import train_in_process

    root = str(tmp_path_factory.mktemp("eval"))
    ckpt = train_in_process("Dex-HOTrack-Imitator-v0", root)
    clips = os.path.join(root, "clips")
    os.makedirs(clips)
    shutil.copy(os.path.join(ROOT, "data", "demos", "right_grasp_box.npz"), clips)
    with open(os.path.join(clips, "manifest.json"), "w") as f:
        json.dump({"format_version": 1, "clips": [{"file": "right_grasp_box.npz", "name": "right_grasp_box",
                                                   "split": "validation", "sides": ["right"], "num_objects": 1}]}, f)
    return root, ckpt, os.path.join(clips, "manifest.json")


def _evaluate(*args):
    return subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "evaluate.py"), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_evaluate_writes_the_documented_table_and_is_reproducible(trained):
    root, ckpt, manifest = trained
    outs = []
    for k in range(2):
        out = os.path.join(root, f"eval{k}")
        r = _evaluate("--task", "Dex-HOTrack-Imitator-v0", "--checkpoint", ckpt, "--clips", manifest,
                      "--rollouts", "2", "--seed", "3", "--out", out)
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
        assert "E_r (deg)" in r.stdout and "Overall" in r.stdout
        outs.append(out)
    with open(os.path.join(outs[0], "evaluation.csv")) as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["row", "E_r", "E_t", "E_j", "E_ft", "SR", "rollouts", "frames", "all_E_r", "all_E_t", "all_E_j",
                       "all_E_ft"]
    assert [r[0] for r in rows[1:]] == ["Left", "Right", "Bimanual", "Overall"]
    col = rows[0].index("rollouts")
    assert rows[2][col] == "2" and rows[1][col] == "0"
    with open(os.path.join(outs[0], "per_clip.csv")) as f:
        per_clip = list(csv.DictReader(f))
    assert [c["clip"] for c in per_clip] == ["right_grasp_box"]
    a, b = (json.load(open(os.path.join(o, "evaluation.json"))) for o in outs)
    assert a["table"] == b["table"] and a["clips"] == b["clips"]  # same seed -> same numbers
    assert a["clips"][0]["all_rollout_metrics"]["E_ft"] > 0


@pytest.mark.parametrize("case", ["missing_checkpoint", "other_task", "missing_clip_file"])
def test_evaluate_fails_clearly_and_writes_nothing(trained, case):
    root, ckpt, manifest = trained
    out = os.path.join(root, f"bad_{case}")
    task, ck, clips = "Dex-HOTrack-Imitator-v0", ckpt, manifest
    if case == "missing_checkpoint":
        ck = os.path.join(root, "nope", "model_7.pt")
        expect = "does not exist"
    elif case == "other_task":
        task = "Dex-HOTrack-Imitator-Left-v0"
        expect = "was trained on 'Dex-HOTrack-Imitator-v0'"
    else:
        bad = os.path.join(root, "bad_manifest.json")
        with open(bad, "w") as f:
            json.dump({"format_version": 1, "clips": [{"file": "gone.npz", "name": "gone", "split": "train",
                                                       "sides": ["right"]}]}, f)
        clips = bad
        expect = "gone.npz"
    r = _evaluate("--task", task, "--checkpoint", ck, "--clips", clips, "--out", out)
    assert r.returncode != 0
    assert expect in r.stderr + r.stdout
    assert not os.path.exists(out)


def test_lambda_plot_of_a_hyper_policy_evaluation(tmp_path):
    from dex_more.evaluation import ClipResult, write_report

    r = ClipResult("clip", "Right", 1, 1, [50], {"E_r": 1.0, "E_t": 0.5, "E_j": 1.0, "E_ft": 1.0}, {},
                   {"lambda": [[0.5, 0.5], [0.7, 0.3], [0.9, 0.1]]})
    paths = write_report([r], {}, str(tmp_path), {})
    png = [p for p in paths if p.endswith("hyper_policy_lambda.png")]
    assert png and open(png[0], "rb").read()[:4] == b"\x89PNG"
