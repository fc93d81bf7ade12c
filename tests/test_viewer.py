"""The browser viewer: ``scripts/play.py --viz viser`` serves a trained policy's rollout on loopback, headless
Chromium draws it (a screenshot of the 3-D view that is not blank and moves between two frames), and a clip picked
in its side panel is the one play.py then plays."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

from dex_more.viewer import ANY_CLIP, browser_screenshots, connected_page, find_chromium

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TASK = "Dex-HOTrack-Imitator-v0"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scene(png: bytes) -> np.ndarray:
    """The middle of the 3-D view (left of Isaac Lab's side panel) as float RGB."""
    import io

    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.float32)
    h, w, _ = image.shape
    return image[int(0.25 * h):int(0.9 * h), int(0.05 * w):int(0.62 * w)]


def _pick_last_clip(url: str) -> str:
    """Open the page, pick the last clip of the "Clip" dropdown; its name."""
    with connected_page(url) as page:
        page.locator(f"input:not([type=hidden])[value='{ANY_CLIP}']").click(timeout=60_000)
        options = page.get_by_role("option").all_inner_texts()
        assert options[0] == ANY_CLIP and len(options) > 1, options
        page.get_by_role("option", name=options[-1], exact=True).click()
        time.sleep(1)
        return options[-1]


@pytest.mark.slow  # ~70 s of subprocesses: kept out of the fast suite's 15-minute budget
def test_the_web_viewer_draws_the_rollout_in_a_browser(tmp_path):
    if find_chromium() is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium); the viewer is untested here")
    pytest.importorskip("playwright.sync_api", reason="playwright drives the browser")
    from test_hotrack import train_in_process

    checkpoint = train_in_process(TASK, str(tmp_path), iterations=1)
    port = _free_port()
    play = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "play.py"), "--task", TASK, "--checkpoint",
                             checkpoint, "--viz", "viser", "--port", str(port)], cwd=str(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url, log = None, []
        deadline = time.monotonic() + 300  # env build + the first Warp compile of a fresh process
        while url is None and time.monotonic() < deadline:
            line = play.stdout.readline()
            if not line:
                break
            log.append(line)
            if line.startswith("[play] watch it at "):
                url = line.split()[4]
        assert url is not None, "".join(log[-30:])
        assert url.startswith("http://127.0.0.1:"), url  # the asked port, or the next free one if it was taken
        first, second = (_scene(png) for png in browser_screenshots(url, count=2, interval=3.0))
        assert play.poll() is None, "play.py stopped while the page was open"
        # the side panel's clip selector: picking a clip restarts every env in it
        clip = _pick_last_clip(url)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(line.startswith(f"[play] clip {clip}") for line in log):
            log.append(play.stdout.readline())
        assert any(line.startswith(f"[play] clip {clip}") for line in log), "".join(log[-10:])
        # drawn: a scene (ground grid, table, hand) is many colours, a blank canvas one
        for shot in (first, second):
            assert shot.std() > 10 and len(np.unique(shot.reshape(-1, 3), axis=0)) > 50
        # moving: the hand follows the policy between the two screenshots
        changed = np.abs(first - second).max(-1) > 30
        assert changed.mean() > 1e-4, f"{int(changed.sum())} pixels changed"
    finally:
        play.terminate()
        try:
            play.wait(timeout=30)
        except subprocess.TimeoutExpired:
            play.kill()
