"""The evaluate pipeline on the test corpus: every system, metric, table, plot and sample file."""

from __future__ import annotations

import pandas as pd
import pytest
from kedro.runner import SequentialRunner

from melody_to_lyrics.pipelines import evaluate
from tests.project_catalog import project_catalog

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def evaluated(trained):
    catalog = project_catalog(trained)
    SequentialRunner().run(evaluate.create_pipeline(), catalog)
    return trained, catalog


def test_every_system_and_strategy_is_evaluated(evaluated):
    _, catalog = evaluated
    generations = catalog.load("evaluation_generations")
    systems = set(
        zip(
            generations["system"],
            generations["strategy"],
            generations["length_control"],
            strict=True,
        )
    )
    assert {
        ("joint", "greedy", False),
        ("joint", "beam", False),
        ("joint", "nucleus", False),
        ("joint", "greedy", True),
        ("joint", "beam", True),
        ("joint_scratch", "greedy", False),
        ("decoder_only", "nucleus", False),
        ("retrieval", "nearest melody", False),
    } <= systems
    per_system = generations.groupby(["system", "strategy", "length_control"]).size()
    assert per_system.nunique() == 1  # every system answers every test line


def test_report_files_are_written(evaluated):
    root, catalog = evaluated
    report = catalog.load("evaluation_report")
    assert {row["system"] for row in report["losses"]} == {
        "joint",
        "joint_scratch",
        "decoder_only (shifted)",
    }
    assert all(row["perplexity"] > 1 for row in report["losses"])
    markdown = (root / "data" / "08_reporting" / "evaluation_report.md").read_text()
    assert "| joint | greedy |" in markdown and "comparable loss" in markdown
    for name in ("training_curves", "first_words", "syllable_errors"):
        assert (root / "data" / "08_reporting" / f"{name}.png").stat().st_size > 10_000
    samples = pd.read_csv(root / "data" / "08_reporting" / "sample_generations.csv")
    assert {"reference", "melody", "joint greedy", "retrieval nearest melody"} <= set(
        samples.columns
    )
    assert samples["melody"].str.match(r"^[A-G]#?-?\d+:").all()


def test_the_report_numbers_are_the_metrics_of_the_generations(evaluated):
    _, catalog = evaluated
    from melody_to_lyrics.evaluation.metrics import bleu, distinct_n  # noqa: PLC0415

    generations = catalog.load("evaluation_generations")
    report = catalog.load("evaluation_report")
    row = next(
        r
        for r in report["systems"]
        if r["system"] == "joint" and r["strategy"] == "beam" and not r["length_control"]
    )
    lines = generations[
        (generations["system"] == "joint")
        & (generations["strategy"] == "beam")
        & ~generations["length_control"]
    ]
    assert row["bleu"] == pytest.approx(
        bleu(lines["generated"].tolist(), lines["reference"].tolist())
    )
    assert row["distinct_2"] == pytest.approx(distinct_n(lines["generated"].tolist(), 2))
