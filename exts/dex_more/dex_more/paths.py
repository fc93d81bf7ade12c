"""Locations of the repository's bundled data (USD assets, asset sources, generated motions).

dex_more is installed editable (``pip install -e exts/dex_more``), so the package sits two folders
below the repository root. ``DEX_MORE_ROOT`` overrides that for unusual layouts.
"""
from __future__ import annotations

import os

REPO_ROOT = os.environ.get(
    "DEX_MORE_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
)
USD_DIR = os.path.join(REPO_ROOT, "usd_assets")
SOURCE_DIR = os.path.join(REPO_ROOT, "source")
DATA_DIR = os.path.join(REPO_ROOT, "data")


def usd_path(*parts: str) -> str:
    """Absolute path of a bundled USD file; raises a clear error if the asset was not built."""
    path = os.path.join(USD_DIR, *parts)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"bundled asset {path} is missing: run `python scripts/build_assets.py` from {REPO_ROOT} to rebuild it"
        )
    return path
