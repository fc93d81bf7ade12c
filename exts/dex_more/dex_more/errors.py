"""The error every data loader raises: it names the file, the field, what was found and what was expected."""
from __future__ import annotations


class DataFormatError(ValueError):
    """A file or array that does not hold what its format promises."""

    def __init__(self, source: str, field: str, found: str, expected: str):
        self.source, self.field, self.found, self.expected = source, field, found, expected
        super().__init__(f"{source}: field '{field}': found {found}; expected {expected}")
