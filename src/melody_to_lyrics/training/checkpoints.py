"""Training checkpoints: written atomically, loaded without executing pickled code.

A checkpoint is one ``torch.save`` file holding the model, optimizer, schedule position, random
number generator states and the loss curve so far. It is written to a temporary file, flushed
to disk and renamed over the old one, so a run killed in the middle of a write leaves the
previous checkpoint intact and never a half-written one under the real name. It is loaded with
``torch.load(weights_only=True)``, which rebuilds tensors and plain containers only: a crafted
checkpoint cannot run code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch


class CheckpointError(Exception):
    """A checkpoint file that is not a complete checkpoint of this project."""


def save_checkpoint(state: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            torch.save({**state, "complete": True}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(
            missing_ok=True
        )  # after a failed write; the checkpoint under the real name is untouched


def load_checkpoint(path: Path) -> dict[str, Any] | None:
    """The checkpoint at ``path``, None when there is none; raises on a corrupt or unsafe file."""
    if not path.exists():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # truncated zip, unpickling refused, ...
        raise CheckpointError(
            f"{path} is not a loadable checkpoint ({type(err).__name__}: {err})"
        ) from err
    if not isinstance(state, dict) or state.get("complete") is not True:
        raise CheckpointError(f"{path} is not a complete checkpoint")
    return state
