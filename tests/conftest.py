"""Shared fixtures: real MIDI files written by the tests, and ../shared/data when it is there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

PROJECT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(
    os.environ.get("MELODY_TO_LYRICS_SHARED_DATA", PROJECT.parent / "shared" / "data")
)


def shared_folder(name: str) -> Path:
    """A folder of ../shared/data, or a skip with the reason when it is not there."""
    folder = SHARED_DATA / name
    if not folder.is_dir():
        pytest.skip(
            f"real data not available: {folder} does not exist (see ../shared/data/README.md)"
        )
    return folder


@pytest.fixture(scope="session")
def project_path() -> Path:
    return PROJECT
