"""Column schemas of the pipeline's tables, a buffer that builds them, and tables stored in parts.

Large tables (every note of every file) are written a part at a time and read back a part at a
time, so that memory depends on the size of a part, not on the size of the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

# Column name -> pandas dtype. "object" columns hold strings or numpy arrays (parquet lists).
Schema = dict[str, str]

SONGS: Schema = {
    "song_id": "object",
    "source": "object",
    "path": "object",
    "content_hash": "object",
    "n_tracks": "int32",
    "n_notes": "int32",
    "n_drum_notes": "int32",
    "n_lyric_events": "int32",
    "n_syllables": "int32",
    "n_stanzas": "int16",
    "n_lines": "int32",
    "lyrics_kind": "object",
    "word_boundaries": "object",
    "encoding": "object",
    "resolution": "int32",
    "duration_beats": "float64",
    "duration_s": "float64",
    "n_zero_length_notes": "int32",
    "n_capped_notes": "int32",
    "n_absurd_tempos": "int32",
    "n_header_events": "int32",
    "n_ignored_text_events": "int32",
    "ts_beat": "object",
    "ts_numerator": "object",
    "ts_denominator": "object",
    "warnings": "object",
}
TRACKS: Schema = {
    "song_id": "object",
    "track": "int16",
    "name": "object",
    "program": "int16",
    "n_notes": "int32",
}
NOTES: Schema = {
    "song_id": "object",
    "track": "int16",
    "pitch": "int16",
    "velocity": "int16",
    "start_beat": "float64",
    "end_beat": "float64",
    "start_s": "float64",
    "end_s": "float64",
}
LYRIC_EVENTS: Schema = {
    "song_id": "object",
    "stanza": "int16",
    "track": "int16",
    "kind": "object",
    "syllable": "int32",
    "beat": "float64",
    "time_s": "float64",
    "text": "object",
    "raw": "object",
    "word_end": "boolean",
    "line": "int32",
    "paragraph": "int32",
}
LYRIC_TEXT_LINES: Schema = {
    "song_id": "object",
    "line": "int32",
    "text": "object",
}
REJECTS: Schema = {
    "source": "object",
    "path": "object",
    "stage": "object",
    "reason": "object",
}


def empty_frame(schema: Schema) -> pd.DataFrame:
    """A frame with the schema's columns and dtypes and no rows."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in schema.items()})


def frame_from_columns(columns: dict[str, Sequence | np.ndarray], schema: Schema) -> pd.DataFrame:
    """A frame from column data, in the schema's column order and dtypes."""
    missing = set(schema) - set(columns)
    if missing:
        raise KeyError(f"columns missing for table: {sorted(missing)}")
    data = {}
    for name, dtype in schema.items():
        values = columns[name]
        if dtype == "object":
            series = pd.Series(
                list(values) if not isinstance(values, list) else values, dtype=object
            )
        else:
            series = pd.Series(values, dtype=dtype)
        data[name] = series
    return pd.DataFrame(data)


class TableBuffer:
    """Collects column chunks for one table and turns them into a frame on demand."""

    def __init__(self, schema: Schema):
        self.schema = schema
        self._chunks: list[dict[str, Sequence | np.ndarray]] = []
        self.rows = 0

    def add(self, columns: dict[str, Sequence | np.ndarray]) -> None:
        n = len(next(iter(columns.values()))) if columns else 0
        if n:
            self._chunks.append(columns)
            self.rows += n

    def add_rows(self, rows: Iterable[dict]) -> None:
        rows = list(rows)
        if rows:
            self.add({name: [r[name] for r in rows] for name in self.schema})

    def take(self) -> pd.DataFrame:
        """Everything collected so far as one frame; the buffer is emptied."""
        if not self._chunks:
            return empty_frame(self.schema)
        merged: dict[str, Sequence | np.ndarray] = {}
        for name, dtype in self.schema.items():
            parts = [c[name] for c in self._chunks]
            if dtype in ("object", "boolean"):
                merged[name] = [v for part in parts for v in part]
            else:
                merged[name] = np.concatenate([np.asarray(p) for p in parts])
        self._chunks, self.rows = [], 0
        return frame_from_columns(merged, self.schema)


class TableParts:
    """A table stored as several parts, read one part at a time (or whole, when small enough).

    Built from parquet files (what :class:`~melody_to_lyrics.datasets.ParquetPartsDataset` loads)
    or from frames in memory (tests, notebooks).
    """

    def __init__(self, parts: Sequence[Path | pd.DataFrame]):
        self._parts = list(parts)

    @classmethod
    def from_frames(cls, *frames: pd.DataFrame) -> TableParts:
        return cls(list(frames))

    def __len__(self) -> int:
        """Number of rows, read from parquet metadata without loading the data."""
        return sum(
            pq.ParquetFile(p).metadata.num_rows if isinstance(p, Path) else len(p)
            for p in self._parts
        )

    @property
    def num_parts(self) -> int:
        return len(self._parts)

    @property
    def parts(self) -> list[Path | pd.DataFrame]:
        """The parts themselves: parquet paths or frames."""
        return list(self._parts)

    def frames(self, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
        for part in self._parts:
            if isinstance(part, Path):
                yield pd.read_parquet(part, columns=columns)
            else:
                yield part if columns is None else part[columns]

    def to_pandas(self, columns: list[str] | None = None) -> pd.DataFrame:
        frames = list(self.frames(columns))
        if not frames:
            return pd.DataFrame(columns=columns or [])
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def as_frame(table: pd.DataFrame | TableParts, columns: list[str] | None = None) -> pd.DataFrame:
    """A whole table as one frame, whichever way it was stored."""
    if isinstance(table, TableParts):
        return table.to_pandas(columns)
    return table if columns is None else table[columns]


def as_parts(table: pd.DataFrame | TableParts) -> TableParts:
    """A table as parts, whichever way it was stored (a frame is one part)."""
    return table if isinstance(table, TableParts) else TableParts.from_frames(table)
