"""Process defaults of dex_more's programs (scripts, benchmarks, tests), set before torch or Warp is imported.

    from dex_more.runtime import configure_process
    configure_process()
    import torch  # noqa: E402

Each default yields to a value the caller already exported.
"""
from __future__ import annotations

import os

from .paths import REPO_ROOT


def configure_process() -> None:
    """One BLAS thread per process and a persistent Warp kernel cache inside the repository.

    Why: on 2 cores, PPO updates with the default thread pool are ~80x slower than with one thread; a cold
    Warp kernel cache costs 30-45 s per new model, so it is kept between runs (``.cache/warp``, ignored by git).
    """
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("WARP_CACHE_PATH", os.path.join(REPO_ROOT, ".cache", "warp"))
