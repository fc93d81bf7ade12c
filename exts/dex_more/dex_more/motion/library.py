"""The clip manifest: which motion files make up a data set, and their train/validation split.

``manifest.json`` (beside the clips): ``{"format_version": 1, "clips": [{"file", "name", "split",
"sides", "num_objects", "skill", "frames", "fps", "retarget": {hand: report}}]}``; ``file`` is
relative to the manifest.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

from ..paths import DATA_DIR
from .errors import MotionFormatError
from .reference_motion import ReferenceMotion

DEFAULT_MANIFEST = os.path.join(DATA_DIR, "demos", "manifest.json")
"""The bundled synthetic demonstrations."""


@dataclass(frozen=True)
class ClipEntry:
    path: str
    name: str
    split: str
    sides: tuple[str, ...]
    num_objects: int
    skill: str


def read_manifest(path: str = DEFAULT_MANIFEST) -> list[ClipEntry]:
    """Entries of a manifest; a missing file or a listed clip that does not exist is an error."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"clip manifest {path} does not exist")
    with open(path) as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:
            raise MotionFormatError(path, "<file>", f"invalid JSON ({e})", "a clip manifest") from e
    if data.get("format_version") != 1 or not isinstance(data.get("clips"), list):
        raise MotionFormatError(path, "format_version/clips", repr(data.get("format_version")),
                                "format_version 1 and a list of clips")
    root = os.path.dirname(os.path.abspath(path))
    entries = []
    for i, c in enumerate(data["clips"]):
        for key in ("file", "name", "split", "sides"):
            if key not in c:
                raise MotionFormatError(path, f"clips[{i}].{key}", "nothing (missing)", "a value")
        clip_path = os.path.join(root, c["file"])
        if not os.path.isfile(clip_path):
            raise FileNotFoundError(f"clip manifest {path} lists {c['file']}, which does not exist ({clip_path})")
        entries.append(ClipEntry(clip_path, c["name"], c["split"], tuple(c["sides"]), int(c.get("num_objects", 0)),
                                 c.get("skill", "")))
    return entries


def select_clips(entries: list[ClipEntry], sides: tuple[str, ...] | None = None, split: str | None = None,
                 num_objects: int | None = None, names: list[str] | None = None) -> list[ClipEntry]:
    """Entries whose hand sides equal ``sides`` (as a set), in ``split``, with ``num_objects``, named in ``names``."""
    out = [e for e in entries
           if (sides is None or set(e.sides) == set(sides)) and (split is None or e.split == split)
           and (num_objects is None or e.num_objects == num_objects) and (names is None or e.name in names)]
    return out


def load_clips(entries: list[ClipEntry], min_frames: int = 2) -> list[ReferenceMotion]:
    return [ReferenceMotion.load(e.path, min_frames=min_frames) for e in entries]
