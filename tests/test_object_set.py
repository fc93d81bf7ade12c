"""The bundled object set: its rules (size, families, splits, mass from density, convex parts, surface points),
its reproducibility by the generator, and clear errors for malformed object-set files."""
from __future__ import annotations

import json

import numpy as np
import pytest
import trimesh

from dex_more.objects.build import build_object
from dex_more.objects.families import FAMILIES, MAX_EXTENT, MAX_GRASP_WIDTH, MIN_EXTENT, UNSEEN_FAMILIES
from dex_more.objects.geometry import MAX_PARTS, hull_planes, parts_signed_distance
from dex_more.objects.object_set import DEFAULT_OBJECT_SET, ObjectFormatError, load_object_set


@pytest.fixture(scope="module")
def object_set():
    return load_object_set()


def test_the_bundled_set_follows_its_rules(object_set):
    assert len(object_set) >= 200 and len(object_set.families) >= 6
    counts = {s: len(object_set.split(s)) for s in ("train", "unseen_objects", "unseen_families")}
    assert min(counts.values()) > 0, counts
    # unseen families are held out whole; unseen objects come from training families
    train_families = {o.family for o in object_set.split("train")}
    assert {o.family for o in object_set.split("unseen_families")} == set(UNSEEN_FAMILIES)
    assert not train_families & set(UNSEEN_FAMILIES)
    assert {o.family for o in object_set.split("unseen_objects")} <= train_families
    for o in object_set.objects:
        extents = np.sort(o.extents)
        tol = 1e-6  # the files hold float32
        assert MIN_EXTENT - tol <= extents[-1] <= MAX_EXTENT + tol and extents[0] <= MAX_GRASP_WIDTH + tol, (o.name, extents)
        mesh = o.mesh
        assert mesh.is_watertight, o.name
        # mass from its density, centre of mass and inertia of the solid
        assert o.mass == pytest.approx(o.density * mesh.volume, rel=1e-4), o.name
        np.testing.assert_allclose(o.com, mesh.center_mass, atol=1e-6)
        # relative to the tensor's scale: the files hold the vertices as float32
        inertia = mesh.moment_inertia * o.density
        np.testing.assert_allclose(o.inertia, inertia, atol=1e-6 * np.abs(inertia).max())
        assert 1 <= len(o.parts) <= MAX_PARTS and 0.2 < o.friction < 2.0


def test_surface_points_lie_on_the_surface_with_outward_normals(object_set):
    for o in object_set.objects[::3]:
        mesh = o.mesh
        closest, distance, _ = trimesh.proximity.closest_point(mesh, o.points)
        # all but a handful of points lie on it to float precision; a few sit up to 0.15 mm off, on sliver faces
        # of the boolean union
        assert np.mean(distance < 1e-6) > 0.98 and distance.max() < 3e-4, (o.name, distance.max())
        # a step along the normal leaves the solid, a step against it enters it (short steps: thin walls; near a
        # concave crease, such as a mug's handle joint, the outward step can enter the other side; no face lies
        # inside the object, as one would in a crack between convex parts)
        assert mesh.contains(o.points + 3e-4 * o.normals).mean() < 0.02, o.name
        assert mesh.contains(o.points - 3e-4 * o.normals).mean() > 0.98, o.name


def test_the_object_is_its_collision_shape(object_set):
    """An object's surface is the union of its convex parts: its surface points lie on the zero level set of the
    parts' signed distance, and points inside / outside the surface are inside / outside the parts."""
    import torch

    rng = np.random.default_rng(0)
    for o in object_set.objects[::5]:
        planes = hull_planes([v for v, _ in o.parts], dtype=torch.float64)
        d = parts_signed_distance(torch.tensor(o.points, dtype=torch.float64), planes)
        assert float(d.abs().max()) < 1e-5, (o.name, float(d.abs().max()))
        probes = rng.uniform(-0.6, 0.6, size=(400, 3)) * o.extents
        inside = o.mesh.contains(probes)
        sd = parts_signed_distance(torch.tensor(probes), planes).numpy()
        assert np.array_equal(sd < 0, inside), o.name


def test_the_generator_reproduces_the_committed_objects(object_set):
    per_family = sum(1 for o in object_set.objects if o.family == "box")
    for name in ("box_03", "mug_05"):  # a primitive and a convex decomposition
        family, index = name.rsplit("_", 1)
        rebuilt = build_object(family, int(index), per_family)
        committed = object_set[name]
        assert rebuilt.split == committed.split
        np.testing.assert_array_equal(rebuilt.visual_vertices, committed.visual_vertices)
        np.testing.assert_array_equal(rebuilt.points, committed.points)
        assert len(rebuilt.parts) == len(committed.parts)
        for (v, f), (cv, cf) in zip(rebuilt.parts, committed.parts):
            np.testing.assert_array_equal(v, cv)
            np.testing.assert_array_equal(f, cf)
        assert rebuilt.mass == pytest.approx(committed.mass, rel=1e-6)


