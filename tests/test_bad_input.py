"""Every malformed input of every format is one clear error of the project, and nothing on disk changes.

One parametrised test per format (ManipTrans pickles, HO-Tracker folders, HOT .pt motions, dex_more clip files,
clip manifests, checkpoints and run folders). Each case writes a valid file, breaks one thing, and checks that
reading it raises the project's error (or FileNotFoundError) naming the user's file and the field as stored in
it, and that the folder holds exactly what it held before the call.
"""
from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import torch
from scipy.spatial.transform import Rotation

from dex_more.errors import DataFormatError
from dex_more.mano import MANO_KEYPOINT_NAMES
from dex_more.motion import HandTrack, ObjectTrack, ReferenceMotion, load_hot, load_hotracker, load_maniptrans
from dex_more.motion.library import read_manifest
from dex_more.rl.checkpoints import (TRAINING_STATE_KEYS, check_checkpoint, read_actor_cfg, read_checkpoint,
                                     run_dir_imitators)

T = 10
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _snapshot(folder) -> dict:
    """Every file under ``folder`` with its size and modification time."""
    out = {}
    for dirpath, _, files in os.walk(folder):
        for f in files:
            p = os.path.join(dirpath, f)
            st = os.stat(p)
            out[p] = (st.st_size, st.st_mtime_ns)
    return out


def _expect(fn, folder, field: str, source: str, error=DataFormatError):
    """``fn()`` raises ``error`` whose message names ``source`` and ``field``; ``folder`` is unchanged."""
    before = _snapshot(folder)
    with pytest.raises(error) as e:
        fn()
    msg = str(e.value)
    assert source in msg, msg
    assert field in msg, msg
    if isinstance(e.value, DataFormatError):
        assert e.value.field == field or field in e.value.field, (e.value.field, field)
    assert _snapshot(folder) == before
    return e.value


# ------------------------------------------------------------------------------------------------ ManipTrans


def _maniptrans(T=T):
    rng = np.random.default_rng(0)
    rot = rng.normal(0, 0.3, (T, 3))
    obj = np.tile(np.eye(4), (T, 1, 1))
    obj[:, :3, :3] = Rotation.from_rotvec(rot).as_matrix()
    return {"wrist_pos": rng.normal(0, 0.1, (T, 3)), "wrist_rot": rot, "obj_trajectory": obj, "obj_id": "cup",
            "mano_joints": {n: rng.normal(0, 0.1, (T, 3)) for n in MANO_KEYPOINT_NAMES[1:]}}


def _set(d, key, value):
    d[key] = value


def _set_rot(d, frame, R):
    d["obj_trajectory"][frame, :3, :3] = R


MANIPTRANS_CASES = {
    "missing wrist_pos": ("wrist_pos", lambda d: d.pop("wrist_pos")),
    "zero frames": ("wrist_pos", lambda d: d.update(wrist_pos=np.zeros((0, 3)), wrist_rot=np.zeros((0, 3)))),
    "wrist_pos a string": ("wrist_pos", lambda d: _set(d, "wrist_pos", "0 0 0")),
    "wrist_pos None": ("wrist_pos", lambda d: _set(d, "wrist_pos", None)),
    "wrist_pos a scalar": ("wrist_pos", lambda d: _set(d, "wrist_pos", 3.0)),
    "wrist_pos ragged": ("wrist_pos", lambda d: _set(d, "wrist_pos", [[0, 0, 0], [0, 0]])),
    "wrist_pos object array": ("wrist_pos", lambda d: _set(d, "wrist_pos", np.array([None] * 3 * T).reshape(T, 3))),
    "wrist_pos digit strings": ("wrist_pos", lambda d: _set(d, "wrist_pos", d["wrist_pos"].astype(str))),
    "wrist_pos complex": ("wrist_pos", lambda d: _set(d, "wrist_pos", d["wrist_pos"] + 1j)),
    "wrist_rot frame count": ("wrist_rot", lambda d: _set(d, "wrist_rot", d["wrist_rot"][:-1])),
    "NaN inside a rotation": ("wrist_rot", lambda d: d["wrist_rot"].__setitem__((4, 1), np.nan)),
    "mano_joints a list": ("mano_joints", lambda d: _set(d, "mano_joints", list(d["mano_joints"].values()))),
    "keypoint missing": ("mano_joints/pinky_tip", lambda d: d["mano_joints"].pop("pinky_tip")),
    "keypoint unknown": ("mano_joints", lambda d: d["mano_joints"].__setitem__("elbow", np.zeros((T, 3)))),
    "keypoint frame count": ("mano_joints/index_tip", lambda d: d["mano_joints"].__setitem__("index_tip",
                                                                                            np.zeros((T + 2, 3)))),
    "timestamps frame count": ("timestamps", lambda d: _set(d, "timestamps", np.arange(T + 3) / 60)),
    "timestamps a string": ("timestamps", lambda d: _set(d, "timestamps", "60 Hz")),
    "timestamps a scalar": ("timestamps", lambda d: _set(d, "timestamps", 0.016)),
    "timestamps go back": ("timestamps", lambda d: _set(d, "timestamps", np.r_[0, 2, 1, 3:T] / 60)),
    "object reflection": ("obj_trajectory", lambda d: _set_rot(d, 3, np.diag([1.0, 1.0, -1.0]))),
    "object NaN rotation": ("obj_trajectory", lambda d: d["obj_trajectory"].__setitem__((2, 0, 1), np.nan)),
    "object last row": ("obj_trajectory", lambda d: d["obj_trajectory"].__setitem__((5, 3, 0), 1.0)),
    "object frame count": ("obj_trajectory", lambda d: _set(d, "obj_trajectory", d["obj_trajectory"][:4])),
    "obj_id a list": ("obj_id", lambda d: _set(d, "obj_id", ["cup"])),
}


