"""An object set on disk and in memory: a manifest (``manifest.json``) and the geometry (``geometry.npz``).

``manifest.json``::

    {"format_version": 1,
     "families": {"box": "seen", ..., "torus": "unseen"},
     "objects": [{"name": "box_00", "family": "box", "split": "train", "mass": 0.21, "density": 410.0,
                  "friction": 0.8, "com": [x, y, z], "inertia": [[...], [...], [...]], "extents": [x, y, z]}, ...]}

``geometry.npz`` holds, per object ``<name>``: ``<name>/visual_vertices`` (V, 3) and ``<name>/visual_faces`` (F, 3)
(the watertight surface), ``<name>/part_vertices`` (P, 3), ``<name>/part_faces`` (Q, 3) and
``<name>/part_sizes`` (K, 2) (vertices and faces of each convex collision part, concatenated), ``<name>/points`` and
``<name>/normals`` (S, 3) (surface samples). Object frame: the object resting on a table (z up), origin at its
bounding-box centre; metres, kilograms; ``inertia`` about the centre of mass. Splits: ``train``, ``unseen_objects`` (new objects of training
families), ``unseen_families`` (families held out whole).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import numpy as np

from ..errors import DataFormatError, describe, is_positive_number, numeric_array
from ..paths import DATA_DIR

FORMAT_VERSION = 1
SPLITS = ("train", "unseen_objects", "unseen_families")
FAMILY_KINDS = ("seen", "unseen")
"""What ``families`` maps each family to: trained on (its held-out objects are ``unseen_objects``), or held out whole."""
UNIT_NORMAL_TOL = 1e-3
DEFAULT_OBJECT_SET = os.path.join(DATA_DIR, "objects")


class ObjectFormatError(DataFormatError):
    """An object-set file that does not hold what its format promises."""


@dataclass
class ObjectAsset:
    """One object: its surface, its convex collision parts, surface samples and physical properties."""

    name: str
    family: str
    split: str
    visual_vertices: np.ndarray
    visual_faces: np.ndarray
    parts: list[tuple[np.ndarray, np.ndarray]]
    """Convex collision parts as (vertices (n, 3), triangle faces (m, 3)), object frame [m]."""
    points: np.ndarray
    normals: np.ndarray
    mass: float
    density: float
    friction: float
    com: np.ndarray
    inertia: np.ndarray
    extents: np.ndarray = field(default=None)

    def __post_init__(self):
        if self.extents is None:
            self.extents = self.visual_vertices.max(0) - self.visual_vertices.min(0)

    @property
    def mesh(self):
        """The surface as a trimesh (for signed distances, rendering)."""
        import trimesh

        return trimesh.Trimesh(self.visual_vertices, self.visual_faces, process=False)

    @property
    def half_height(self) -> float:
        """How high above a table the origin sits when the object rests as authored (z up) [m]."""
        return float(-self.visual_vertices[:, 2].min())

    def manifest_entry(self) -> dict:
        # full precision: mass, centre of mass and inertia are the solid's, to the last digit
        return {"name": self.name, "family": self.family, "split": self.split, "mass": float(self.mass),
                "density": float(self.density), "friction": float(self.friction),
                "com": np.asarray(self.com, dtype=float).tolist(), "inertia": np.asarray(self.inertia, dtype=float).tolist(),
                "extents": np.round(self.extents, 6).tolist(), "parts": len(self.parts)}

    def arrays(self) -> dict[str, np.ndarray]:
        sizes = np.array([[len(v), len(f)] for v, f in self.parts], dtype=np.int32)
        return {f"{self.name}/visual_vertices": self.visual_vertices.astype(np.float32),
                f"{self.name}/visual_faces": self.visual_faces.astype(np.int32),
                f"{self.name}/part_vertices": np.concatenate([v for v, _ in self.parts]).astype(np.float32),
                f"{self.name}/part_faces": np.concatenate([f for _, f in self.parts]).astype(np.int32),
                f"{self.name}/part_sizes": sizes,
                f"{self.name}/points": self.points.astype(np.float32),
                f"{self.name}/normals": self.normals.astype(np.float32)}


class ObjectSet:
    """The objects of a set, by name and by split (manifest order)."""

    def __init__(self, objects: list[ObjectAsset], families: dict[str, str], root: str | None = None):
        self.objects, self.families, self.root = list(objects), dict(families), root
        self._by_name = {o.name: o for o in self.objects}

    def __len__(self) -> int:
        return len(self.objects)

    def __getitem__(self, key: int | str) -> ObjectAsset:
        if isinstance(key, str):
            if key not in self._by_name:
                raise KeyError(f"no object '{key}' in the object set {self.root or ''}; it has {len(self)} objects "
                               f"such as {[o.name for o in self.objects[:3]]}")
            return self._by_name[key]
        return self.objects[key]

    @property
    def names(self) -> list[str]:
        return [o.name for o in self.objects]

    def split(self, name: str) -> list[ObjectAsset]:
        if name not in SPLITS:
            raise ValueError(f"unknown split '{name}'; splits: {SPLITS}")
        return [o for o in self.objects if o.split == name]

    @property
    def max_parts(self) -> int:
        return max(len(o.parts) for o in self.objects)

    def save(self, root: str) -> None:
        """Write ``manifest.json`` and ``geometry.npz`` under ``root`` (each replaced whole, never half-written)."""
        os.makedirs(root, exist_ok=True)
        arrays = {}
        for o in self.objects:
            arrays.update(o.arrays())
        tmp = os.path.join(root, f".geometry.{os.getpid()}.npz")
        np.savez_compressed(tmp, **arrays)
        os.replace(tmp, os.path.join(root, "geometry.npz"))
        manifest = {"format_version": FORMAT_VERSION, "families": self.families,
                    "objects": [o.manifest_entry() for o in self.objects]}
        tmp = os.path.join(root, f".manifest.{os.getpid()}.json")
        with open(tmp, "w") as f:
            json.dump(manifest, f, indent=1)
        os.replace(tmp, os.path.join(root, "manifest.json"))
        self.root = root


def read_npz(path: str, expected: str) -> dict[str, np.ndarray]:
    """Every array of the .npz archive at ``path``, or :class:`ObjectFormatError` for a damaged or foreign file
    (``expected`` says what should be there)."""
    try:
        with np.load(path) as f:
            return {key: f[key] for key in f.files}
    except Exception as e:  # noqa: BLE001  (zip, zlib or pickle errors of a damaged or foreign file)
        raise ObjectFormatError(path, "(file)", f"unreadable ({e.__class__.__name__}: {str(e)[:80]})",
                                expected) from None


def _field(entry: dict, key: str, source: str, where: str, kind, shape: tuple | None = None):
    if key not in entry:
        raise ObjectFormatError(source, f"{where}.{key}", "nothing", f"a {kind.__name__ if isinstance(kind, type) else kind}")
    value = entry[key]
    if shape is not None:
        return numeric_array(ObjectFormatError, source, f"{where}.{key}", value, shape)
    if kind is float:
        if not is_positive_number(value):
            raise ObjectFormatError(source, f"{where}.{key}", describe(value), "a positive number")
        return float(value)
    if not isinstance(value, kind) or (kind is str and not value):
        raise ObjectFormatError(source, f"{where}.{key}", describe(value), f"a {'non-empty ' if kind is str else ''}"
                                f"{kind.__name__}")
    return value


_GEOMETRY = (("visual_vertices", 3, False, 3), ("visual_faces", 3, True, 1), ("part_vertices", 3, False, 4),
             ("part_faces", 3, True, 4), ("part_sizes", 2, True, 1), ("points", 3, False, 1), ("normals", 3, False, 1))
"""Each object's arrays in geometry.npz: (key, columns, integer, fewest rows)."""


