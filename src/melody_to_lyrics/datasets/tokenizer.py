"""A Hugging Face ``tokenizers.Tokenizer`` as one JSON file, loadable on its own with
``tokenizers.Tokenizer.from_file(path)``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError
from tokenizers import Tokenizer


class TokenizerDataset(AbstractDataset[Tokenizer, Tokenizer]):
    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None):
        self._filepath = Path(filepath)
        self.metadata = metadata

    def load(self) -> Tokenizer:
        if not self._filepath.exists():
            raise DatasetError(f"{self._filepath} does not exist: run the tokenise pipeline first")
        return Tokenizer.from_file(str(self._filepath))

    def save(self, data: Tokenizer) -> None:
        self._filepath.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._filepath.with_name(self._filepath.name + ".tmp")
        data.save(str(tmp))
        os.replace(tmp, self._filepath)

    def _exists(self) -> bool:
        return self._filepath.exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
