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
from ..errors import describe
from .errors import MotionFormatError
from .reference_motion import SIDES, ReferenceMotion

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
    """Entries of a manifest; a missing file, a malformed entry or a listed clip that does not exist is an error
    (:class:`MotionFormatError` naming the manifest and the entry's field, or FileNotFoundError)."""
    if os.path.isdir(path):
        raise MotionFormatError(path, "<file>", "a folder", "a clip manifest (manifest.json)")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"clip manifest {path} does not exist")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise MotionFormatError(path, "<file>", f"invalid JSON ({e})", "a clip manifest") from None
    if not isinstance(data, dict):
        raise MotionFormatError(path, "<file>", f"JSON {type(data).__name__}", "a JSON object {format_version, clips}")
    if data.get("format_version") != 1 or isinstance(data.get("format_version"), bool):
        raise MotionFormatError(path, "format_version", repr(data.get("format_version")), "1")
    if not isinstance(data.get("clips"), list):
        raise MotionFormatError(path, "clips", describe(data.get("clips")), "a list of clip entries")
    root = os.path.dirname(os.path.abspath(path))
    entries, names = [], set()
    for i, c in enumerate(data["clips"]):
        if not isinstance(c, dict):
            raise MotionFormatError(path, f"clips[{i}]", describe(c), "a clip entry {file, name, split, sides}")
        for key in ("file", "name", "split", "sides"):
            if key not in c:
                raise MotionFormatError(path, f"clips[{i}].{key}", "nothing (missing)", "a value")
        for key in ("file", "name", "split"):
            if not isinstance(c[key], str) or not c[key]:
                raise MotionFormatError(path, f"clips[{i}].{key}", describe(c[key]), "a non-empty string")
        if c["name"] in names:
            raise MotionFormatError(path, f"clips[{i}].name", repr(c["name"]), "a name used once")
        names.add(c["name"])
        sides = c["sides"]
        if not isinstance(sides, list) or not sides or len(set(map(str, sides))) != len(sides) \
                or not all(s in SIDES for s in sides):
            raise MotionFormatError(path, f"clips[{i}].sides", describe(sides), f"a list of distinct sides from {SIDES}")
        num_objects = c.get("num_objects", 0)
        if isinstance(num_objects, bool) or not isinstance(num_objects, int) or not 0 <= num_objects <= 2:
            raise MotionFormatError(path, f"clips[{i}].num_objects", describe(num_objects), "0, 1 or 2")
        skill = c.get("skill", "")
        if not isinstance(skill, str):
            raise MotionFormatError(path, f"clips[{i}].skill", describe(skill), "a string")
        clip_path = os.path.join(root, c["file"])
        if not os.path.isfile(clip_path):
            what = "is a folder" if os.path.isdir(clip_path) else "does not exist"
            raise FileNotFoundError(f"clip manifest {path} lists {c['file']}, which {what} ({clip_path})")
        entries.append(ClipEntry(clip_path, c["name"], c["split"], tuple(sides), num_objects, skill))
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
