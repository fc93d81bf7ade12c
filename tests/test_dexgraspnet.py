"""The DexGraspNet-style loader (dex_more.objects.dexgraspnet) on small data sets the tests write: meshes become
objects as the bundled set's are, grasps become proposals in the hand's joint order, and malformed input is an
error that names the file and the field."""
from __future__ import annotations

import numpy as np
import pytest
import trimesh
from scipy.spatial.transform import Rotation

from dex_more.assets import SHADOW_RIGHT
from dex_more.objects.dexgraspnet import load_dexgraspnet, load_grasps
from dex_more.objects.object_set import ObjectFormatError

HAND = SHADOW_RIGHT
JOINTS = list(HAND.finger_joint_names)


def _grasp_arrays(count: int = 3, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    return {"trans": rng.uniform(-0.1, 0.1, (count, 3)), "rot": Rotation.random(count, random_state=seed).as_matrix(),
            "joint_angles": rng.uniform(0, 1, (count, len(JOINTS)))}


def _write_set(root, grasps: dict | None = None, mesh: trimesh.Trimesh | None = None) -> None:
    (root / "meshes").mkdir(parents=True, exist_ok=True)
    (root / "grasps").mkdir(exist_ok=True)
    (mesh or trimesh.creation.box(extents=(0.06, 0.04, 0.10))).export(root / "meshes" / "carton.obj")
    np.savez(root / "grasps" / "carton.npz", **(grasps or _grasp_arrays()))


def test_a_data_set_loads_as_objects_and_proposals(tmp_path):
    arrays = _grasp_arrays()
    # the file's columns in another order and with DexGraspNet's prefix; a mesh scale of 1.5
    order = np.random.default_rng(1).permutation(len(JOINTS))
    names = np.array(["robot0:" + JOINTS[i].split("_", 1)[1] for i in order])
    _write_set(tmp_path, {**arrays, "joint_angles": arrays["joint_angles"][:, order], "joint_names": names,
                          "scale": np.float64(1.5)})
    objects, grasps = load_dexgraspnet(str(tmp_path), HAND)
    carton = objects["carton"]
    np.testing.assert_allclose(np.sort(carton.extents), np.sort([0.09, 0.06, 0.15]), atol=1e-4)
    assert carton.mass == pytest.approx(carton.density * 0.09 * 0.06 * 0.15, rel=1e-3)
    g = grasps["carton"]
    np.testing.assert_allclose(g["joint_pos"], arrays["joint_angles"], atol=1e-6)
    np.testing.assert_allclose(g["wrist_pos"], 1.5 * arrays["trans"], atol=1e-6)
    np.testing.assert_allclose(Rotation.from_quat(g["wrist_quat"]).as_matrix(), arrays["rot"], atol=1e-6)


def test_a_dexgraspnet_npy_dict_loads(tmp_path):
    arrays = _grasp_arrays(2)
    np.save(tmp_path / "g.npy", arrays, allow_pickle=True)
    np.testing.assert_allclose(load_grasps(str(tmp_path / "g.npy"), HAND)["joint_pos"], arrays["joint_angles"], atol=1e-6)


def _broken(change):
    arrays = _grasp_arrays()
    change(arrays)
    return arrays


def _set(key, value):
    return _broken(lambda a: a.__setitem__(key, value(a[key]) if callable(value) else value))


def _reflect(rot):
    rot = rot.copy()
    rot[1] = rot[1] @ np.diag([1.0, 1.0, -1.0])
    return rot


BAD_GRASPS = {  # case: (the field the error must name, the arrays)
    "no rotations": ("rot", _broken(lambda a: a.pop("rot"))),
    "no joint angles": ("joint_angles", _broken(lambda a: a.pop("joint_angles"))),
    "zero grasps": ("trans", _broken(lambda a: a.update({k: v[:0] for k, v in a.items()}))),
    "a NaN translation": ("trans", _set("trans", lambda t: np.where(np.arange(t.size).reshape(t.shape) == 5, np.nan, t))),
    "translations of 4 columns": ("trans", _set("trans", lambda t: np.hstack([t, t[:, :1]]))),
    "translations as strings": ("trans", _set("trans", lambda t: t.astype(str))),
    "scaled rotations": ("rot", _set("rot", lambda r: r * 2.0)),
    "a reflection": ("rot", _set("rot", _reflect)),
    "flat rotations": ("rot", _set("rot", lambda r: r.reshape(len(r), 9))),
    "a rotation short": ("rot", _set("rot", lambda r: r[:-1])),
    "two joints short": ("joint_angles", _set("joint_angles", lambda q: q[:, :-2])),
    "a grasp's angles missing": ("joint_angles", _set("joint_angles", lambda q: q[:-1])),
    "an infinite joint angle": ("joint_angles", _set("joint_angles", lambda q: np.where(q > 0.5, np.inf, q))),
    "an unknown joint": ("joint_names", _set("joint_names", np.array(["robot0:XXJ9"] + JOINTS[1:]))),
    "a joint named twice": ("joint_names", _set("joint_names", np.array([JOINTS[1]] + JOINTS[1:]))),
    "more names than columns": ("joint_names", _set("joint_names", np.array(JOINTS + ["robot0:FFJ3"]))),
    "fewer names than columns": ("joint_names", _broken(lambda a: a.update(
        joint_names=np.array(JOINTS[:-1]), joint_angles=a["joint_angles"]))),
    "scale zero": ("scale", _set("scale", np.float64(0.0))),
    "scale negative": ("scale", _set("scale", np.float64(-2.0))),
    "scale a vector": ("scale", _set("scale", np.ones(3))),
}


@pytest.mark.parametrize("case", sorted(BAD_GRASPS))
def test_malformed_grasps_name_the_file_and_field(tmp_path, case):
    field, arrays = BAD_GRASPS[case]
    _write_set(tmp_path, arrays)
    with pytest.raises(ObjectFormatError) as e:
        load_dexgraspnet(str(tmp_path), HAND)
    assert e.value.field == field and e.value.source.endswith("carton.npz"), str(e.value)


def test_malformed_files_are_clear_errors(tmp_path):
    _write_set(tmp_path)
    (tmp_path / "grasps" / "carton.npz").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ObjectFormatError, match="carton.npz"):
        load_dexgraspnet(str(tmp_path), HAND)
    # an open mesh (a box without its top) has no volume to simulate
    open_box = trimesh.creation.box(extents=(0.05, 0.05, 0.05))
    open_box.update_faces(open_box.face_normals[:, 2] < 0.9)
    other = tmp_path / "open"
    _write_set(other, mesh=open_box)
    with pytest.raises(ObjectFormatError, match="carton.obj"):
        load_dexgraspnet(str(other), HAND)
    # a mesh without grasps
    lonely = tmp_path / "lonely"
    _write_set(lonely)
    (lonely / "grasps" / "carton.npz").unlink()
    with pytest.raises(FileNotFoundError, match="carton"):
        load_dexgraspnet(str(lonely), HAND)