@pytest.mark.parametrize("case", sorted(MANIPTRANS_CASES))
def test_maniptrans_pickles(tmp_path, case):
    field, breaks = MANIPTRANS_CASES[case]
    d = _maniptrans()
    assert load_maniptrans(d).num_frames == T  # the unbroken dict loads
    breaks(d)
    path = tmp_path / "clip.pkl"
    path.write_bytes(pickle.dumps(d))
    _expect(lambda: load_maniptrans(str(path)), tmp_path, field, str(path))


@pytest.mark.parametrize("case", ["truncated", "a list", "a folder", "missing", "fps a string", "side"])
def test_maniptrans_files(tmp_path, case):
    path = tmp_path / "clip.pkl"
    path.write_bytes(pickle.dumps(_maniptrans()))
    kwargs, field, error = {}, "<file>", DataFormatError
    if case == "truncated":
        path.write_bytes(path.read_bytes()[:200])
    elif case == "a list":
        path.write_bytes(pickle.dumps([1, 2]))
    elif case == "a folder":
        path.unlink()
        path.mkdir()
    elif case == "missing":
        path.unlink()
        field, error = "clip.pkl", FileNotFoundError
    elif case == "fps a string":
        kwargs, field = {"fps": "60"}, "fps"
    else:
        kwargs, field = {"side": "middle"}, "side"
    _expect(lambda: load_maniptrans(str(path), **kwargs), tmp_path, field, str(path), error)


# ------------------------------------------------------------------------------------------------ HO-Tracker


def _hotracker(folder, T=T, sides=("right", "left")):
    os.makedirs(folder, exist_ok=True)
    d = _maniptrans(T)
    for side in sides:
        hand = {k: d[k] for k in ("wrist_pos", "wrist_rot", "mano_joints")}
        with open(os.path.join(folder, f"{side}_hand.pkl"), "wb") as f:
            pickle.dump(hand, f)
        with open(os.path.join(folder, f"{side}_obj.pkl"), "wb") as f:
            pickle.dump({"obj_trajectory": d["obj_trajectory"], "obj_id": "cup"}, f)
    return folder


def _rewrite(path, change):
    with open(path, "rb") as f:
        d = pickle.load(f)
    change(d)
    with open(path, "wb") as f:
        pickle.dump(d, f)


