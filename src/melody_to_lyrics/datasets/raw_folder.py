"""A folder of raw files as a catalog entry: it loads the list of files, never their contents."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

from melody_to_lyrics.sources.ingest import SourceFolder


class RawFolderDataset(AbstractDataset[None, SourceFolder]):
    """Lists the files under ``path`` (recursively, sorted, relative to ``path``); or ``path`` itself, a file.

    ``include`` limits the listing to some sub-folders of ``path`` (their names stay in the
    relative paths, e.g. ``hymns/abide.mid``). A missing or empty folder means no data from that source, unless ``required: true``, in which
    case a missing folder is an error raised before the pipeline does any work (see the
    project's ``hooks``). Hidden files and folders (names starting with ``.``) are left out.
    """

    def __init__(
        self,
        path: str,
        include: list[str] | None = None,
        required: bool = False,
        metadata: dict[str, Any] | None = None,
    ):
        self._path = Path(path)
        self._include = list(include) if include else None
        self.required = required
        self.metadata = metadata

    @property
    def path(self) -> Path:
        return self._path

    def load(self) -> SourceFolder:
        if (
            self._path.is_file()
        ):  # a single file works too (e.g. `--params generate_input=song.mid`)
            return SourceFolder(root=self._path.parent, files=(self._path.name,))
        if not self._path.is_dir():
            if self.required:
                raise DatasetError(f"raw folder {self._path} does not exist (required: true)")
            return SourceFolder(root=None)
        if self._include is not None:
            missing = [d for d in self._include if not (self._path / d).is_dir()]
            if missing and self.required:
                raise DatasetError(
                    f"raw folder {self._path}: included sub-folder(s) {missing} do not exist"
                )
        tops = (
            [self._path / d for d in self._include] if self._include is not None else [self._path]
        )
        files = []
        for top in tops:
            for dirpath, dirnames, filenames in os.walk(top):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                rel = Path(dirpath).relative_to(self._path)
                files.extend(
                    (rel / name).as_posix() for name in filenames if not name.startswith(".")
                )
        return SourceFolder(root=self._path, files=tuple(sorted(files)))

    def save(self, data: None) -> None:
        raise DatasetError("raw folders are read-only inputs")

    def _exists(self) -> bool:
        if self._path.is_file():
            return True
        if not self._path.is_dir():
            return False
        return self._include is None or all((self._path / d).is_dir() for d in self._include)

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "include": self._include, "required": self.required}
