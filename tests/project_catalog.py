"""The project's own catalog and parameters, with every data path moved under a test folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog

PROJECT = Path(__file__).resolve().parents[1]


def _relocate(entry: Any, root: Path) -> Any:
    if isinstance(entry, dict):
        return {k: _relocate(v, root) for k, v in entry.items()}
    if isinstance(entry, str) and entry.startswith("data/"):
        return str(root / entry)
    return entry


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(base.get(key, {}), value) if isinstance(value, dict) else value
    return merged


def project_catalog(
    root: Path, env: str = "test", params: dict[str, dict] | None = None
) -> DataCatalog:
    """conf/base + conf/<env>, data paths under ``root``, parameters (soft-merged with ``params``)."""
    loader = OmegaConfigLoader(
        conf_source=str(PROJECT / "conf"),
        base_env="base",
        default_run_env=env,
        merge_strategy={"parameters": "soft"},
    )
    catalog = DataCatalog.from_config(_relocate(dict(loader["catalog"]), root))
    parameters = _relocate(
        dict(loader["parameters"]), root
    )  # run folders (checkpoints, TensorBoard) too
    for key, values in (params or {}).items():
        parameters[key] = _merge(parameters.get(key, {}), values)
    for key, value in parameters.items():
        catalog[f"params:{key}"] = value
    return catalog