HOTRACKER_CASES = {
    # case: (file that is named, field, how to break the folder)
    "no hand file": ("", "{side}_hand.pkl", lambda p: [os.remove(os.path.join(p, f)) for f in os.listdir(p)
                                                         if f.endswith("_hand.pkl")]),
    "object file missing": ("", "right_obj.pkl", lambda p: os.remove(os.path.join(p, "right_obj.pkl"))),
    "object file corrupt": ("right_obj.pkl", "<file>", lambda p: open(os.path.join(p, "right_obj.pkl"), "wb").write(
        b"\x80\x04garbage")),
    "hand file not a dict": ("left_hand.pkl", "<file>", lambda p: open(os.path.join(p, "left_hand.pkl"), "wb").write(
        pickle.dumps((1, 2)))),
    "hand file is a folder": ("right_hand.pkl", "<file>", lambda p: (os.remove(os.path.join(p, "right_hand.pkl")),
                                                                     os.mkdir(os.path.join(p, "right_hand.pkl")))),
    "hands of different lengths": ("", "left_hand.pkl", lambda p: _hotracker(p, T=T + 4, sides=("left",))),
    "object shorter than its hand": ("right_obj.pkl", "obj_trajectory", lambda p: _rewrite(
        os.path.join(p, "right_obj.pkl"), lambda d: d.update(obj_trajectory=d["obj_trajectory"][:3]))),
    "urdf folder is a file": ("", "right_urdf", lambda p: open(os.path.join(p, "right_urdf"), "w").write("x")),
    "urdf folder empty": ("", "right_urdf/", lambda p: os.mkdir(os.path.join(p, "right_urdf"))),
    "zero frames": ("right_hand.pkl", "wrist_pos", lambda p: _rewrite(
        os.path.join(p, "right_hand.pkl"), lambda d: d.update(wrist_pos=np.zeros((0, 3)), wrist_rot=np.zeros((0, 3))))),
    "NaN object rotation": ("left_obj.pkl", "obj_trajectory", lambda p: _rewrite(
        os.path.join(p, "left_obj.pkl"), lambda d: d["obj_trajectory"].__setitem__((1, 1, 1), np.nan))),
    "NaN wrist rotation": ("left_hand.pkl", "wrist_rot", lambda p: _rewrite(
        os.path.join(p, "left_hand.pkl"), lambda d: d["wrist_rot"].__setitem__((0, 0), np.inf))),
    "mano_joints not a dict": ("right_hand.pkl", "mano_joints", lambda p: _rewrite(
        os.path.join(p, "right_hand.pkl"), lambda d: d.update(mano_joints=None))),
    "obj_id not a string": ("right_obj.pkl", "obj_id", lambda p: _rewrite(
        os.path.join(p, "right_obj.pkl"), lambda d: d.update(obj_id={"id": 3}))),
    "wrist_rot strings": ("right_hand.pkl", "wrist_rot", lambda p: _rewrite(
        os.path.join(p, "right_hand.pkl"), lambda d: d.update(wrist_rot=d["wrist_rot"].astype(str)))),
}


@pytest.mark.parametrize("case", sorted(HOTRACKER_CASES))
def test_hotracker_folders(tmp_path, case):
    named, field, breaks = HOTRACKER_CASES[case]
    seq = _hotracker(str(tmp_path / "h2o1_seq"))
    assert load_hotracker(seq).sides == ("right", "left")
    breaks(seq)
    _expect(lambda: load_hotracker(seq), tmp_path, field, os.path.join(seq, named) if named else seq)


def test_hotracker_path_kinds(tmp_path):
    f = tmp_path / "not_a_folder.pkl"
    f.write_bytes(b"x")
    err = _expect(lambda: load_hotracker(str(f)), tmp_path, "<folder>", str(f))
    assert "a file" in err.found
    _expect(lambda: load_hotracker(str(tmp_path / "nope")), tmp_path, "nope", str(tmp_path / "nope"), FileNotFoundError)


# ------------------------------------------------------------------------------------------------ HOT


def _hot(T=T):
    q = Rotation.from_rotvec(np.random.default_rng(1).normal(0, 0.3, (T, 3))).as_quat()
    return {"root_pos": torch.zeros(T, 3), "root_rot": torch.tensor(q), "wrist_dof": torch.zeros(T, 3),
            "fingers_dof": torch.zeros(T, 18), "body_pos": torch.zeros(T, 21, 3), "obj_pos": torch.zeros(T, 3),
            "obj_rot": torch.tensor(q), "contact1": torch.zeros(T), "obj_name": "mug"}


