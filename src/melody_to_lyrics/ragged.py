"""Variable-length integer sequences stored flat: one values array and one offsets array.

Row ``i`` is ``values[offsets[i]:offsets[i + 1]]``. A million token lines take two numpy arrays
instead of a million Python lists, load in milliseconds, and never go through pickle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Ragged:
    values: np.ndarray  # (total, ...) e.g. token ids, or note vectors of shape (total, 4)
    offsets: np.ndarray  # (rows + 1,) int64, starting at 0

    @classmethod
    def from_rows(
        cls, rows: Iterable[Sequence | np.ndarray], dtype=np.int32, width: int | None = None
    ) -> Ragged:
        arrays = [
            np.asarray(r, dtype=dtype).reshape(-1, width) if width else np.asarray(r, dtype=dtype)
            for r in rows
        ]
        lengths = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        empty = np.zeros((0, width) if width else 0, dtype=dtype)
        return cls(np.concatenate(arrays) if arrays else empty, offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> np.ndarray:
        return self.values[self.offsets[i] : self.offsets[i + 1]]

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def take(self, rows: np.ndarray) -> Ragged:
        """The chosen rows, in the given order."""
        return Ragged.from_rows(
            [self[int(i)] for i in rows],
            dtype=self.values.dtype,
            width=self.values.shape[1] if self.values.ndim == 2 else None,
        )

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}.values": self.values, f"{prefix}.offsets": self.offsets}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str) -> Ragged:
        return cls(arrays[f"{prefix}.values"], arrays[f"{prefix}.offsets"])
