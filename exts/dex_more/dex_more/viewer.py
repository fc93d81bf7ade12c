"""Watching a rollout without Isaac Sim: Isaac Lab's ``viser`` visualizer, a 3-D view of the Newton scene in a web
browser (WebGL; software rendering is enough), served while ``scripts/play.py --viz viser`` runs.

The page shows every body of the scene (hands, objects, table, ground) as the simulation moves them, with Isaac
Lab's controls: pause the rendering or the simulation, reset the episode, live plots of the reward terms.
"""
from __future__ import annotations

import contextlib

import numpy as np

from .assets.scene import TABLE_HEIGHT

VIEWERS = ("viser",)
"""``--viz`` values play.py accepts (Isaac Lab's names)."""

DEFAULT_PORT = 8080


def _to_numpy(array) -> np.ndarray | None:
    """A Warp array, torch tensor or array-like as numpy (None stays None)."""
    if array is None:
        return None
    return array.numpy() if hasattr(array, "numpy") else np.asarray(array)


def _complete_newton_viser() -> None:
    """isaaclab_visualizers 3.0 calls ``ViewerViser._to_numpy``, which newton 1.6.1 (the pinned release) does not
    define: every frame then fails ("Error stepping visualizer ... no attribute '_to_numpy'") and the page stays
    empty. Give the class the method it expects, once, where it is missing."""
    from newton.viewer import ViewerViser

    if not hasattr(ViewerViser, "_to_numpy"):
        ViewerViser._to_numpy = staticmethod(_to_numpy)


def web_viewer_cfg(port: int = DEFAULT_PORT, address: str = "127.0.0.1"):
    """The visualizer config for ``env_cfg.sim.visualizer_cfgs``: a viser server on ``address:port`` (loopback by
    default; ``0.0.0.0`` serves other machines), the camera on env 0's table [m, world frame]."""
    from isaaclab_visualizers.viser import ViserVisualizerCfg

    _complete_newton_viser()
    return ViserVisualizerCfg(port=port, bind_address=address, display_address=address, verbose=False,
                              eye=(0.38, -0.38, TABLE_HEIGHT + 0.28), lookat=(0.0, 0.0, TABLE_HEIGHT + 0.06))


def _viewers(sim) -> list:
    """(visualizer, its newton viewer) of every visualizer of ``sim`` that has started one."""
    pairs = [(v, getattr(v, "_viewer", None)) for v in sim.visualizers]
    return [(v, viewer) for v, viewer in pairs if viewer is not None]


def _servers(sim) -> list:
    """The viser servers of ``sim``'s web viewers."""
    return [viewer._server for _, viewer in _viewers(sim) if getattr(viewer, "_server", None) is not None]


def served_urls(sim, address: str) -> list[str]:
    """Where the web viewers of ``sim`` listen: viser moves to the next free port when the asked one is taken."""
    return [f"http://{address}:{server.get_port()}" for server in _servers(sim)]


ANY_CLIP = "(any clip)"
"""The clip selector's entry for the task's own choice: a clip drawn at random per episode."""


def add_clip_selector(sim, clip_names: list[str], on_select) -> None:
    """A "Clip" dropdown in the side panel of every web viewer of ``sim``; ``on_select(name)`` (None for
    :data:`ANY_CLIP`) runs in the server's thread when a browser picks one."""
    for server in _servers(sim):
        dropdown = server.gui.add_dropdown("Clip", options=(ANY_CLIP, *clip_names), initial_value=ANY_CLIP)

        @dropdown.on_update
        def _(event, dropdown=dropdown):
            on_select(None if dropdown.value == ANY_CLIP else dropdown.value)


def share_camera(sim) -> None:
    """Give every browser that connects the configured view of env 0. Isaac Lab sets the camera of the clients
    connected when the viewer starts; newton's ViewerViser keeps its own request (``set_camera``: position, pitch,
    yaw [deg]) for later clients, which otherwise open far above the scene."""
    for visualizer, viewer in _viewers(sim):
        if not hasattr(viewer, "set_camera"):
            continue
        eye, lookat = np.asarray(visualizer.cfg.eye, float), np.asarray(visualizer.cfg.lookat, float)
        front = (lookat - eye) / np.linalg.norm(lookat - eye)
        viewer.set_camera(tuple(eye), float(np.degrees(np.arcsin(front[2]))),
                          float(np.degrees(np.arctan2(front[1], front[0]))))


CHROMIUM_ARGS = ["--no-sandbox", "--use-gl=swiftshader", "--enable-unsafe-swiftshader",  # root; software WebGL
                 # no calls home: on a closed network each is refused or fails a lookup, and slows the start
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def find_chromium() -> str | None:
    """The system's Chromium (Debian: ``apt-get install chromium``), or None."""
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def connected_page(url: str, size: tuple[int, int] = (1000, 600)):
    """A page of headless Chromium (software WebGL) showing the viewer at ``url``, yielded once it has connected to
    the running simulation. Needs ``playwright`` and :func:`find_chromium`."""
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError("no Chromium on this machine (Debian: apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": size[0], "height": size[1]})
            page.goto(url)
            page.get_by_text("Pause Simulation").wait_for(timeout=60_000)  # connected to the running simulation
            yield page
        finally:
            browser.close()


def browser_screenshots(url: str, count: int = 1, interval: float = 3.0, settle: float = 5.0,
                        size: tuple[int, int] = (1000, 600)) -> list[bytes]:
    """``count`` PNG screenshots of the viewer at ``url`` (:func:`connected_page`), ``interval`` s apart, once the
    page has drawn for ``settle`` s; the software-rendering notice is closed first."""
    import time

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with connected_page(url, size) as page:
        notice = page.locator("#webgl-software-rendering button")
        try:  # the notice comes once WebGL is up, in software rendering only
            notice.wait_for(timeout=10_000)
            time.sleep(0.5)  # let it slide in: a click during its entrance misses it
            notice.click()
        except PlaywrightTimeout:
            pass
        time.sleep(settle)
        shots = []
        for i in range(count):
            if i:
                time.sleep(interval)
            shots.append(page.screenshot())
        return shots
