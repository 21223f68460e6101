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
    SequentialRunner().run(ingest_pipeline() + note_features_pipeline() + tokenise.create_pipeline(), catalog)
    return root
