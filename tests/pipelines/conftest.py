"""A test corpus taken through ingest, note_features and tokenise once for the pipeline tests."""

import pytest
from kedro.runner import SequentialRunner

from melody_to_lyrics.pipelines import tokenise
from melody_to_lyrics.pipelines.ingest import create_pipeline as ingest_pipeline
from melody_to_lyrics.pipelines.note_features import create_pipeline as note_features_pipeline
from tests.pipelines.test_ingest import build_corpus
from tests.project_catalog import project_catalog


@pytest.fixture(scope="session")
def prepared(tmp_path_factory):
    root = tmp_path_factory.mktemp("prepared")
    build_corpus(root, root / "pwned")
    catalog = project_catalog(root)
    SequentialRunner().run(
        ingest_pipeline() + note_features_pipeline() + tokenise.create_pipeline(), catalog
    )
    return root


@pytest.fixture(scope="session")
def trained(prepared):
    """The prepared corpus with every training stage run (tiny models, a few steps)."""
    from kedro.pipeline import Pipeline  # noqa: PLC0415

    from melody_to_lyrics.pipelines import training  # noqa: PLC0415

    catalog = project_catalog(prepared)
    SequentialRunner().run(
        sum((training.create_pipeline(s) for s in training.STAGES), Pipeline([])), catalog
    )
    return prepared
