"""Named numpy arrays in one ``.npz`` file: saved atomically, loaded without pickle."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from kedro.io import AbstractDataset, DatasetError


class ArraysDataset(AbstractDataset[dict[str, np.ndarray], dict[str, np.ndarray]]):
    """Saves a ``dict[str, numpy.ndarray]`` (e.g. ``ExampleSet.to_arrays()``); loads it back eagerly."""

    def __init__(
        self, filepath: str, compress: bool = False, metadata: dict[str, Any] | None = None
    ):
        self._filepath = Path(filepath)
        self._compress = compress
        self.metadata = metadata

    def load(self) -> dict[str, np.ndarray]:
        if not self._filepath.exists():
            raise DatasetError(
                f"{self._filepath} does not exist: run the pipeline that writes it first"
            )
        with np.load(self._filepath, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}

    def save(self, data: dict[str, np.ndarray]) -> None:
        if hasattr(data, "to_arrays"):
            data = data.to_arrays()
        self._filepath.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._filepath.with_name(self._filepath.name + ".tmp.npz")
        (np.savez_compressed if self._compress else np.savez)(tmp, **data)
        os.replace(tmp, self._filepath)

    def _exists(self) -> bool:
        return self._filepath.exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "compress": self._compress}


class ExampleSetDataset(ArraysDataset):
    """Training examples (:class:`~melody_to_lyrics.training.examples.ExampleSet`) in one ``.npz``."""

    def load(self):
        from melody_to_lyrics.training.examples import ExampleSet  # noqa: PLC0415

        return ExampleSet.from_arrays(super().load())
