"""The bundled object set: its rules (size, families, splits, mass from density, convex parts, surface points),
its reproducibility by the generator, and clear errors for malformed object-set files."""
from __future__ import annotations

import json
import shutil

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


def _broken_copy(tmp_path, edit_manifest=None, edit_arrays=None):
    root = tmp_path / "objects"
    shutil.copytree(DEFAULT_OBJECT_SET, root, ignore=shutil.ignore_patterns("*.png", "grasp*", "shape*", "*.pt"))
    if edit_manifest:
        manifest = json.loads((root / "manifest.json").read_text())
        edit_manifest(manifest)
        (root / "manifest.json").write_text(json.dumps(manifest))
    if edit_arrays:
        with np.load(root / "geometry.npz") as z:
            arrays = dict(z)
        edit_arrays(arrays)
        np.savez(root / "geometry.npz", **arrays)
    return str(root)


@pytest.mark.parametrize("edit, field, message", [
    (lambda m: m.update(format_version=7), "format_version", "7"),
    (lambda m: m["objects"][3].pop("mass"), "objects[3].mass", "nothing"),
    (lambda m: m["objects"][0].update(mass=-1.0), "objects[0].mass", "a positive number"),
    (lambda m: m["objects"][2].update(split="validation"), "objects[2].split", "'validation'"),
    (lambda m: m["objects"][1].update(family="teapot"), "objects[1].family", "'teapot'"),
    (lambda m: m["objects"][4].update(com=[0, 0]), "objects[4].com", "shape (3,)"),
    (lambda m: m["objects"][5].update(name=m["objects"][6]["name"]), "objects[6].name", "a name used once"),
])
def test_malformed_manifests_name_file_and_field(tmp_path, edit, field, message):
    root = _broken_copy(tmp_path, edit_manifest=edit)
    with pytest.raises(ObjectFormatError, match=field.replace("[", r"\[").replace("]", r"\]")) as e:
        load_object_set(root)
    assert e.value.source.endswith("manifest.json") and message in str(e.value)


def test_malformed_geometry_names_the_array(tmp_path):
    def drop_points(arrays):
        del arrays["box_00/points"]

    def bad_faces(arrays):
        arrays["box_01/part_faces"] = arrays["box_01/part_faces"] + 100

    for edit, key in ((drop_points, "box_00/points"), (bad_faces, "box_01/part_faces")):
        root = _broken_copy(tmp_path / key.replace("/", "_"), edit_arrays=edit)
        with pytest.raises(ObjectFormatError, match=key) as e:
            load_object_set(root)
        assert e.value.source.endswith("geometry.npz")
    with pytest.raises(FileNotFoundError, match="make_objects.py"):
        load_object_set(str(tmp_path / "nowhere"))
    (tmp_path / "garbage").mkdir()
    (tmp_path / "garbage" / "manifest.json").write_text("{not json")
    (tmp_path / "garbage" / "geometry.npz").write_bytes(b"\x00")
    with pytest.raises(ObjectFormatError, match="invalid JSON"):
        load_object_set(str(tmp_path / "garbage"))
