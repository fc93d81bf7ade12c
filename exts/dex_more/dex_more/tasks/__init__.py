"""dex_more tasks. Importing this package registers their gymnasium IDs (Isaac Lab style)."""

from isaaclab_tasks.utils import import_packages

# import every task sub-package so that each registers its gym IDs; the test bed registers none
import_packages(__name__, blacklist_pkgs=["utils", ".mdp"])