def test_every_family_can_be_built():
    for family in FAMILIES:
        o = build_object(family, 0, 26, seed=123)
        assert o.family == family and len(o.points) == 512


SMALL_SET = 8  # objects the malformed-file cases keep of the bundled set (loading all 208 per case is slow)


def _broken_copy(tmp_path, edit_manifest=None, edit_arrays=None):
    """The first SMALL_SET objects of the bundled set under ``tmp_path/objects``, one thing broken."""
    root = tmp_path / "objects"
    root.mkdir(parents=True)
    manifest = json.loads(open(f"{DEFAULT_OBJECT_SET}/manifest.json").read())
    manifest["objects"] = manifest["objects"][:SMALL_SET]
    names = {o["name"] for o in manifest["objects"]}
    with np.load(f"{DEFAULT_OBJECT_SET}/geometry.npz") as z:
        arrays = {k: z[k] for k in z.files if k.split("/")[0] in names}
    if edit_manifest:
        edit_manifest(manifest)
    if edit_arrays:
        edit_arrays(arrays)
    (root / "manifest.json").write_text(json.dumps(manifest))
    np.savez(root / "geometry.npz", **arrays)
    return str(root)


def _set(key, value):
    return lambda arrays: arrays.__setitem__(key, value(arrays[key]) if callable(value) else value)


def _entry(i, **change):
    return lambda m: m["objects"][i].update(change)


BAD_MANIFESTS = {  # case: (edit, field, part of the message)
    "format_version 7": (lambda m: m.update(format_version=7), "format_version", "7"),
    "format_version true": (lambda m: m.update(format_version=True), "format_version", "True"),
    "families a list": (lambda m: m.update(families=["box"]), "manifest.families", "a dict"),
    "a family neither seen nor unseen": (lambda m: m["families"].update(box="maybe"), "families.box", "'maybe'"),
    "objects a mapping": (lambda m: m.update(objects={"box_00": {}}), "manifest.objects", "a list"),
    "an entry that is a number": (lambda m: m["objects"].__setitem__(2, 3), "objects[2]", "an object entry"),
    "mass missing": (lambda m: m["objects"][3].pop("mass"), "objects[3].mass", "nothing"),
    "negative mass": (_entry(0, mass=-1.0), "objects[0].mass", "a positive number"),
    "mass a string": (_entry(0, mass="0.2"), "objects[0].mass", "str '0.2'"),
    "unknown split": (_entry(2, split="validation"), "objects[2].split", "'validation'"),
    "unknown family": (_entry(1, family="teapot"), "objects[1].family", "'teapot'"),
    "com of two numbers": (_entry(4, com=[0, 0]), "objects[4].com", "shape (2,)"),
    "com a string": (_entry(4, com="origin"), "objects[4].com", "str 'origin'"),
    "com NaN": (_entry(4, com=[0, float("nan"), 0]), "objects[4].com", "non-finite"),
    "inertia ragged": (_entry(5, inertia=[[1, 0, 0], [0, 1], [0, 0, 1]]), "objects[5].inertia", "not an array"),
    "inertia not symmetric": (_entry(5, inertia=[[1e-4, 1e-5, 0], [0, 1e-4, 0], [0, 0, 1e-4]]), "objects[5].inertia",
                              "not symmetric"),
    "inertia not positive definite": (_entry(5, inertia=[[1e-4, 0, 0], [0, -1e-4, 0], [0, 0, 1e-4]]),
                                      "objects[5].inertia", "principal moments"),
    "an extent of zero": (_entry(6, extents=[0.05, 0.0, 0.05]), "objects[6].extents", "three sizes > 0"),
    "a name used twice": (lambda m: m["objects"][5].update(name=m["objects"][6]["name"]), "objects[6].name",
                          "a name used once"),
    "an empty name": (_entry(1, name=""), "objects[1].name", "a non-empty str"),
    "a name with a slash": (_entry(1, name="box/00"), "objects[1].name", "without '/'"),
}


