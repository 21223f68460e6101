"""Project hooks: check parameters and required inputs before a pipeline does any work."""

from __future__ import annotations

from typing import Any

from kedro.framework.hooks import hook_impl
from kedro.pipeline import Pipeline

from melody_to_lyrics.datasets import RawFolderDataset
from melody_to_lyrics.params import PARAMETER_MODELS, ParameterError, validate


class ValidationHooks:
    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Pipeline, catalog: Any) -> None:
        """Validate every parameter block the pipeline reads, and that required raw folders exist."""
        inputs = pipeline.inputs()
        keys = {name.split(":", 1)[1].split(".", 1)[0] for name in inputs if name.startswith("params:")}
        for key in sorted(keys & PARAMETER_MODELS.keys()):
            validate(key, catalog.load(f"params:{key}"))
        for name in sorted(inputs):
            dataset = catalog.get(name) if not name.startswith("params:") else None
            if isinstance(dataset, RawFolderDataset) and dataset.required and not dataset.exists():
                raise ParameterError(
                    f"catalog entry {name}: raw folder {dataset.path} does not exist (required: true)"
                )
