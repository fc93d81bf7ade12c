"""The learning benchmark's report (benchmarks/learning.py) computes its seed bands and findings from the runs'
numbers: checked on made-up runs whose answers are known."""
from __future__ import annotations

import importlib.util
import math
import os

import numpy as np
import pytest

from dex_more.evaluation import ClipResult

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def learning():
    spec = importlib.util.spec_from_file_location("learning", os.path.join(ROOT, "benchmarks", "learning.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_band_is_median_min_max_on_the_iterations_every_seed_logged(learning):
    a = np.array([[0, 1.0], [1, 2.0], [2, 3.0]])
    b = np.array([[0, 3.0], [1, 4.0]])  # a seed that stopped one iteration earlier
    c = np.array([[0, 2.0], [1, 9.0], [2, 0.0]])
    it, med, lo, hi = learning.seed_band([a, b, c])
    assert it.tolist() == [0, 1]
    assert med.tolist() == [2.0, 4.0] and lo.tolist() == [1.0, 2.0] and hi.tolist() == [3.0, 9.0]


def _result(successes: int, e_ft: float, frames: int) -> ClipResult:
    return ClipResult("c", "Right", 4, successes, [frames] * 4, {"E_ft": e_ft if successes else math.nan},
                      {"E_ft": e_ft})


def _logs(loads: list[float], entropy: float) -> dict:
    s = {f"Loss/moe_load_expert_{i}": np.array([[0, 0.25], [9, v]]) for i, v in enumerate(loads)}
    s["Loss/moe_router_entropy"] = np.array([[9, entropy]])
    return s


def test_findings_compare_more_with_the_mlp_and_judge_the_router(learning):
    clip = next(iter(learning.CLIPS))
    final = {(clip, "more"): [_result(0, 1.0, 60)], (clip, "mlp"): [_result(0, 2.0, 50)],
             (clip, "scratch"): [_result(0, 0.5, 40)]}
    logs = {clip: {"more": [_logs([0.8, 0.1, 0.05, 0.05], math.log(4) / 2)], "mlp": [{}], "scratch": [{}]}}
    text = "\n".join(learning.findings(final, logs))
    assert "same SR (0.00)" in text and "1.00 cm vs 2.00 cm" in text and "60 vs 50 frames" in text
    assert "Without an imitator" in text  # 0.5 cm beats both residuals
    assert "80% of the training steps" in text and "NOT met" in text and "0.50 of ln 4" in text
    final[(clip, "more")] = [_result(2, 1.0, 60)]
    final[(clip, "scratch")] = [_result(0, 3.0, 40)]
    logs[clip]["more"] = [_logs([0.3, 0.3, 0.2, 0.2], math.log(4))]
    text = "\n".join(learning.findings(final, logs))
    assert "MoRE beats the single residual MLP on SR (0.50 vs 0.00)" in text
    assert "Without an imitator" not in text and "(limit 70%: met)" in text
