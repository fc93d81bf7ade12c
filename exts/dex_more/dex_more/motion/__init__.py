"""Reference hand–object motion: data model, loaders, retargeting and synthetic demonstrations.

Independent of the simulator (numpy/scipy/torch only) so it is fast to load, validate and test.
"""

from .errors import MotionFormatError  # noqa: F401
from .loaders import HOT_SKILLS, load_hot, load_hotracker, load_maniptrans  # noqa: F401
from .reference_motion import FORMAT_VERSION, HandTrack, ObjectTrack, ReferenceMotion  # noqa: F401