def _geometry_arrays(geometry, geometry_path: str, name: str) -> dict[str, np.ndarray]:
    """The arrays of object ``name``, each checked as stored (``<name>/<key>``), and their cross-references."""
    arrays = {}
    for key, cols, integer, rows in _GEOMETRY:
        k = f"{name}/{key}"
        if k not in geometry.files:
            raise ObjectFormatError(geometry_path, k, "nothing", f"an array (n, {cols})")
        try:
            raw = geometry[k]
        except Exception as e:  # noqa: BLE001  (zlib, pickle or zip errors of a damaged member)
            raise ObjectFormatError(geometry_path, k, f"an unreadable member ({e.__class__.__name__})",
                                    f"an array (n, {cols})") from None
        checked = numeric_array(ObjectFormatError, geometry_path, k, raw, (None, cols), min_rows=rows, integer=integer)
        arrays[key] = checked.astype(np.int32 if integer else np.float32)  # as ObjectAsset.arrays writes them
    sizes = arrays["part_sizes"]
    if sizes.min() < 4:  # a closed convex solid has at least 4 vertices and 4 faces (a tetrahedron)
        raise ObjectFormatError(geometry_path, f"{name}/part_sizes", f"a part of {sizes.min()} vertices or faces",
                                "at least 4 vertices and 4 faces per convex part")
    if sizes.sum(0).tolist() != [len(arrays["part_vertices"]), len(arrays["part_faces"])]:
        raise ObjectFormatError(geometry_path, f"{name}/part_sizes", str(sizes.sum(0).tolist()),
                                f"the part vertex and face counts {[len(arrays['part_vertices']), len(arrays['part_faces'])]}")
    if len(arrays["normals"]) != len(arrays["points"]):
        raise ObjectFormatError(geometry_path, f"{name}/normals", f"{len(arrays['normals'])} rows",
                                f"one normal per point ({len(arrays['points'])})")
    norm = np.linalg.norm(arrays["normals"], axis=1)
    if np.abs(norm - 1).max() > UNIT_NORMAL_TOL:
        raise ObjectFormatError(geometry_path, f"{name}/normals", f"a normal of length {norm[np.abs(norm - 1).argmax()]:.4f}",
                                "unit normals")
    if arrays["visual_faces"].max() >= len(arrays["visual_vertices"]) or arrays["visual_faces"].min() < 0:
        raise ObjectFormatError(geometry_path, f"{name}/visual_faces", "indices outside the vertices",
                                "indices into visual_vertices")
    return arrays