HOT_CASES = {
    "missing root_pos": ("root_pos", lambda d: d.pop("root_pos")),
    "zero frames": ("root_pos", lambda d: d.update({k: v[:0] for k, v in d.items() if hasattr(v, "shape")})),
    "root_rot not unit": ("root_rot", lambda d: d["root_rot"].mul_(1.5)),
    "NaN inside root_rot": ("root_rot", lambda d: d["root_rot"].__setitem__((2, 3), float("nan"))),
    "root_rot frame count": ("root_rot", lambda d: d.update(root_rot=d["root_rot"][:-2])),
    "wrist_dof a string": ("wrist_dof", lambda d: d.update(wrist_dof="zeros")),
    "fingers_dof frame count": ("fingers_dof", lambda d: d.update(fingers_dof=torch.zeros(T + 1, 18))),
    "body_pos 2-d": ("body_pos", lambda d: d.update(body_pos=torch.zeros(T, 63))),
    "missing obj_pos": ("obj_pos", lambda d: d.pop("obj_pos")),
    "obj_rot frame count": ("obj_rot", lambda d: d.update(obj_rot=d["obj_rot"][:3])),
    "obj_rot zero quaternion": ("obj_rot", lambda d: d["obj_rot"].__setitem__(0, 0.0)),
    "contact1 a string": ("contact1", lambda d: d.update(contact1="yes")),
    "contact1 frame count": ("contact1", lambda d: d.update(contact1=torch.zeros(T - 1))),
    "contact1 outside [0, 1]": ("contact1", lambda d: d.update(contact1=torch.full((T,), 3.0))),
    "contact1 None": ("contact1", lambda d: d.update(contact1=None)),
    "contact1 ragged": ("contact1", lambda d: d.update(contact1=[[0.0]] * (T - 1) + [[0.0, 1.0]])),
    "obj_name not a string": ("obj_name", lambda d: d.update(obj_name=7)),
    "not a dict": ("<file>", lambda d: d.clear()),  # replaced by a list below
}


@pytest.mark.parametrize("case", sorted(HOT_CASES))
def test_hot_motions(tmp_path, case):
    field, breaks = HOT_CASES[case]
    path = str(tmp_path / "001_grasp_mug.pt")
    torch.save(_hot(), path)
    assert load_hot(path).skill == "grasp"
    d = _hot()
    breaks(d)
    torch.save([1, 2] if case == "not a dict" else d, path)
    _expect(lambda: load_hot(path), tmp_path, field, path)


@pytest.mark.parametrize("case", ["unknown skill label", "no skill label", "torn file", "a folder", "missing"])
def test_hot_files(tmp_path, case):
    path = str(tmp_path / ("004_x.pt" if case == "unknown skill label" else
                           "grasp.pt" if case == "no skill label" else "001_x.pt"))
    field, error = "file name", DataFormatError
    if case == "torn file":
        torch.save(_hot(), path)
        open(path, "r+b").truncate(100)
        field = "<file>"
    elif case == "a folder":
        os.mkdir(path)
        field = "<file>"
    elif case == "missing":
        field, error = "001_x.pt", FileNotFoundError
    else:
        torch.save(_hot(), path)
    _expect(lambda: load_hot(path), tmp_path, field, path, error)


# ------------------------------------------------------------------------------------------------ clip files


def _clip(T=T) -> ReferenceMotion:
    q = Rotation.from_rotvec(np.random.default_rng(2).normal(0, 0.3, (T, 3))).as_quat()
    hand = HandTrack(wrist_pos=np.zeros((T, 3)), wrist_quat=q, keypoints=np.zeros((T, 21, 3)),
                     contacts=np.zeros((T, 5), bool), joint_pos={"inspire_right": np.zeros((T, 2))},
                     joint_names={"inspire_right": ["a", "b"]})
    obj = ObjectTrack(pose=np.concatenate([np.zeros((T, 3)), q], 1), shape="box", dims=(0.05, 0.05, 0.05), name="b")
    return ReferenceMotion(fps=60.0, hands={"right": hand}, objects=[obj], name="clip")


def _write_npz(path, arrays: dict, meta_change=None, raw_meta=None):
    arrays = dict(arrays)
    meta = json.loads(str(arrays["meta"]))
    if meta_change:
        meta_change(meta)
    arrays["meta"] = np.array(json.dumps(meta) if raw_meta is None else raw_meta)
    np.savez(path, **arrays)