@pytest.mark.parametrize("case", sorted(BAD_MANIFESTS))
def test_malformed_manifests_name_file_and_field(tmp_path, case):
    edit, field, message = BAD_MANIFESTS[case]
    root = _broken_copy(tmp_path, edit_manifest=edit)
    with pytest.raises(ObjectFormatError) as e:
        load_object_set(root)
    assert e.value.source.endswith("manifest.json") and e.value.field == field and message in str(e.value), str(e.value)


def _corrupt_member(root: str, key: str) -> None:
    """Flip bytes inside the stored data of ``key`` in ``geometry.npz`` (its index stays readable)."""
    import zipfile

    path = f"{root}/geometry.npz"
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(key + ".npy")
    blob = bytearray(open(path, "rb").read())
    data = info.header_offset + 30 + len(info.filename) + len(info.extra)  # after the local file header
    blob[data + 200:data + 216] = b"\xff" * 16
    open(path, "wb").write(bytes(blob))


BAD_GEOMETRY = {  # case: (edit of the arrays, field, part of the message)
    "points missing": (lambda a: a.pop("box_00/points"), "box_00/points", "nothing"),
    "part faces outside their part": (_set("box_01/part_faces", lambda f: f + 100), "box_01/part_faces", "outside"),
    "visual faces outside the vertices": (_set("box_01/visual_faces", lambda f: f + 10_000), "box_01/visual_faces",
                                          "outside"),
    "faces stored as floats": (_set("box_02/visual_faces", lambda f: f.astype(np.float32)), "box_02/visual_faces",
                               "float32"),
    "vertices as strings": (_set("box_02/visual_vertices", lambda v: v.astype(str)), "box_02/visual_vertices", "<U"),
    "vertices as Python objects": (_set("box_02/visual_vertices", lambda v: v.astype(object)),
                                   "box_02/visual_vertices", "unreadable member"),
    "an infinite vertex": (_set("box_03/part_vertices", lambda v: np.where(np.arange(v.size).reshape(v.shape) == 4,
                                                                           np.inf, v)), "box_03/part_vertices",
                           "non-finite"),
    "vertices with two columns": (_set("box_03/visual_vertices", lambda v: v[:, :2]), "box_03/visual_vertices",
                                  "shape"),
    "no points": (_set("box_04/points", lambda p: p[:0]), "box_04/points", "0 rows"),
    "normals of length 2": (_set("box_04/normals", lambda n: 2 * n), "box_04/normals", "length 2.0"),
    "fewer normals than points": (_set("box_04/normals", lambda n: n[:-1]), "box_04/normals", "one normal per point"),
    "a part of two vertices": (_set("box_05/part_sizes", lambda s: np.vstack([s, [[2, 2]]])), "box_05/part_sizes",
                               "at least 4"),
    "part sizes that do not add up": (_set("box_05/part_sizes", lambda s: s + 1), "box_05/part_sizes",
                                      "the part vertex and face counts"),
}


@pytest.mark.parametrize("case", sorted(BAD_GEOMETRY) + ["a corrupt member"])
def test_malformed_geometry_names_the_array(tmp_path, case):
    if case == "a corrupt member":
        root, field, message = _broken_copy(tmp_path), "box_06/visual_vertices", "unreadable member"
        _corrupt_member(root, field)
    else:
        edit, field, message = BAD_GEOMETRY[case]
        root = _broken_copy(tmp_path, edit_arrays=edit)
    with pytest.raises(ObjectFormatError) as e:
        load_object_set(root)
    assert e.value.source.endswith("geometry.npz") and e.value.field == field and message in str(e.value), str(e.value)


def test_object_set_files_that_are_not_there_or_not_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="make_objects.py"):
        load_object_set(str(tmp_path / "nowhere"))
    (tmp_path / "garbage").mkdir()
    (tmp_path / "garbage" / "manifest.json").write_text("{not json")
    (tmp_path / "garbage" / "geometry.npz").write_bytes(b"\x00")
    with pytest.raises(ObjectFormatError, match="invalid JSON"):
        load_object_set(str(tmp_path / "garbage"))
    (tmp_path / "garbage" / "manifest.json").write_bytes(b"\xff\xfe binary")
    with pytest.raises(ObjectFormatError, match="invalid JSON"):
        load_object_set(str(tmp_path / "garbage"))
    (tmp_path / "garbage" / "manifest.json").write_text("[1, 2]")
    with pytest.raises(ObjectFormatError, match="JSON list"):
        load_object_set(str(tmp_path / "garbage"))
    root = _broken_copy(tmp_path / "torn")
    open(f"{root}/geometry.npz", "r+b").truncate(100)
    with pytest.raises(ObjectFormatError, match="geometry.npz.*unreadable"):
        load_object_set(root)
