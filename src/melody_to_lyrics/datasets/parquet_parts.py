"""A table written as numbered parquet parts in one folder, saved and loaded a part at a time.

A generator node yields one frame per part; each save writes the next part (the first save of a
run clears the folder's old parts). Loading returns a lazy :class:`~melody_to_lyrics.tables.TableParts`
that reads one part at a time; ``pandas.read_parquet(folder)`` reads the whole table too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset, DatasetError

from melody_to_lyrics.tables import TableParts

PART_GLOB = "part-*.parquet"


class ParquetPartsDataset(AbstractDataset[pd.DataFrame, TableParts]):
    def __init__(
        self,
        path: str,
        save_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ):
        self._path = Path(path)
        self._save_args = {"compression": "zstd", "index": False, **(save_args or {})}
        self._parts_written = 0
        self.metadata = metadata

    def _parts(self) -> list[Path]:
        return sorted(self._path.glob(PART_GLOB))

    def load(self) -> TableParts:
        parts = self._parts()
        if not parts:
            raise DatasetError(f"no parts in {self._path}: run the pipeline that writes it first")
        return TableParts(parts)

    def save(self, data: pd.DataFrame) -> None:
        if not isinstance(data, pd.DataFrame):
            raise DatasetError(
                f"{self._path}: expected a pandas DataFrame, got {type(data).__name__}"
            )
        self._path.mkdir(parents=True, exist_ok=True)
        if self._parts_written == 0:
            for old in self._parts():
                old.unlink()
        target = self._path / f"part-{self._parts_written:05d}.parquet"
        tmp = target.with_suffix(".parquet.tmp")
        data.to_parquet(tmp, **self._save_args)
        os.replace(tmp, target)  # a part is either complete or absent
        self._parts_written += 1

    def _exists(self) -> bool:
        return bool(self._parts())

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "save_args": self._save_args}
