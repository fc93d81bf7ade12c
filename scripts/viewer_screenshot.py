#!/usr/bin/env python3
"""Screenshot a running ``play.py --viz viser`` page with headless Chromium (how docs/viewer.png is made).

    ./dex python scripts/play.py --task Dex-HOTrack-Bimanual-v0 --checkpoint PATH --viz viser &
    ./dex python scripts/viewer_screenshot.py --url http://127.0.0.1:8080 --out docs/viewer.png
"""
from __future__ import annotations

import argparse
import io
import os
import sys

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

from PIL import Image  # noqa: E402

from dex_more.viewer import DEFAULT_PORT, browser_screenshots  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default=f"http://127.0.0.1:{DEFAULT_PORT}")
    p.add_argument("--out", required=True, metavar="FILE.png")
    p.add_argument("--colors", type=int, default=128, help="palette size of the PNG (small files for the docs)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    a = p.parse_args()
    if os.path.exists(a.out) and not a.overwrite:
        raise SystemExit(f"error: {a.out} exists (pass --overwrite to replace it)")
    try:
        png = browser_screenshots(a.url)[0]
    except FileNotFoundError as e:
        raise SystemExit(f"error: {e}") from None
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=a.colors, method=Image.Quantize.MEDIANCUT)
    image.save(a.out, optimize=True)
    print(f"[viewer_screenshot] {a.url} -> {a.out} ({os.path.getsize(a.out) / 1e3:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
