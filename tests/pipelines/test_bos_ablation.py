"""The decoder-input ablation: same budget for both schemes, and a report computed from its runs."""

from __future__ import annotations

import pytest
from kedro.runner import SequentialRunner

from melody_to_lyrics.evaluation.metrics import first_word_stats
from melody_to_lyrics.pipelines import bos_ablation
from tests.project_catalog import project_catalog

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ablated(prepared):
    catalog = project_catalog(prepared)
    SequentialRunner().run(bos_ablation.create_pipeline(), catalog)
    return prepared, catalog


def test_both_schemes_train_on_the_same_lines_with_the_same_budget(ablated):
    _, catalog = ablated
    shifted, bos = (
        catalog.load("bos_ablation_shifted.pairs"),
        catalog.load("bos_ablation_bos_prefix.pairs"),
    )
    assert (shifted.meta["scheme"], bos.meta["scheme"]) == ("shifted", "bos_prefix")
    assert shifted.rows("train") == bos.rows("train") and shifted.rows("validation") == bos.rows(
        "validation"
    )
    with_bos, without = bos["train"]["inputs"][0].tolist(), shifted["train"]["inputs"][0].tolist()
    assert (
        with_bos[0] == 1 and with_bos[1:] == without[: len(with_bos) - 1]
    )  # the same line, BOS first
    a, b = (
        catalog.load("bos_ablation_shifted.metrics"),
        catalog.load("bos_ablation_bos_prefix.metrics"),
    )
    assert a["steps"] == b["steps"] == 12 and a["parameters"] == b["parameters"]


def test_the_report_numbers_are_those_of_the_runs(ablated):
    root, catalog = ablated
    report = catalog.load("bos_ablation_report")
    starts = catalog.load("bos_ablation_line_starts")
    for scheme in ("shifted", "bos_prefix"):
        metrics = catalog.load(f"bos_ablation_{scheme}.metrics")
        row = report["schemes"][scheme]
        assert row["final_comparable_validation_loss"] == metrics["final_validation_comparable"]
        for strategy in ("greedy", "nucleus"):
            assert row[strategy] == first_word_stats(starts["starts"][scheme][strategy])
    # greedy decoding from one fixed start token gives one line: the write-up's collapse, by construction
    assert report["schemes"]["bos_prefix"]["greedy"]["first_word_share"] == 1.0
    markdown = (root / "data" / "08_reporting" / "bos_ablation_report.md").read_text()
    assert f"{report['schemes']['shifted']['final_comparable_validation_loss']:.3f}" in markdown
    assert "## Conclusion" in markdown and "batch size (8) and steps (12)" in markdown
    assert (root / "data" / "08_reporting" / "bos_ablation.png").exists()
