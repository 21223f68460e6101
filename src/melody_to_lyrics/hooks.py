"""Project hooks: check parameters and required inputs before any work; keep DDP ranks > 0 read-only."""

from __future__ import annotations

import logging
from typing import Any

from kedro.framework.hooks import hook_impl
from kedro.io import MemoryDataset
from kedro.pipeline import Pipeline

from melody_to_lyrics.datasets import RawFolderDataset
from melody_to_lyrics.params import PARAMETER_MODELS, ParameterError, validate
from melody_to_lyrics.training.distributed import rank_of_this_process


class ValidationHooks:
    @hook_impl
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: Any
    ) -> None:
        """Validate every parameter block the pipeline reads, and that required raw folders exist."""
        inputs = pipeline.inputs()
        keys = {
            name.split(":", 1)[1].split(".", 1)[0] for name in inputs if name.startswith("params:")
        }
        for key in sorted(keys & PARAMETER_MODELS.keys()):
            validate(key, catalog.load(f"params:{key}"))
        for name in sorted(inputs):
            dataset = catalog.get(name) if not name.startswith("params:") else None
            if isinstance(dataset, RawFolderDataset) and dataset.required and not dataset.exists():
                raise ParameterError(
                    f"catalog entry {name}: raw folder {dataset.path} does not exist (required: true)"
                )


class DistributedHooks:
    """Under ``torchrun``, processes of rank > 0 compute with rank 0 but write nothing.

    Their node outputs go to memory instead of the catalog's files, and their logging is limited
    to warnings; rank 0 writes every output, log and checkpoint.
    """

    @hook_impl
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: Any
    ) -> None:
        rank = rank_of_this_process()
        if rank == 0:
            return
        logging.disable(logging.INFO)  # warnings and errors still show
        for name in pipeline.all_outputs():
            catalog[name] = MemoryDataset(copy_mode="assign")