def _extents(entry: dict, source: str, where: str) -> np.ndarray:
    """``extents`` [m]: the bounding box's sizes, each > 0."""
    extents = _field(entry, "extents", source, where, float, (3,))
    if extents.min() <= 0:
        raise ObjectFormatError(source, f"{where}.extents", str(extents.tolist()), "three sizes > 0 [m]")
    return extents


def _inertia(entry: dict, source: str, where: str) -> np.ndarray:
    """``inertia`` [kg m²] about the centre of mass: symmetric and positive definite, or the solver diverges."""
    inertia = _field(entry, "inertia", source, where, float, (3, 3))
    scale = np.abs(inertia).max()
    if np.abs(inertia - inertia.T).max() > 1e-6 * scale:
        raise ObjectFormatError(source, f"{where}.inertia", "a matrix that is not symmetric", "a symmetric 3x3 tensor")
    if scale == 0 or np.linalg.eigvalsh(inertia).min() <= 0:
        raise ObjectFormatError(source, f"{where}.inertia", f"principal moments {np.linalg.eigvalsh(inertia).round(9)}",
                                "a positive definite tensor (all principal moments > 0)")
    return inertia


def load_object_set(root: str = DEFAULT_OBJECT_SET) -> ObjectSet:
    """Read and validate an object set; a malformed file raises :class:`ObjectFormatError` naming file and field."""
    manifest_path, geometry_path = os.path.join(root, "manifest.json"), os.path.join(root, "geometry.npz")
    for path in (manifest_path, geometry_path):
        if not os.path.isfile(path):
            raise FileNotFoundError(f"object set {root}: {os.path.basename(path)} is missing "
                                    "(the bundled set is rebuilt by scripts/make_objects.py)")
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ObjectFormatError(manifest_path, "(file)", f"invalid JSON ({str(e)[:80]})", "a JSON object") from None
    if not isinstance(manifest, dict):
        raise ObjectFormatError(manifest_path, "(file)", f"JSON {type(manifest).__name__}", "a JSON object")
    if manifest.get("format_version") != FORMAT_VERSION or isinstance(manifest.get("format_version"), bool):
        raise ObjectFormatError(manifest_path, "format_version", describe(manifest.get("format_version")),
                                str(FORMAT_VERSION))
    families = _field(manifest, "families", manifest_path, "manifest", dict)
    for family, kind in families.items():
        if kind not in FAMILY_KINDS:
            raise ObjectFormatError(manifest_path, f"families.{family}", describe(kind), f"one of {FAMILY_KINDS}")
    entries = _field(manifest, "objects", manifest_path, "manifest", list)
    if not entries:
        raise ObjectFormatError(manifest_path, "objects", "an empty list", "at least one object")
    try:
        geometry = np.load(geometry_path)
    except Exception as e:  # noqa: BLE001  (zip or pickle errors of a damaged file)
        raise ObjectFormatError(geometry_path, "(file)", f"unreadable ({e.__class__.__name__})", "an .npz archive") from None
    objects, seen = [], set()
    with geometry:
        for i, entry in enumerate(entries):
            where = f"objects[{i}]"
            if not isinstance(entry, dict):
                raise ObjectFormatError(manifest_path, where, type(entry).__name__, "an object entry")
            name = _field(entry, "name", manifest_path, where, str)
            if "/" in name:  # geometry.npz keys are <name>/<array>
                raise ObjectFormatError(manifest_path, f"{where}.name", repr(name), "a name without '/'")
            if name in seen:
                raise ObjectFormatError(manifest_path, f"{where}.name", repr(name), "a name used once")
            seen.add(name)
            family = _field(entry, "family", manifest_path, where, str)
            if family not in families:
                raise ObjectFormatError(manifest_path, f"{where}.family", repr(family), f"one of {sorted(families)}")
            split = _field(entry, "split", manifest_path, where, str)
            if split not in SPLITS:
                raise ObjectFormatError(manifest_path, f"{where}.split", repr(split), f"one of {SPLITS}")
            arrays = _geometry_arrays(geometry, geometry_path, name)
            sizes = arrays["part_sizes"]
            parts, v0, f0 = [], 0, 0
            for nv, nf in sizes:
                faces = arrays["part_faces"][f0:f0 + nf]
                if faces.min() < 0 or faces.max() >= nv:
                    raise ObjectFormatError(geometry_path, f"{name}/part_faces", "indices outside their part",
                                            "indices into the part's own vertices")
                parts.append((arrays["part_vertices"][v0:v0 + nv], faces))
                v0, f0 = v0 + nv, f0 + nf
            objects.append(ObjectAsset(
                name=name, family=family, split=split, visual_vertices=arrays["visual_vertices"],
                visual_faces=arrays["visual_faces"], parts=parts, points=arrays["points"], normals=arrays["normals"],
                mass=_field(entry, "mass", manifest_path, where, float),
                density=_field(entry, "density", manifest_path, where, float),
                friction=_field(entry, "friction", manifest_path, where, float),
                com=_field(entry, "com", manifest_path, where, float, (3,)),
                inertia=_inertia(entry, manifest_path, where),
                extents=_extents(entry, manifest_path, where)))
    return ObjectSet(objects, families, root)
