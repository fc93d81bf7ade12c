"""Shape codes and clusters (ResDex): a 64-d code per object from a PointNet trained on the object set, K-means on
the codes, and the object nearest each cluster centre.

The encoder is a PointNet (shared per-point MLP, max-pooled; Qi et al. 2017) trained self-supervised as the
encoder of a point-cloud autoencoder: the decoder maps the code back to a point set, and the loss is the Chamfer
distance to the object's surface points. Points are in the object frame [m], unscaled, so the code holds size as
well as shape (what a grasp depends on); training rotates each cloud about z at random (objects are spawned at any
yaw). ``scripts/make_shape_codes.py`` trains it, seeded and single-threaded, and writes the weights, the codes and
the clusters beside the object set.

``shape_codes.npz``: ``names`` (N,), ``codes`` (N, 64), ``labels`` (N,) cluster of each object, ``centres``
(k, 64), ``centre_objects`` (k,) the object nearest each centre, ``seed``.
"""
from __future__ import annotations

import os

import numpy as np
import torch
from torch import nn

import isaaclab.utils.math as math_utils

from ..errors import describe, numeric_array
from .object_set import DEFAULT_OBJECT_SET, ObjectFormatError, ObjectSet, read_npz

CODE_DIM = 64
ENCODER_FILE, CODES_FILE, PLOT_FILE = "shape_encoder.pt", "shape_codes.npz", "clusters.png"


