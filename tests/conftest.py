"""Test configuration: CPU-only, single-threaded torch, Warp kernels cached inside the repository."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("WARP_CACHE_PATH", os.path.join(ROOT, ".cache", "warp"))

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: learning runs and long simulations (run with `./dex test --slow`)")


@pytest.fixture(scope="session")
def repo_root() -> str:
    return ROOT
