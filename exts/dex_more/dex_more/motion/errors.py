"""The one error type of the motion layer: it names the file, the field, what was found and what was expected."""
from __future__ import annotations

from ..errors import DataFormatError


class MotionFormatError(DataFormatError):
    """A motion file or array that does not hold what its format promises."""