def _clip_arrays(tmp_path) -> dict:
    p = _clip().save(str(tmp_path / "valid.npz"))
    with np.load(p) as f:
        arrays = {k: f[k] for k in f.files}
    os.remove(p)
    return arrays


CLIP_CASES = {
    "missing meta": ("meta", lambda a, p: np.savez(p, **{k: v for k, v in a.items() if k != "meta"})),
    "meta not JSON": ("meta", lambda a, p: _write_npz(p, a, raw_meta="{fps: 60")),
    "meta a JSON list": ("meta", lambda a, p: _write_npz(p, a, raw_meta="[1, 2]")),
    "meta an array of numbers": ("meta", lambda a, p: np.savez(p, **(a | {"meta": np.zeros(3)}))),
    "format_version 2": ("meta.format_version", lambda a, p: _write_npz(p, a, lambda m: m.update(format_version=2))),
    "fps a string": ("meta.fps", lambda a, p: _write_npz(p, a, lambda m: m.update(fps="60"))),
    "fps negative": ("meta.fps", lambda a, p: _write_npz(p, a, lambda m: m.update(fps=-60))),
    "name a number": ("meta.name", lambda a, p: _write_npz(p, a, lambda m: m.update(name=3))),
    "hands a list": ("meta.hands", lambda a, p: _write_npz(p, a, lambda m: m.update(hands=["right"]))),
    "unknown side": ("meta.hands", lambda a, p: _write_npz(p, a, lambda m: m.update(hands={"middle": {}}))),
    "joint_names a string": ("meta.hands.right.joint_names", lambda a, p: _write_npz(
        p, a, lambda m: m["hands"]["right"].update(joint_names="a b"))),
    "objects a dict": ("meta.objects", lambda a, p: _write_npz(p, a, lambda m: m.update(objects={"0": {}}))),
    "dims strings": ("meta.objects[0].dims", lambda a, p: _write_npz(
        p, a, lambda m: m["objects"][0].update(dims=["5cm"]))),
    "negative mass": ("meta.objects[0].mass", lambda a, p: _write_npz(p, a, lambda m: m["objects"][0].update(mass=-1))),
    "object shape missing": ("meta.objects[0].shape", lambda a, p: _write_npz(
        p, a, lambda m: m["objects"][0].pop("shape"))),
    "missing wrist_pos": ("hands/right/wrist_pos", lambda a, p: np.savez(
        p, **{k: v for k, v in a.items() if k != "hands/right/wrist_pos"})),
    "object array member": ("hands/right/wrist_pos", lambda a, p: np.savez(
        p, **(a | {"hands/right/wrist_pos": np.array([None] * 3 * T).reshape(T, 3)}))),
    "wrist_quat frame count": ("hands/right/wrist_quat", lambda a, p: np.savez(
        p, **(a | {"hands/right/wrist_quat": a["hands/right/wrist_quat"][:-1]}))),
    "contacts wrong shape": ("hands/right/contacts", lambda a, p: np.savez(
        p, **(a | {"hands/right/contacts": np.zeros((T, 4), bool)}))),
    "joint_pos columns": ("hands/right/joint_pos/inspire_right", lambda a, p: np.savez(
        p, **(a | {"hands/right/joint_pos/inspire_right": np.zeros((T, 3))}))),
    "stray array": ("hands/left/wrist_pos", lambda a, p: np.savez(p, **(a | {"hands/left/wrist_pos": np.zeros((T, 3))}))),
    "NaN in the object's quaternion": ("objects/0/pose", lambda a, p: np.savez(
        p, **(a | {"objects/0/pose": np.where(np.arange(7) == 4, np.nan, a["objects/0/pose"])}))),
    "non-unit quaternion": ("hands/right/wrist_quat", lambda a, p: np.savez(
        p, **(a | {"hands/right/wrist_quat": a["hands/right/wrist_quat"] * 2}))),
    "zero frames": ("frames", lambda a, p: np.savez(p, **{k: (v[:0] if v.ndim else v) for k, v in a.items()})),
}


@pytest.mark.parametrize("case", sorted(CLIP_CASES))
def test_clip_files(tmp_path, case):
    field, write = CLIP_CASES[case]
    arrays = _clip_arrays(tmp_path)
    path = str(tmp_path / "clip.npz")
    write(arrays, path)
    _expect(lambda: ReferenceMotion.load(path), tmp_path, field, path)


