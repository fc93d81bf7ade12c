"""The error every data loader raises, and the checks loaders share to raise it before they compute.

A :class:`DataFormatError` names the file, the field *as stored in the user's file*, what was found and what
was expected. The helpers below read one stored value the way every format of the project needs it (numbers
of a known shape, finite, unit quaternions, proper rotations), so that no malformed value reaches numpy's,
scipy's or torch's own routines and ends in their traceback instead.
"""
from __future__ import annotations

import numpy as np


class DataFormatError(ValueError):
    """A file or array that does not hold what its format promises."""

    def __init__(self, source: str, field: str, found: str, expected: str):
        self.source, self.field, self.found, self.expected = source, field, found, expected
        super().__init__(f"{source}: field '{field}': found {found}; expected {expected}")


UNIT_QUAT_TOL = 1e-3
"""Largest ``| ‖q‖ - 1 |`` a stored quaternion may have; loaders repair nothing unless asked."""


def shape_text(shape: tuple) -> str:
    """``(None, 3)`` -> ``"(T, 3)"``: None is "T" on the first axis (frames), "N" elsewhere."""
    return "(" + ", ".join(("T" if i == 0 else "N") if e is None else str(e) for i, e in enumerate(shape)) + \
        ("," if len(shape) == 1 else "") + ")"


def describe(value) -> str:
    """A short account of a stored value for an error message: its type, and its shape/dtype when it has them."""
    if value is None:
        return "None"
    if isinstance(value, (str, bytes)):
        return f"{type(value).__name__} {value[:40]!r}"
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        return f"{type(value).__name__} of dtype {value.dtype} and shape {tuple(value.shape)}"
    if isinstance(value, (list, tuple, dict)):
        return f"a {type(value).__name__} of {len(value)} entries"
    return f"{type(value).__name__} {value!r}"[:80]


def is_positive_number(value) -> bool:
    """A finite number > 0 (bool is not a number here: ``True`` in a file is a mistake, not 1)."""
    return not isinstance(value, bool) and isinstance(value, (int, float, np.number)) and bool(np.isfinite(value)) \
        and value > 0


def numeric_array(error: type[DataFormatError], source: str, field: str, value, shape: tuple, *,
                  finite: bool = True, min_rows: int = 0, rows: str = "rows", expected: str | None = None,
                  integer: bool = False) -> np.ndarray:
    """``value`` as float64 (``integer``: int64) of ``shape`` (None: any size), or ``error`` naming ``source`` and
    ``field``.

    Refused: None, strings (also arrays of digit strings, which numpy would silently parse), object and complex
    arrays, ragged lists, a wrong shape, fewer than ``min_rows`` rows (named ``rows`` in the message: "frames" for a
    trajectory), (``finite``) NaN or infinity, and (``integer``) floating-point values: indices stored as floats
    are a writer's mistake, not something to round.
    torch tensors are read as numpy arrays. ``expected`` replaces "numbers of shape ..." in the message.
    """
    want = expected or f"{'integers' if integer else 'numbers'} of shape {shape_text(shape)}"
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if value is None or isinstance(value, (str, bytes, dict)):
        raise error(source, field, describe(value), want)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as e:  # ragged nested lists
        raise error(source, field, f"{describe(value)} that is not an array ({str(e)[:60]})", want) from None
    if raw.dtype.kind not in ("biu" if integer else "biuf"):
        raise error(source, field, describe(raw), want)
    arr = raw.astype(np.int64 if integer else np.float64)
    if arr.ndim != len(shape) or any(e is not None and a != e for a, e in zip(arr.shape, shape)):
        raise error(source, field, f"shape {tuple(arr.shape)}", want)
    if arr.ndim and len(arr) < min_rows:
        raise error(source, field, f"{len(arr)} {rows}", f"at least {min_rows} {rows}")
    if finite and not np.all(np.isfinite(arr)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise error(source, field, f"a non-finite value ({arr[bad]}) at index {bad}", "finite numbers only")
    return arr


def check_unit_quaternions(error: type[DataFormatError], source: str, field: str, quat: np.ndarray,
                           hint: str = "") -> None:
    """Raise ``error`` unless every quaternion (..., 4) has unit norm (within :data:`UNIT_QUAT_TOL`)."""
    n = np.linalg.norm(quat, axis=-1)
    if n.size == 0:
        return
    worst = np.unravel_index(int(np.argmax(np.abs(n - 1))), n.shape)
    if abs(n[worst] - 1) > UNIT_QUAT_TOL:
        where = f"frame {worst[0]}" if len(worst) == 1 else f"index {tuple(int(i) for i in worst)}"
        raise error(source, field, f"quaternion norm {n[worst]:.4f} at {where}",
                    f"unit quaternions (|norm - 1| <= {UNIT_QUAT_TOL}){hint}")


def check_rotation_matrices(error: type[DataFormatError], source: str, field: str, R: np.ndarray,
                            tol: float = 1e-3) -> None:
    """Raise ``error`` unless every (..., 3, 3) block is a proper rotation (R Rᵀ = I within ``tol``, det +1)."""
    if R.size == 0:
        return
    err = np.abs(R @ np.swapaxes(R, -1, -2) - np.eye(3)).max(axis=(-1, -2))
    det = np.linalg.det(R)
    bad = (err > tol) | (det < 0)
    if np.any(bad):
        i = tuple(int(k) for k in np.argwhere(bad)[0])
        found = f"a reflection (det {det[i]:.3f})" if det[i] < 0 else f"a block off orthonormal by {err[i]:.2e}"
        raise error(source, field, f"{found} at index {i}", "rotation matrices (R Rᵀ = I, det +1)")


def as_name_list(value) -> list[str]:
    """A list of names from a list, or from a command-line string such as "[a,b]", "['a', 'b']" or "a,b" (a hydra
    override that is not a Python literal reaches a config as a string)."""
    if isinstance(value, str):
        return [v.strip(" '\"") for v in value.strip("[]").split(",") if v.strip(" '\"")]
    return [str(v) for v in value]
