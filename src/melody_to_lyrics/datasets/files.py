"""Files written by a node as ``{relative name: bytes}`` into one folder (e.g. karaoke MIDI files)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError


class FilesDataset(AbstractDataset[dict[str, bytes], dict[str, bytes]]):
    """Each save replaces the folder's files with the given ones (written atomically, one by one)."""

    def __init__(self, path: str, metadata: dict[str, Any] | None = None):
        self._path = Path(path)
        self.metadata = metadata

    def load(self) -> dict[str, bytes]:
        if not self._path.is_dir():
            raise DatasetError(
                f"{self._path} does not exist: run the pipeline that writes it first"
            )
        return {
            p.relative_to(self._path).as_posix(): p.read_bytes()
            for p in sorted(self._path.rglob("*"))
            if p.is_file()
        }

    def save(self, data: dict[str, bytes]) -> None:
        self._path.mkdir(parents=True, exist_ok=True)
        for old in self._path.rglob("*"):
            if old.is_file() and old.relative_to(self._path).as_posix() not in data:
                old.unlink()
        for name, content in data.items():
            target = self._path / name
            if ".." in Path(name).parts:
                raise DatasetError(f"refusing to write outside {self._path}: {name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_bytes(content)
            os.replace(tmp, target)

    def _exists(self) -> bool:
        return self._path.is_dir()

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path)}