def test_clip_file_with_a_corrupt_member_and_path_kinds(tmp_path):
    path = str(tmp_path / "clip.npz")
    _clip().save(path)
    # flip bytes inside the compressed data of one member (its index stays intact)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("hands/right/wrist_quat.npy")
    raw = bytearray(open(path, "rb").read())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[start + 10:start + 40] = b"\xff" * 30
    open(path, "wb").write(bytes(raw))
    err = _expect(lambda: ReferenceMotion.load(path), tmp_path, "hands/right/wrist_quat", path)
    assert "corrupt" in err.found
    os.remove(path)
    os.mkdir(path)
    _expect(lambda: ReferenceMotion.load(path), tmp_path, "<file>", path)


def test_save_never_overwrites_by_accident_and_names_the_missing_folder(tmp_path):
    path = str(tmp_path / "clip.npz")
    with open(path, "wb") as f:
        f.write(b"the user's file")
    before = _snapshot(tmp_path)
    with pytest.raises(FileExistsError, match="clip.npz"):
        _clip().save(path)
    assert _snapshot(tmp_path) == before and open(path, "rb").read() == b"the user's file"
    _clip().save(path, overwrite=True)
    assert ReferenceMotion.load(path).num_frames == T
    missing = str(tmp_path / "no_such_folder" / "clip.npz")
    with pytest.raises(FileNotFoundError) as e:
        _clip().save(missing)
    assert str(tmp_path / "no_such_folder") in str(e.value) and ".tmp" not in str(e.value)
    bad = _clip()
    bad.hands["right"].wrist_pos[3, 0] = np.nan  # a failed save leaves no file and no temporary behind
    before = _snapshot(tmp_path)
    with pytest.raises(DataFormatError):
        bad.save(str(tmp_path / "new.npz"))
    assert _snapshot(tmp_path) == before


# ------------------------------------------------------------------------------------------------ manifests


def _manifest(folder, change=None, raw=None):
    _clip().save(os.path.join(folder, "a.npz"), overwrite=True)
    m = {"format_version": 1, "clips": [{"file": "a.npz", "name": "a", "split": "train", "sides": ["right"],
                                         "num_objects": 1, "skill": "grasp"}]}
    if change:
        change(m)
    path = os.path.join(folder, "manifest.json")
    with open(path, "w") as f:
        f.write(raw if raw is not None else json.dumps(m))
    return path


def _clip0(m, **kv):
    m["clips"][0].update(kv)


MANIFEST_CASES = {
    "not JSON": ("<file>", None, "{clips: ["),
    "a JSON list": ("<file>", None, "[]"),
    "format_version 2": ("format_version", lambda m: m.update(format_version=2), None),
    "format_version true": ("format_version", lambda m: m.update(format_version=True), None),
    "clips a dict": ("clips", lambda m: m.update(clips={"a": {}}), None),
    "entry a string": ("clips[0]", lambda m: m.update(clips=["a.npz"]), None),
    "file missing": ("clips[0].file", lambda m: m["clips"][0].pop("file"), None),
    "file a number": ("clips[0].file", lambda m: _clip0(m, file=3), None),
    "name empty": ("clips[0].name", lambda m: _clip0(m, name=""), None),
    "name twice": ("clips[1].name", lambda m: m["clips"].append(dict(m["clips"][0])), None),
    "sides a string": ("clips[0].sides", lambda m: _clip0(m, sides="right"), None),
    "unknown side": ("clips[0].sides", lambda m: _clip0(m, sides=["middle"]), None),
    "side twice": ("clips[0].sides", lambda m: _clip0(m, sides=["right", "right"]), None),
    "num_objects a string": ("clips[0].num_objects", lambda m: _clip0(m, num_objects="1"), None),
    "num_objects 5": ("clips[0].num_objects", lambda m: _clip0(m, num_objects=5), None),
    "skill a list": ("clips[0].skill", lambda m: _clip0(m, skill=["grasp"]), None),
}


@pytest.mark.parametrize("case", sorted(MANIFEST_CASES))
def test_manifests(tmp_path, case):
    field, change, raw = MANIFEST_CASES[case]
    assert len(read_manifest(_manifest(str(tmp_path)))) == 1
    path = _manifest(str(tmp_path), change, raw)
    _expect(lambda: read_manifest(path), tmp_path, field, path)


