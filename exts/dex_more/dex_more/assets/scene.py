"""Static scene pieces: the ground plane and a table, both local USDs (no remote asset server)."""
from __future__ import annotations

import os

import isaaclab.sim as sim_utils
from isaaclab.assets import AssetBaseCfg

from ..paths import USD_DIR

TABLE_HEIGHT = 0.6
"""Height of the table top above the ground [m] (ResDex's tabletop)."""

GROUND_CFG = AssetBaseCfg(
    prim_path="/World/ground",
    spawn=sim_utils.GroundPlaneCfg(usd_path=os.path.join(USD_DIR, "scene", "ground_plane.usda")),
)
TABLE_CFG = AssetBaseCfg(
    prim_path="{ENV_REGEX_NS}/Table",
    spawn=sim_utils.UsdFileCfg(usd_path=os.path.join(USD_DIR, "scene", "table.usda")),
)
"""A static 0.8 × 0.8 m table whose top is at :data:`TABLE_HEIGHT` in the environment frame."""
