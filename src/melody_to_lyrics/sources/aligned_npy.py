"""Yu et al.'s lyrics-melody aligned ``.npy`` files, loaded without letting a pickle run code.

Each file is a pickled numpy object array ``a`` of shape (1, 3):

* ``a[0, 0]``: per line, per syllable ``[time since previous note start (s), note length (s),
  frequency (Hz), velocity]``;
* ``a[0, 1]``: per line, per syllable ``[MIDI pitch, duration (beats), rest before (beats)]``;
* ``a[0, 2]``: per line, the syllables (word boundaries are not marked).

``numpy.load(allow_pickle=True)`` would execute whatever a crafted file asks for. Here the header
is read with numpy's own reader and the payload with an unpickler that admits only what numpy
needs to rebuild an array (``numpy.ndarray``, ``numpy.dtype``, ``_reconstruct``, and
``_codecs.encode`` for byte strings); builtin lists, strings and numbers need no global at all.
Any other global is refused before it is looked up, so nothing in the file runs.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass

import numpy as np
from numpy.lib import format as npy_format


class UnsafePickleError(Exception):
    """The file's pickle asks for something other than numpy arrays and builtin containers."""


class AlignedFormatError(Exception):
    """The file loads but is not in Yu et al.'s format; the message says what is wrong."""


def _allowed_globals() -> dict[tuple[str, str], object]:
    import _codecs  # noqa: PLC0415  (stdlib C module that protocol-2 pickles name for bytes)

    from numpy._core import multiarray  # noqa: PLC0415

    return {
        ("numpy.core.multiarray", "_reconstruct"): multiarray._reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): multiarray._reconstruct,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        ("_codecs", "encode"): _codecs.encode,
    }


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the globals needed to rebuild numpy arrays."""

    _allowed = _allowed_globals()

    def find_class(self, module: str, name: str) -> object:
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise UnsafePickleError(
                f"pickle refers to {module}.{name}, which is not allowed"
            ) from None


def load_npy_safely(data: bytes) -> np.ndarray:
    """Load ``.npy`` bytes; object arrays go through :class:`RestrictedUnpickler`."""
    stream = io.BytesIO(data)
    try:
        version = npy_format.read_magic(stream)
        if version == (1, 0):
            shape, fortran_order, dtype = npy_format.read_array_header_1_0(stream)
        else:
            shape, fortran_order, dtype = npy_format.read_array_header_2_0(stream)
    except ValueError as err:
        raise AlignedFormatError(f"not a .npy file ({err})") from err
    if not dtype.hasobject:
        stream.seek(0)
        return np.load(stream, allow_pickle=False)
    try:
        array = RestrictedUnpickler(stream).load()
    except UnsafePickleError:
        raise
    except Exception as err:  # a broken pickle can fail in many ways; all mean "unreadable"
        raise AlignedFormatError(
            f"unreadable pickle payload ({type(err).__name__}: {err})"
        ) from err
    if not isinstance(array, np.ndarray):
        raise AlignedFormatError(f"payload is a {type(array).__name__}, not an array")
    if array.shape != tuple(shape):
        raise AlignedFormatError(f"payload shape {array.shape} differs from header {shape}")
    return array


@dataclass(slots=True)
class AlignedLine:
    """One sentence of an aligned song: a syllable per note."""

    syllables: list[str]
    pitch: np.ndarray  # int16
    duration_beats: np.ndarray
    rest_beats: np.ndarray
    seconds_since_previous: np.ndarray
    length_s: np.ndarray
    velocity: np.ndarray


def _numeric_rows(value: object, width: int, what: str, line: int) -> np.ndarray:
    try:
        rows = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise AlignedFormatError(f"line {line}: {what} are not numbers ({err})") from err
    if rows.ndim != 2 or rows.shape[1] != width:
        raise AlignedFormatError(
            f"line {line}: {what} should be rows of {width} numbers, got shape {rows.shape}"
        )
    if not np.all(np.isfinite(rows)):
        raise AlignedFormatError(f"line {line}: {what} hold NaN or infinity")
    return rows


def parse_aligned(array: np.ndarray) -> list[AlignedLine]:
    """Check an array against Yu et al.'s format and return its lines."""
    if array.dtype != object or array.shape != (1, 3):
        raise AlignedFormatError(
            f"expected an object array of shape (1, 3), got {array.dtype} {array.shape}"
        )
    timing, notes, syllables = array[0, 0], array[0, 1], array[0, 2]
    for what, value in (("timing", timing), ("notes", notes), ("syllables", syllables)):
        if not isinstance(value, list | tuple | np.ndarray):
            raise AlignedFormatError(
                f"{what} should be a list of lines, got {type(value).__name__}"
            )
    if not len(timing) == len(notes) == len(syllables):
        raise AlignedFormatError(
            f"line counts differ: {len(timing)} timing, {len(notes)} notes, {len(syllables)} syllables"
        )
    lines = []
    for i, (times, pitches, sylls) in enumerate(zip(timing, notes, syllables, strict=True)):
        if not isinstance(sylls, list | tuple) or not all(isinstance(s, str) for s in sylls):
            raise AlignedFormatError(f"line {i}: syllables should be a list of strings")
        if not sylls:
            continue
        t = _numeric_rows(times, 4, "timing rows", i)
        n = _numeric_rows(pitches, 3, "note rows", i)
        if not len(t) == len(n) == len(sylls):
            raise AlignedFormatError(
                f"line {i}: {len(sylls)} syllables but {len(n)} notes and {len(t)} timings"
            )
        if np.any((n[:, 0] < 0) | (n[:, 0] > 127)):
            raise AlignedFormatError(f"line {i}: pitch outside 0-127")
        if np.any(n[:, 1:] < 0):
            raise AlignedFormatError(f"line {i}: negative duration or rest (beats)")
        # Seconds are informative only; the data holds tiny negative gaps (notes a few ms early).
        t[:, :2] = np.maximum(t[:, :2], 0.0)
        lines.append(
            AlignedLine(
                syllables=[s.strip() for s in sylls],
                pitch=np.rint(n[:, 0]).astype(np.int16),
                duration_beats=n[:, 1],
                rest_beats=n[:, 2],
                seconds_since_previous=t[:, 0],
                length_s=t[:, 1],
                velocity=np.clip(np.rint(t[:, 3]), 0, 127).astype(np.int16),
            )
        )
    if not lines:
        raise AlignedFormatError("no syllables in any line")
    return lines


def onsets(lines: list[AlignedLine]) -> tuple[np.ndarray, np.ndarray]:
    """Note onsets of a whole song in beats and in seconds, from durations, rests and timings.

    The beat of a note is the previous onset plus the previous duration plus this note's rest; the
    song starts at beat 0 (the format does not say where in the bar it starts).
    """
    durations = np.concatenate([ln.duration_beats for ln in lines])
    rests = np.concatenate([ln.rest_beats for ln in lines])
    previous_durations = np.concatenate([[0.0], durations[:-1]])
    beats = np.cumsum(previous_durations + rests) - rests[0]
    seconds = np.cumsum(np.concatenate([ln.seconds_since_previous for ln in lines]))
    seconds -= seconds[0] if len(seconds) else 0.0
    return beats, seconds
