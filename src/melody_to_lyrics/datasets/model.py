"""A trained model as a ``safetensors`` file: its weights, and its configuration in the metadata.

Loads as ``{"config": dict, "state_dict": dict[str, torch.Tensor]}``. safetensors holds tensors
only, so loading a model file can never run code. With ``optional: true`` a missing file loads
as ``None`` (a stage that can start from pretrained weights then starts from scratch).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError
from safetensors.torch import load_file, save_file


class ModelDataset(AbstractDataset[dict, dict | None]):
    def __init__(
        self, filepath: str, optional: bool = False, metadata: dict[str, Any] | None = None
    ):
        self._filepath = Path(filepath)
        self._optional = optional
        self.metadata = metadata

    def load(self) -> dict | None:
        if not self._filepath.exists():
            if self._optional:
                return None
            raise DatasetError(f"{self._filepath} does not exist: train the model first")
        from safetensors import safe_open  # noqa: PLC0415

        with safe_open(str(self._filepath), framework="pt") as f:
            metadata = f.metadata() or {}
        state = load_file(str(self._filepath))
        for alias, key in json.loads(metadata.get("aliases", "{}")).items():
            state[alias] = state[key]
        return {"config": json.loads(metadata.get("config", "{}")), "state_dict": state}

    def save(self, data: dict) -> None:
        self._filepath.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._filepath.with_name(self._filepath.name + ".tmp")
        # safetensors stores no tensor twice: tied weights (the decoder's output layer is its input
        # embedding) are saved once and their aliases restored on load.
        state, aliases, seen = {}, {}, {}
        for key, tensor in data["state_dict"].items():
            pointer = (tensor.data_ptr(), tuple(tensor.shape), tensor.dtype)
            if pointer in seen and tensor.numel():
                aliases[key] = seen[pointer]
                continue
            seen[pointer] = key
            state[key] = tensor.detach().contiguous().cpu()
        metadata = {"config": json.dumps(data["config"]), "aliases": json.dumps(aliases)}
        save_file(state, str(tmp), metadata=metadata)
        os.replace(tmp, self._filepath)

    def _exists(self) -> bool:
        return self._filepath.exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "optional": self._optional}
