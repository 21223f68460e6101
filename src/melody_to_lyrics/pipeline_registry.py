"""Project pipelines."""

from __future__ import annotations

from kedro.pipeline import Pipeline

from melody_to_lyrics.pipelines import (
    bos_ablation,
    evaluate,
    generate,
    ingest,
    note_features,
    tokenise,
    training,
)


def register_pipelines() -> dict[str, Pipeline]:
    """The pipelines by name; ``__default__`` runs them end to end."""
    pipelines = {
        "ingest": ingest.create_pipeline(),
        "note_features": note_features.create_pipeline(),
        "tokenise": tokenise.create_pipeline(),
        **{stage: training.create_pipeline(stage) for stage in training.STAGES},
        "evaluate": evaluate.create_pipeline(),
    }
    pipelines["__default__"] = sum(pipelines.values(), Pipeline([]))
    # Not in the default run: an experiment, and the writing of lyrics for the user's own files.
    pipelines["bos_ablation"] = bos_ablation.create_pipeline()
    pipelines["generate"] = generate.create_pipeline()
    return pipelines
