"""Test configuration: CPU-only, single-threaded torch, Warp kernels cached inside the repository."""
from dex_more.paths import REPO_ROOT
from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: learning runs, long simulations and the longest end-to-end process tests (run with `./dex test --slow`)")


@pytest.fixture(scope="session")
def repo_root() -> str:
    return REPO_ROOT