def _mlp(sizes: list[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class PointNetEncoder(nn.Module):
    """(B, P, 3) points [m, object frame] → (B, CODE_DIM) code: a per-point MLP, max over points, a linear head."""

    def __init__(self, code_dim: int = CODE_DIM):
        super().__init__()
        self.point_mlp = nn.Sequential(_mlp([3, 64, 128, 256]), nn.ReLU())
        self.head = nn.Linear(256, code_dim)

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        return self.head(self.point_mlp(points).max(dim=-2).values)


class PointCloudAutoencoder(nn.Module):
    """The encoder and a decoder from the code to ``decoded_points`` points (B, decoded_points, 3) [m]."""

    def __init__(self, code_dim: int = CODE_DIM, decoded_points: int = 256):
        super().__init__()
        self.encoder = PointNetEncoder(code_dim)
        self.decoder = _mlp([code_dim, 256, 256, decoded_points * 3])
        self.decoded_points = decoded_points

    def forward(self, points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        code = self.encoder(points)
        return code, self.decoder(code).view(-1, self.decoded_points, 3)


def chamfer_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Symmetric Chamfer distance (B,) [m²] between point sets (B, P, 3) and (B, Q, 3): mean squared distance of each
    point to the other set's nearest, both ways."""
    d = torch.cdist(a, b).square()
    return d.min(-1).values.mean(-1) + d.min(-2).values.mean(-1)


def _yaw_rotations(count: int, gen: torch.Generator) -> torch.Tensor:
    """(count, 3, 3) rotations about z by angles uniform in [0, 2π)."""
    yaw = torch.rand(count, generator=gen) * 2 * torch.pi
    return math_utils.matrix_from_euler(torch.stack([torch.zeros_like(yaw), torch.zeros_like(yaw), yaw], -1), "XYZ")


def train_autoencoder(points: np.ndarray, epochs: int = 400, batch_size: int = 32, sample: int = 256,
                      learning_rate: float = 1e-3, seed: int = 0, log_every: int = 0) -> tuple[PointCloudAutoencoder, list[float]]:
    """Train on ``points`` (N, S, 3) [m]; each step sees ``sample`` of each cloud's S points, yawed at random.
    Returns the model and the mean Chamfer loss [m²] of each epoch. Deterministic for a seed on the CPU."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = PointCloudAutoencoder()
    opt = torch.optim.Adam(model.parameters(), lr=learning_rate)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    data = torch.as_tensor(points, dtype=torch.float32)
    n, s = data.shape[:2]
    history = []
    for epoch in range(epochs):
        order, total = torch.randperm(n, generator=gen), 0.0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            pick = torch.argsort(torch.rand(len(idx), s, generator=gen), dim=-1)[:, :sample]
            batch = torch.gather(data[idx], 1, pick[..., None].expand(-1, -1, 3))
            batch = batch @ _yaw_rotations(len(idx), gen).transpose(-1, -2)
            _, decoded = model(batch)
            loss = chamfer_distance(decoded, batch).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        sched.step()
        history.append(total / n)
        if log_every and (epoch + 1) % log_every == 0:
            print(f"[shape_code] epoch {epoch + 1}/{epochs}: Chamfer {history[-1] * 1e6:.1f} mm²", flush=True)
    return model, history


@torch.no_grad()
def encode(encoder: PointNetEncoder, points: np.ndarray) -> np.ndarray:
    """(N, CODE_DIM) codes of clouds (N, S, 3) [m, object frame], all S points."""
    return encoder(torch.as_tensor(points, dtype=torch.float32)).numpy()


def cluster_codes(codes: np.ndarray, k: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """K-means (scikit-learn) on ``codes`` (N, D): labels (N,), centres (k, D), and the index of the object nearest
    each centre (k,). Deterministic for a seed."""
    from sklearn.cluster import KMeans

    if not 1 <= k <= len(codes):
        raise ValueError(f"k={k}: need between 1 and {len(codes)} clusters (one per object at most)")
    km = KMeans(n_clusters=k, random_state=seed, n_init=10).fit(codes)
    distances = np.linalg.norm(codes[None] - km.cluster_centers_[:, None], axis=-1)  # (k, N)
    return km.labels_.astype(np.int64), km.cluster_centers_, distances.argmin(1)


def save_encoder(encoder: PointNetEncoder, path: str) -> None:
    torch.save({"code_dim": encoder.head.out_features, "state_dict": encoder.state_dict()}, path)


def load_encoder(path: str) -> PointNetEncoder:
    """The encoder :func:`save_encoder` wrote; a malformed file raises :class:`ObjectFormatError` naming the field."""
    what = "a shape encoder saved by scripts/make_shape_codes.py"
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as e:  # noqa: BLE001  (a truncated or foreign file: say which)
        raise ObjectFormatError(path, "(file)", f"unreadable ({type(e).__name__}: {str(e)[:120]})", what) from None
    if not isinstance(blob, dict):
        raise ObjectFormatError(path, "(file)", describe(blob), what + " (a dict)")
    code_dim = blob.get("code_dim")
    if isinstance(code_dim, bool) or not isinstance(code_dim, int) or code_dim < 1:
        raise ObjectFormatError(path, "code_dim", describe(code_dim) if "code_dim" in blob else "nothing",
                                "the code size (an int >= 1)")
    weights = blob.get("state_dict")
    if not isinstance(weights, dict):
        raise ObjectFormatError(path, "state_dict", describe(weights) if "state_dict" in blob else "nothing",
                                "a state dict {parameter name: tensor}")
    for name, tensor in weights.items():
        if not isinstance(tensor, torch.Tensor) or not bool(torch.isfinite(tensor).all()):
            raise ObjectFormatError(path, f"state_dict.{name}", "NaN or infinite weights" if
                                    isinstance(tensor, torch.Tensor) else describe(tensor), "finite weight tensors")
    encoder = PointNetEncoder(code_dim)
    try:
        encoder.load_state_dict(weights)
    except Exception as e:  # noqa: BLE001  (missing, foreign or wrongly shaped weights)
        raise ObjectFormatError(path, "state_dict", f"weights that do not fit ({str(e)[:120]})",
                                f"a PointNet encoder's state dict with {code_dim}-d codes") from None
    return encoder.eval()


def save_codes(path: str, names: list[str], codes: np.ndarray, labels: np.ndarray, centres: np.ndarray,
               centre_ids: np.ndarray, seed: int) -> None:
    np.savez(path, names=np.asarray(names), codes=codes.astype(np.float32), labels=labels, centres=centres.astype(np.float32),
             centre_objects=np.asarray(names)[centre_ids], seed=np.int64(seed))


def load_shape_codes(root: str = DEFAULT_OBJECT_SET) -> dict[str, np.ndarray]:
    """The codes and clusters of the object set in ``root`` (see the module docstring)."""
    path = os.path.join(root, CODES_FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no shape codes; build them with scripts/make_shape_codes.py --objects {root}")
    raw = read_npz(path, "the .npz archive scripts/make_shape_codes.py writes")
    missing = {"names", "codes", "labels", "centres", "centre_objects", "seed"} - set(raw)
    if missing:
        raise ObjectFormatError(path, ", ".join(sorted(missing)), "nothing", "the arrays make_shape_codes.py writes")
    out = {key: _names(path, key, raw[key]) for key in ("names", "centre_objects")}
    n = len(out["names"])
    if len(set(out["names"].tolist())) != n:
        raise ObjectFormatError(path, "names", "a name listed twice", "each object once")
    out["codes"] = numeric_array(ObjectFormatError, path, "codes", raw["codes"], (n, None), min_rows=1,
                                 expected=f"({n}, D) codes, one row per name").astype(np.float32)
    k, dim = len(out["centre_objects"]), out["codes"].shape[1]
    out["centres"] = numeric_array(ObjectFormatError, path, "centres", raw["centres"], (k, dim),
                                   expected=f"({k}, {dim}): a code per cluster").astype(np.float32)
    out["labels"] = numeric_array(ObjectFormatError, path, "labels", raw["labels"], (n,), integer=True,
                                  expected=f"({n},) cluster indices")
    if n and (out["labels"].min() < 0 or out["labels"].max() >= k):
        raise ObjectFormatError(path, "labels", f"values in [{out['labels'].min()}, {out['labels'].max()}]",
                                f"cluster indices in [0, {k - 1}]")
    stray = sorted(set(out["centre_objects"].tolist()) - set(out["names"].tolist()))
    if stray:
        raise ObjectFormatError(path, "centre_objects", f"{stray[:3]}, not in names", "objects listed in names")
    out["seed"] = numeric_array(ObjectFormatError, path, "seed", raw["seed"], (), integer=True).astype(np.int64)
    return out


def _names(path: str, key: str, value) -> np.ndarray:
    if not isinstance(value, np.ndarray) or value.ndim != 1 or value.dtype.kind != "U" or not value.size:
        raise ObjectFormatError(path, key, describe(value), "a non-empty 1-D array of object names")
    return value


def plot_clusters(path: str, object_set: ObjectSet, codes: np.ndarray, labels: np.ndarray, centre_ids: np.ndarray) -> None:
    """The codes projected on their two principal components, coloured by cluster, marked by family, the centre
    objects named."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.decomposition import PCA

    xy = PCA(n_components=2, random_state=0).fit_transform(codes)
    families = sorted({o.family for o in object_set.objects})
    markers = "osD^vP*Xh<>"
    fig, ax = plt.subplots(figsize=(7, 5.5))
    for f, family in enumerate(families):
        mask = np.array([o.family == family for o in object_set.objects])
        ax.scatter(xy[mask, 0], xy[mask, 1], c=[f"C{c}" for c in labels[mask]], marker=markers[f % len(markers)],
                   s=28, alpha=0.8, edgecolors="none")
        ax.scatter([], [], c="grey", marker=markers[f % len(markers)], label=family)
    for c, i in enumerate(centre_ids):
        ax.scatter(*xy[i], s=160, facecolors="none", edgecolors=f"C{c}", linewidths=2)
        ax.annotate(object_set.objects[i].name, xy[i], xytext=(6, 6), textcoords="offset points", fontsize=8, color=f"C{c}")
    ax.set_xlabel("principal component 1")
    ax.set_ylabel("principal component 2")
    ax.set_title(f"Shape codes of {len(codes)} objects: {len(centre_ids)} K-means clusters (colour), centre objects circled")
    ax.title.set_fontsize(9)
    ax.legend(title="family", fontsize=7, title_fontsize=8, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
