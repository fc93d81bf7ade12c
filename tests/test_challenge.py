"""The whole-manifest challenge recipe (scripts/challenge.py): grouping, and an interrupted recipe started again goes
on where it stopped (kept imitator, resumed training, the table)."""
from __future__ import annotations

import glob
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from dex_more.challenge import group_clips
from dex_more.motion.library import DEFAULT_MANIFEST

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_clips_group_per_sequence_or_by_hands_and_objects(tmp_path):
    per_clip = group_clips(DEFAULT_MANIFEST)
    assert all(len(g.clips) == 1 for g in per_clip)
    assert {g.clips[0] for g in per_clip} == {"right_grasp_box", "right_move_cylinder", "right_place_box",
                                              "right_rotate_box", "left_move_cylinder", "left_rotate_box",
                                              "bimanual_carry_box_0", "bimanual_carry_box_1", "bimanual_two_objects"}
    assert {g.task for g in per_clip if g.clips[0].startswith("bimanual")} == {"Dex-HOTrack-Bimanual-v0"}
    # a manifest with two clips of the same box (one file listed twice) and a cylinder clip
    with open(DEFAULT_MANIFEST) as fh:
        entries = {e["name"]: e for e in json.load(fh)["clips"]}
    demos = os.path.dirname(DEFAULT_MANIFEST)
    clips = [dict(entries["right_grasp_box"], file=os.path.join(demos, "right_grasp_box.npz")),
             dict(entries["right_grasp_box"], file=os.path.join(demos, "right_grasp_box.npz"), name="again"),
             dict(entries["right_move_cylinder"], file=os.path.join(demos, "right_move_cylinder.npz"))]
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"format_version": 1, "clips": clips}))
    groups = group_clips(str(manifest), by="objects")
    assert [g.clips for g in groups] == [["right_grasp_box", "again"], ["right_move_cylinder"]]
    assert [g.task for g in groups] == ["Dex-HOTrack-Right-v0"] * 2
    assert [len(g.clips) for g in group_clips(str(manifest))] == [1, 1, 1]
    with pytest.raises(ValueError, match="nope"):
        group_clips(DEFAULT_MANIFEST, names=["nope"])


def _recipe(out: str, **popen):
    return subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "challenge.py"), "--out", out,
                             "--names", "right_move_cylinder", "--imitator_iterations", "1",
                             "--residual_iterations", "6", "--num_envs", "2", "agent.num_steps_per_env=8",
                             "agent.save_interval=1"], cwd=ROOT, text=True, **popen)


@pytest.mark.slow  # ~70 s of subprocesses: kept out of the fast suite's 15-minute budget
def test_an_interrupted_recipe_goes_on_where_it_stopped(tmp_path):
    out = str(tmp_path / "recipe")
    first = _recipe(out, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    group = os.path.join(out, "groups", "right_move_cylinder")
    deadline = time.monotonic() + 400
    while not glob.glob(os.path.join(group, "**", "model_1.pt"), recursive=True):  # mid-training of the first group
        assert first.poll() is None and time.monotonic() < deadline, "the recipe stopped before its first residual"
        time.sleep(0.1)
    os.killpg(first.pid, signal.SIGKILL)  # the whole process group, as a lost machine (no clean-up runs)
    first.wait()
    interrupted = {p: os.path.getmtime(p) for p in glob.glob(os.path.join(out, "**", "model_*.pt"), recursive=True)}
    assert len(glob.glob(os.path.join(group, "**", "model_5.pt"), recursive=True)) == 0  # it did not finish

    second = _recipe(out, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log, _ = second.communicate(timeout=900)
    assert second.returncode == 0, log[-3000:]
    # the imitator is kept, the interrupted training resumed (a second run starting after the last checkpoint)
    assert len(glob.glob(os.path.join(out, "imitators", "right", "logs", "rsl_rl", "*", "*", ""))) == 1
    runs = sorted(glob.glob(os.path.join(group, "logs", "rsl_rl", "*", "*", "")))
    assert len(runs) == 2
    resumed = sorted(int(os.path.basename(p)[6:-3]) for p in glob.glob(os.path.join(runs[1], "model_*.pt")))
    done_before = max(int(os.path.basename(p)[6:-3]) for p in glob.glob(os.path.join(runs[0], "model_*.pt")))
    assert resumed[0] > 0 and resumed[-1] == 5 and resumed[0] <= done_before + 2
    assert all(os.path.getmtime(p) == t for p, t in interrupted.items())  # nothing the first start wrote is touched
    with open(os.path.join(out, "eval", "evaluation.json")) as fh:
        report = json.load(fh)
    assert [c["clip"] for c in report["clips"]] == ["right_move_cylinder"]
    assert report["table"]["Right"]["rollouts"] == 1 and report["table"]["Overall"]["rollouts"] == 1
    assert report["meta"]["groups"]["right_move_cylinder"].endswith("model_5.pt")
    assert "Overall" in log