def test_manifest_files_that_are_not_there(tmp_path):
    path = _manifest(str(tmp_path), lambda m: _clip0(m, file="gone.npz"))
    _expect(lambda: read_manifest(path), tmp_path, "gone.npz", path, FileNotFoundError)
    os.mkdir(tmp_path / "dir.npz")
    path = _manifest(str(tmp_path), lambda m: _clip0(m, file="dir.npz"))
    err = _expect(lambda: read_manifest(path), tmp_path, "dir.npz", path, FileNotFoundError)
    assert "is a folder" in str(err)
    _expect(lambda: read_manifest(str(tmp_path)), tmp_path, "<file>", str(tmp_path))


# ------------------------------------------------------------------------------------------------ checkpoints


TASK = "Dex-HOTrack-Imitator-v0"


def _run_folder(folder) -> str:
    os.makedirs(os.path.join(folder, "params"), exist_ok=True)
    w = {"mlp.0.weight": torch.zeros(4, 3), "mlp.0.bias": torch.zeros(4)}
    torch.save({"actor_state_dict": w, "critic_state_dict": dict(w), "iter": 3, "infos": None,
                "optimizer_state_dict": {"state": {}, "param_groups": [{"lr": 1e-3}]},
                "env_state": {"common_step_counter": 128}},
               os.path.join(folder, "model_3.pt"))
    with open(os.path.join(folder, "run.json"), "w") as f:
        json.dump({"task": TASK}, f)
    with open(os.path.join(folder, "params", "agent.yaml"), "w") as f:
        f.write("actor:\n  class_name: rsl_rl.models:MLPModel\n  hidden_dims: [4]\n")
    with open(os.path.join(folder, "params", "env.yaml"), "w") as f:
        f.write("actions:\n  hand_right:\n    scale: 1.0\n")
    return os.path.join(folder, "model_3.pt")


def _read_run(ckpt):
    check_checkpoint(ckpt, (TASK,))
    read_checkpoint(ckpt, TRAINING_STATE_KEYS)
    read_actor_cfg(ckpt)
    run_dir_imitators(ckpt)


def _write(path, content: bytes | str):
    with open(path, "wb") as f:
        f.write(content.encode() if isinstance(content, str) else content)


def _resave(ckpt, change):
    state = torch.load(ckpt, weights_only=False)
    change(state)
    torch.save(state, ckpt)


CHECKPOINT_CASES = {
    # case: (file named: model / run / agent / env, field, how to break the run folder)
    "not a torch file": ("model", "<file>", lambda d, c: _write(c, "hello")),
    "torn file": ("model", "<file>", lambda d, c: open(c, "r+b").truncate(300)),
    "a pickled list": ("model", "<file>", lambda d, c: torch.save([1, 2], c)),
    "no actor_state_dict": ("model", "actor_state_dict", lambda d, c: _resave(c, lambda s: s.pop("actor_state_dict"))),
    "actor_state_dict a list": ("model", "actor_state_dict", lambda d, c: _resave(
        c, lambda s: s.update(actor_state_dict=[torch.zeros(2)]))),
    "a weight that is a string": ("model", "actor_state_dict.mlp.0.bias", lambda d, c: _resave(
        c, lambda s: s["actor_state_dict"].update({"mlp.0.bias": "zeros"}))),
    "NaN weights": ("model", "actor_state_dict.mlp.0.weight", lambda d, c: _resave(
        c, lambda s: s["actor_state_dict"]["mlp.0.weight"].fill_(float("nan")))),
    "no optimizer state": ("model", "optimizer_state_dict", lambda d, c: _resave(
        c, lambda s: s.pop("optimizer_state_dict"))),
    "iter a string": ("model", "iter", lambda d, c: _resave(c, lambda s: s.update(iter="3"))),
    "env_state a list": ("model", "env_state", lambda d, c: _resave(c, lambda s: s.update(env_state=[128]))),
    "negative step counter": ("model", "env_state.common_step_counter", lambda d, c: _resave(
        c, lambda s: s["env_state"].update(common_step_counter=-1))),
    "run.json empty": ("run", "<file>", lambda d, c: _write(os.path.join(d, "run.json"), "")),
    "run.json corrupt": ("run", "<file>", lambda d, c: _write(os.path.join(d, "run.json"), '{"task": ')),
    "run.json a list": ("run", "<file>", lambda d, c: _write(os.path.join(d, "run.json"), "[]")),
    "run.json task a number": ("run", "task", lambda d, c: _write(os.path.join(d, "run.json"), '{"task": 3}')),
    "run.json another task": ("run", "task", lambda d, c: _write(os.path.join(d, "run.json"),
                                                                 '{"task": "Dex-HOTrack-Right-v0"}')),
    "agent.yaml empty": ("agent", "<file>", lambda d, c: _write(os.path.join(d, "params", "agent.yaml"), "")),
    "agent.yaml invalid": ("agent", "<file>", lambda d, c: _write(os.path.join(d, "params", "agent.yaml"),
                                                                  "actor: [unclosed")),
    "agent.yaml without actor": ("agent", "actor", lambda d, c: _write(os.path.join(d, "params", "agent.yaml"),
                                                                       "critic: {}\n")),
    "unknown actor class": ("agent", "actor.class_name", lambda d, c: _write(
        os.path.join(d, "params", "agent.yaml"), "actor:\n  class_name: rsl_rl.models:NoSuchModel\n")),
    "agent.yaml missing": ("dir", "params/agent.yaml", lambda d, c: os.remove(os.path.join(d, "params", "agent.yaml"))),
    "env.yaml actions a list": ("env", "actions", lambda d, c: _write(os.path.join(d, "params", "env.yaml"),
                                                                      "actions: [1, 2]\n")),
    "env.yaml not a mapping": ("env", "<file>", lambda d, c: _write(os.path.join(d, "params", "env.yaml"), "- 1\n")),
}


