"""Bundled assets: dexterous hands (:mod:`.hands`; the MANO-like one is :mod:`.mano_hand`), procedural objects (:mod:`.objects`), scene USDs."""

from .hands import (  # noqa: F401
    ALLEGRO_RIGHT, HANDS, INSPIRE_LEFT, INSPIRE_RIGHT, MANO_RIGHT, SHADOW_LEFT, SHADOW_RIGHT,
    WRIST_JOINT_NAMES, DexHand, Keypoint, get_hand,
)
from .objects import OBJECT_KINDS, ObjectSpec, object_cfg, sample_object  # noqa: F401
from ..mano import MANO_KEYPOINT_NAMES  # noqa: F401
from ..paths import REPO_ROOT, USD_DIR, usd_path  # noqa: F401
from .scene import GROUND_CFG, TABLE_CFG, TABLE_HEIGHT  # noqa: F401
