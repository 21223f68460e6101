"""The project as a user meets it: pipelines, parameters, `kedro run`, `kedro viz build`, telemetry."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from kedro.framework.project import pipelines
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.io import DataCatalog
from kedro.pipeline import Pipeline

from melody_to_lyrics.datasets import RawFolderDataset
from melody_to_lyrics.hooks import ValidationHooks
from melody_to_lyrics.params import ParameterError, validate

PROJECT = Path(__file__).resolve().parents[1]
KEDRO = str(Path(sys.executable).parent / "kedro")
ENV = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1"}


@pytest.fixture(scope="module")
def registry():
    bootstrap_project(PROJECT)
    return pipelines


def test_pipelines_are_registered_and_default_runs_them_in_order(registry):
    assert {"ingest", "note_features", "__default__"} <= set(registry)
    default = registry["__default__"]
    assert {n.name for n in registry["ingest"].nodes} | {
        n.name for n in registry["note_features"].nodes
    } <= {n.name for n in default.nodes}


def test_every_node_output_is_a_named_catalog_entry(registry):
    from kedro.config import OmegaConfigLoader  # noqa: PLC0415

    conf = OmegaConfigLoader(str(PROJECT / "conf"), base_env="base", default_run_env="base")[
        "catalog"
    ]
    catalog = DataCatalog.from_config(dict(conf))
    for name in sorted(registry["__default__"].all_outputs()):
        assert name in catalog or catalog.get(name) is not None, (
            f"{name} is not in conf/base/catalog.yml"
        )
        assert type(catalog.get(name)).__name__ != "MemoryDataset", (
            f"{name} would only live in memory"
        )


def test_a_bad_parameter_fails_before_any_work_naming_the_key(registry, caplog):
    with KedroSession.create(
        project_path=PROJECT, env="test", runtime_params={"ingest": {"workers": 0}}
    ) as session:
        with pytest.raises(ParameterError, match=r"ingest\.workers: .*at least 1.*\(got 0\)"):
            session.run(pipeline_names=["ingest"])
    assert "Running node" not in caplog.text


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "ingest",
            {"files_per_part": -3},
            r"ingest\.files_per_part: Input should be greater than or equal to 1",
        ),
        ("ingest", {"min_bpm": 300, "max_bpm": 200}, r"min_bpm \(300.0\) must be below max_bpm"),
        ("ingest", {"wokers": 2}, r"ingest\.wokers: Extra inputs are not permitted"),
        (
            "note_features",
            {"duration_bins": [1.0, 0.5]},
            r"note_features\.duration_bins: .*strictly increasing",
        ),
        ("note_features", {"split": {"test": 0.7}}, r"note_features\.split\.test: .*less than 0.5"),
        (
            "note_features",
            {"word_languages": ["xx"]},
            r"note_features\.word_languages: .*no word list for \['xx'\]",
        ),
    ],
)
def test_parameter_errors_name_the_key(key, value, message):
    with pytest.raises(ParameterError, match=message):
        validate(key, value)


def test_a_required_raw_folder_that_is_missing_stops_the_run(tmp_path):
    catalog = DataCatalog(
        {"raw_midi": RawFolderDataset(path=str(tmp_path / "nowhere"), required=True)}
    )
    from kedro.pipeline import node  # noqa: PLC0415

    pipeline = Pipeline([node(lambda x: x, "raw_midi", "out", name="n")])
    with pytest.raises(
        ParameterError, match=r"catalog entry raw_midi: raw folder .*nowhere does not exist"
    ):
        ValidationHooks().before_pipeline_run({}, pipeline, catalog)


def test_telemetry_is_off():
    assert (PROJECT / ".telemetry").read_text().strip() == "consent: false"
    assert "KEDRO_DISABLE_TELEMETRY" in (PROJECT / "Makefile").read_text()


def _git_state() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.slow
def test_kedro_run_on_the_demo_corpus_changes_no_tracked_file():
    if not (PROJECT / "data" / "01_raw" / ".demo_corpus_complete").exists():
        pytest.skip("the demo corpus is not built (make run / make test build it)")
    if shutil.which("git") is None or not (PROJECT / ".git").exists():
        pytest.skip("not a git checkout")
    before = _git_state()
    run = subprocess.run(
        [KEDRO, "run", "--pipelines=ingest,note_features"],
        cwd=PROJECT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Pipeline execution completed successfully" in run.stderr
    assert _git_state() == before
    report = json.loads(
        (PROJECT / "data" / "08_reporting" / "note_features_report.json").read_text()
    )
    assert report["split"]["train"]["lines"] > 1000 and report["split"]["test"]["lines"] > 100


@pytest.mark.slow
def test_kedro_viz_build_shows_every_node(registry):
    run = subprocess.run(
        [KEDRO, "viz", "build"], cwd=PROJECT, env=ENV, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-3000:]
    main = json.loads((PROJECT / "build" / "api" / "main").read_text())
    for name, pipeline in registry.items():
        page = json.loads((PROJECT / "build" / "api" / "pipelines" / name).read_text())
        shown = {n.get("full_name", n["name"]) for n in page["nodes"]}
        missing = {n.name for n in pipeline.nodes} - shown
        assert not missing, f"{name}: {missing}"
    shown = {n.get("full_name", n["name"]) for n in main["nodes"]}
    assert {
        "songs",
        "aligned_pairs",
        "ingest_rejects",
        "decoder_pretrain.model",
        "evaluation_report",
    } <= shown
    assert {"encoder_pretrain", "decoder_pretrain", "joint_train"} <= set(main["modular_pipelines"])


@pytest.mark.slow
def test_torchrun_runs_a_training_pipeline_with_two_processes(tmp_path):
    """`torchrun --nproc_per_node=2 -m kedro run --pipelines=decoder_pretrain` on CPU (gloo)."""
    from tests.pipelines.test_ingest import build_corpus  # noqa: PLC0415

    for name in ("pyproject.toml", "conf", "src"):
        source = PROJECT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    build_corpus(tmp_path, tmp_path / "pwned")
    prepare = subprocess.run(
        [KEDRO, "run", "--env=test", "--pipelines=ingest,note_features,tokenise"],
        cwd=tmp_path,
        env=ENV,
        capture_output=True,
        text=True,
    )
    assert prepare.returncode == 0, prepare.stderr[-3000:]
    torchrun = str(Path(sys.executable).parent / "torchrun")
    run = subprocess.run(
        [
            torchrun,
            "--nproc_per_node=2",
            "-m",
            "kedro",
            "run",
            "--env=test",
            "--pipelines=decoder_pretrain",
        ],
        cwd=tmp_path,
        env=ENV,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    metrics = json.loads(
        (tmp_path / "data" / "08_reporting" / "decoder_pretrain" / "metrics.json").read_text()
    )
    assert metrics["processes"] == 2 and metrics["steps"] == 12
    assert (
        run.stderr.count("Pipeline execution completed successfully") == 1
    )  # rank 1 logs warnings only


@pytest.mark.slow
def test_the_overview_notebook_runs_on_the_demo_corpus(tmp_path):
    """notebooks/overview.ipynb executed top to bottom after `kedro run --env=test` on the demo corpus."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    demo = PROJECT / "data" / "01_raw"
    if not (demo / ".demo_corpus_complete").exists():
        pytest.skip("the demo corpus is not built (make run / make test build it)")
    for name in ("pyproject.toml", "conf", "src", "notebooks"):
        source = PROJECT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    shutil.copytree(demo, tmp_path / "data" / "01_raw")
    run = subprocess.run(
        [KEDRO, "run", "--env=test"], cwd=tmp_path, env=ENV, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-3000:]
    notebook = nbformat.read(tmp_path / "notebooks" / "overview.ipynb", as_version=4)
    nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path / "notebooks")}},
    ).execute()
    outputs = [
        o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
    ]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4  # the piano roll and the three evaluation plots
    text = "".join(str(o.get("data", {}).get("text/markdown", "")) for o in outputs)
    assert "Teacher-forced loss on the test lines" in text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--pipelines=ingest", "--params=ingest.files_per_part=-5"],
            "invalid parameter ingest.files_per_part: Input should be greater than or equal to 1 (got -5)",
        ),
        (
            ["--pipelines=tokenise", "--params=tokenise.max_len=0"],
            "invalid parameter tokenise.max_len: Input should be greater than or equal to 2 (got 0)",
        ),
        (
            ["--pipelines=tokenise", "--params=tokenise.scheme=cls"],
            "invalid parameter tokenise.scheme: Input should be 'shifted' or 'bos_prefix' (got 'cls')",
        ),
        (
            ["--pipelines=decoder_pretrain", "--params=decoder_pretrain.train.batch_size=-1"],
            "invalid parameter decoder_pretrain.train.batch_size",
        ),
        (
            ["--pipelines=ingest", "--env=missing"],
            "catalog entry raw_midi: raw folder /nowhere/karaoke does not exist (required: true)",
        ),
    ],
)
def test_bad_parameters_and_a_missing_raw_folder_stop_kedro_run_before_any_work(
    tmp_path, arguments, message
):
    for name in ("pyproject.toml", "conf", "src"):
        source = PROJECT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    (tmp_path / "conf" / "missing").mkdir()
    (tmp_path / "conf" / "missing" / "catalog.yml").write_text(
        "raw_midi:\n  type: melody_to_lyrics.datasets.RawFolderDataset\n  path: /nowhere/karaoke\n  required: true\n"
    )
    run = subprocess.run(
        [KEDRO, "run", *arguments], cwd=tmp_path, env=ENV, capture_output=True, text=True
    )
    assert run.returncode != 0
    assert message in run.stderr
    assert "Running node" not in run.stderr
    assert not (tmp_path / "data").exists()  # nothing written