@pytest.mark.parametrize("case", sorted(CHECKPOINT_CASES))
def test_checkpoints_and_run_folders(tmp_path, case):
    named, field, breaks = CHECKPOINT_CASES[case]
    run = str(tmp_path / "run")
    ckpt = _run_folder(run)
    _read_run(ckpt)  # the unbroken run folder reads
    breaks(run, ckpt)
    source = {"model": ckpt, "run": os.path.join(run, "run.json"), "dir": run,
              "agent": os.path.join(run, "params", "agent.yaml"), "env": os.path.join(run, "params", "env.yaml")}[named]
    _expect(lambda: _read_run(ckpt), tmp_path, field, source)


def test_checkpoint_path_kinds(tmp_path):
    _expect(lambda: check_checkpoint(str(tmp_path / "model_1.pt")), tmp_path, "model_1.pt",
            str(tmp_path / "model_1.pt"), FileNotFoundError)
    _expect(lambda: check_checkpoint(str(tmp_path)), tmp_path, "<file>", str(tmp_path))


@pytest.mark.parametrize("script", ["play.py", "evaluate.py"])
def test_scripts_stop_on_a_broken_run_folder_without_a_traceback(tmp_path, script):
    ckpt = _run_folder(str(tmp_path / "run"))
    _write(os.path.join(tmp_path, "run", "run.json"), "")
    before = _snapshot(tmp_path)
    r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", script), "--task", TASK, "--checkpoint", ckpt],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    assert "run.json" in r.stderr and "error:" in r.stderr
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("flag,name,words", [("--record", "rollout.rrd", ["rollout.rrd", ".usda", "rerun"]),
                                             ("--record", "rollout.txt", ["rollout.txt", "expected a USD file"]),
                                             ("--record", "kept.usda", ["kept.usda", "exists", "--overwrite"]),
                                             ("--gif", "kept.gif", ["kept.gif", "exists", "--overwrite"])])
def test_play_refuses_an_output_it_cannot_write_or_would_replace(tmp_path, flag, name, words):
    """Checked before the env is built: the user's files stay as they were."""
    for kept in ("kept.usda", "kept.gif"):
        _write(os.path.join(tmp_path, kept), "the user's file")
    before = _snapshot(tmp_path)
    r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "play.py"), "--task", TASK, "--checkpoint",
                        str(tmp_path / "model_0.pt"), flag, str(tmp_path / name)],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert all(w in r.stderr for w in words), r.stderr[-2000:]
    assert _snapshot(tmp_path) == before
