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


def test_a_corrupt_encoder_file_names_the_file(tmp_path):
    path = tmp_path / "shape_encoder.pt"
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(ObjectFormatError, match=str(path)):
        sc.load_encoder(str(path))
    with pytest.raises(FileNotFoundError, match="make_shape_codes"):
        sc.load_shape_codes(str(tmp_path))
