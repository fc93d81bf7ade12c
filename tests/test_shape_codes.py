"""Shape codes and clusters (dex_more.objects.shape_code): a reproducible encoder, the committed codes are its
output, K-means is seeded, and each cluster's centre object is the one nearest its centre."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from dex_more.objects import shape_code as sc
from dex_more.objects.object_set import DEFAULT_OBJECT_SET, ObjectFormatError, load_object_set


@pytest.fixture(scope="module")
def object_set():
    return load_object_set()


def test_training_is_seeded_and_lowers_the_chamfer_distance(object_set):
    points = np.stack([o.points for o in object_set.objects[::26]])  # one object of each family
    runs = [sc.train_autoencoder(points, epochs=25, batch_size=4, sample=128, seed=3) for _ in range(2)]
    for (a, history_a), (b, history_b) in zip(runs[:1], runs[1:]):
        assert history_a == history_b
        for (name, wa), wb in zip(a.state_dict().items(), b.state_dict().values()):
            assert torch.equal(wa, wb), name
    history = runs[0][1]
    assert history[-1] < 0.5 * history[0], history


def test_chamfer_distance_against_a_hand_computation():
    a = torch.tensor([[[0.0, 0, 0], [1, 0, 0]]])
    b = torch.tensor([[[0.0, 0, 0], [0, 2, 0], [1, 1, 0]]])
    # a -> b: 0, 1 (to (1,1,0)); b -> a: 0, 4, 1
    assert float(sc.chamfer_distance(a, b)) == pytest.approx((0 + 1) / 2 + (0 + 4 + 1) / 3)


def test_the_committed_codes_are_the_committed_encoders(object_set):
    codes = sc.load_shape_codes()
    encoder = sc.load_encoder(f"{DEFAULT_OBJECT_SET}/{sc.ENCODER_FILE}")
    assert list(codes["names"]) == object_set.names
    assert codes["codes"].shape == (len(object_set), sc.CODE_DIM)
    points = np.stack([o.points for o in object_set.objects])
    np.testing.assert_allclose(sc.encode(encoder, points), codes["codes"], atol=1e-5)
    # a code depends on the shape, not on the order of its points
    shuffled = points[:, np.random.default_rng(0).permutation(points.shape[1])]
    np.testing.assert_allclose(sc.encode(encoder, shuffled), codes["codes"], atol=1e-5)


def test_clusters_are_seeded_and_centre_objects_are_nearest(object_set):
    committed = sc.load_shape_codes()
    codes = committed["codes"]
    labels, centres, centre_ids = sc.cluster_codes(codes, k=4, seed=int(committed["seed"]))
    again = sc.cluster_codes(codes, k=4, seed=int(committed["seed"]))
    np.testing.assert_array_equal(labels, again[0])
    np.testing.assert_array_equal(labels, committed["labels"])
    assert list(np.asarray(object_set.names)[centre_ids]) == list(committed["centre_objects"])
    # K-means' fixed point: every object belongs to its nearest centre, each centre is its members' mean
    d = ((codes[:, None, :].astype(np.float64) - centres[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(d.argmin(1), labels)
    for c in range(4):
        np.testing.assert_allclose(codes[labels == c].mean(0), centres[c], atol=1e-4)
        assert centre_ids[c] == int(np.argmin(d[:, c]))
    six, _, six_ids = sc.cluster_codes(codes, k=6, seed=0)
    assert len(set(six.tolist())) == 6 and len(set(six_ids.tolist())) == 6
    for bad in (0, len(codes) + 1):
        with pytest.raises(ValueError, match="clusters"):
            sc.cluster_codes(codes, k=bad)


FIRST_WEIGHT = next(iter(torch.load(f"{DEFAULT_OBJECT_SET}/{sc.ENCODER_FILE}", weights_only=True)["state_dict"]))


def _encoder_with(change):
    def write(path):
        blob = torch.load(f"{DEFAULT_OBJECT_SET}/{sc.ENCODER_FILE}", weights_only=True)
        change(blob)
        torch.save(blob, path)
    return write


BAD_ENCODERS = {  # case: (how to write the file, field)
    "not a checkpoint": (lambda p: p.write_bytes(b"not a checkpoint"), "(file)"),
    "a list": (lambda p: torch.save([1, 2], p), "(file)"),
    "no code_dim": (_encoder_with(lambda b: b.pop("code_dim")), "code_dim"),
    "code_dim a string": (_encoder_with(lambda b: b.update(code_dim="64")), "code_dim"),
    "code_dim of another encoder": (_encoder_with(lambda b: b.update(code_dim=32)), "state_dict"),
    "no weights": (_encoder_with(lambda b: b.pop("state_dict")), "state_dict"),
    "a weight missing": (_encoder_with(lambda b: b["state_dict"].pop(next(iter(b["state_dict"])))), "state_dict"),
    "code_dim zero": (_encoder_with(lambda b: b.update(code_dim=0)), "code_dim"),
    "code_dim negative": (_encoder_with(lambda b: b.update(code_dim=-64)), "code_dim"),
    "code_dim true": (_encoder_with(lambda b: b.update(code_dim=True)), "code_dim"),
    "code_dim a float": (_encoder_with(lambda b: b.update(code_dim=64.0)), "code_dim"),
    "weights a list": (_encoder_with(lambda b: b.update(state_dict=list(b["state_dict"].values()))), "state_dict"),
    "weights a tensor": (_encoder_with(lambda b: b.update(state_dict=torch.zeros(3))), "state_dict"),
    "a weight of another shape": (_encoder_with(lambda b: b["state_dict"].update(
        {k: v[:-1] for k, v in list(b["state_dict"].items())[:1]})), "state_dict"),
    "a NaN weight": (_encoder_with(lambda b: b["state_dict"][FIRST_WEIGHT].view(-1).__setitem__(0, float("nan"))),
                     f"state_dict.{FIRST_WEIGHT}"),
    "a weight that is a string": (_encoder_with(lambda b: b["state_dict"].update({FIRST_WEIGHT: "zeros"})),
                                  f"state_dict.{FIRST_WEIGHT}"),
}


@pytest.mark.parametrize("case", sorted(BAD_ENCODERS))
def test_a_malformed_encoder_file_names_the_file_and_field(tmp_path, case):
    write, field = BAD_ENCODERS[case]
    path = tmp_path / sc.ENCODER_FILE
    write(path)
    with pytest.raises(ObjectFormatError) as e:
        sc.load_encoder(str(path))
    assert e.value.source == str(path) and e.value.field == field, str(e.value)
    with pytest.raises(FileNotFoundError, match="make_shape_codes"):
        sc.load_shape_codes(str(tmp_path))


def _codes_with(change):
    def write(tmp_path):
        with np.load(f"{DEFAULT_OBJECT_SET}/{sc.CODES_FILE}") as f:
            arrays = {k: f[k] for k in f.files}
        change(arrays)
        np.savez(tmp_path / sc.CODES_FILE, **arrays)
    return write


def _put(key, value):
    return _codes_with(lambda a: a.__setitem__(key, value(a[key]) if callable(value) else value))


BAD_CODES = {  # case: (how to write the file, field, part of the message)
    "not an archive": (lambda p: (p / sc.CODES_FILE).write_bytes(b"PK\x03\x04 torn"), "(file)", "unreadable"),
    "no codes": (_codes_with(lambda a: a.pop("codes")), "codes", "nothing"),
    "no seed": (_codes_with(lambda a: a.pop("seed")), "seed", "nothing"),
    "names as numbers": (_put("names", lambda n: np.arange(len(n))), "names", "int64"),
    "names of two dimensions": (_put("names", lambda n: n.reshape(-1, 1)), "names", "shape"),
    "no names": (_put("names", lambda n: n[:0]), "names", "non-empty"),
    "a name twice": (_put("names", lambda n: np.concatenate([n[:1], n[:-1]])), "names", "listed twice"),
    "a code short": (_put("codes", lambda c: c[:-1]), "codes", "one row per name"),
    "codes as strings": (_put("codes", lambda c: c.astype(str)), "codes", "<U"),
    "a NaN code": (_put("codes", lambda c: np.where(np.arange(c.size).reshape(c.shape) == 7, np.nan, c)), "codes",
                   "non-finite"),
    "centres of another width": (_put("centres", lambda c: c[:, :-1]), "centres", "a code per cluster"),
    "a centre short": (_put("centres", lambda c: c[:-1]), "centres", "a code per cluster"),
    "labels as floats": (_put("labels", lambda l: l.astype(np.float32)), "labels", "float32"),
    "a label past the clusters": (_put("labels", lambda l: np.where(np.arange(len(l)) == 3, 99, l)), "labels",
                                  "cluster indices in"),
    "a negative label": (_put("labels", lambda l: np.where(np.arange(len(l)) == 3, -1, l)), "labels",
                         "cluster indices in"),
    "a centre object not in names": (_put("centre_objects", lambda c: np.array(["teapot_00", *c[1:]])),
                                     "centre_objects", "teapot_00"),
    "seed a string": (_put("seed", np.array("zero")), "seed", "<U"),
}


@pytest.mark.parametrize("case", sorted(BAD_CODES))
def test_malformed_shape_codes_name_the_file_and_field(tmp_path, case):
    write, field, message = BAD_CODES[case]
    write(tmp_path)
    with pytest.raises(ObjectFormatError) as e:
        sc.load_shape_codes(str(tmp_path))
    assert e.value.source.endswith(sc.CODES_FILE) and e.value.field == field and message in str(e.value), str(e.value)
