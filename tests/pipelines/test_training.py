"""tokenise and the three training pipelines on the test corpus, each pipeline run on its own."""

from __future__ import annotations

import json

import pytest
from kedro.pipeline import Pipeline
from kedro.runner import SequentialRunner
from tokenizers import Tokenizer

from melody_to_lyrics.pipelines import training
from tests.project_catalog import project_catalog

pytestmark = pytest.mark.slow


def run(root, *stages, params=None):
    catalog = project_catalog(root, params=params)
    SequentialRunner().run(
        sum((training.create_pipeline(s) for s in stages), Pipeline([])), catalog
    )
    return catalog


def test_tokenise_writes_a_tokenizer_and_the_examples_of_the_three_objectives(prepared):
    catalog = project_catalog(prepared)
    tokenizer = Tokenizer.from_file(str(prepared / "data" / "06_models" / "lyric_tokenizer.json"))
    assert tokenizer.token_to_id("[MASK]") == 3
    decoder_pairs, joint_pairs, encoder_examples = (
        catalog.load(n) for n in ("decoder_pairs", "joint_pairs", "encoder_examples")
    )
    assert decoder_pairs.meta["scheme"] == "shifted" and decoder_pairs.rows("train") > 0
    assert set(joint_pairs.splits) == {"train", "validation", "test"}
    assert all(
        row[0] == 1
        for row in (joint_pairs["train"]["inputs"][i] for i in range(joint_pairs.rows("train")))
    )  # BOS first
    assert encoder_examples.rows("train") >= 2  # the lyric-less tunes at least
    checked = 0
    for split, data in joint_pairs.splits.items():
        for i in range(joint_pairs.rows(split)):
            same_verse = i > 0 and (data["song_id"][i], data["stanza"][i]) == (
                data["song_id"][i - 1],
                data["stanza"][i - 1],
            )
            expected = (
                data["targets"][i - 1][:-1].tolist() if same_verse else []
            )  # the previous line, without EOS
            assert data["context"][i].tolist() == expected
            checked += same_verse
    assert checked >= 1
    report = catalog.load("tokenise_report")
    assert report["vocab_size"] == tokenizer.get_vocab_size()


def test_decoder_pretrain_runs_alone_and_a_rerun_resumes(prepared, caplog):
    catalog = run(prepared, "decoder_pretrain")
    metrics = catalog.load("decoder_pretrain.metrics")
    assert metrics["steps"] == 12 and metrics["objective"] == "next_token"
    assert "final_validation_comparable" in metrics
    files = prepared / "data"
    assert (files / "06_models" / "decoder_pretrain" / "model.safetensors").exists()
    assert (files / "06_models" / "decoder_pretrain" / "checkpoints" / "last.pt").exists()
    assert (files / "06_models" / "decoder_pretrain" / "checkpoints" / "best.pt").exists()
    assert (files / "08_reporting" / "decoder_pretrain" / "loss_curve.png").exists()
    assert list(
        (files / "08_reporting" / "tensorboard" / "decoder_pretrain").glob("events.out.tfevents.*")
    )
    curve = catalog.load("decoder_pretrain.loss_curve")
    assert set(curve["split"]) == {"train", "validation"}
    caplog.clear()
    run(prepared, "decoder_pretrain")
    assert "resuming from" in caplog.text and "at step 12" in caplog.text


def test_joint_train_runs_alone_from_scratch_then_from_both_pretrained_models(prepared):
    catalog = run(prepared, "joint_train", params={"joint_train": {"init_from_pretrained": False}})
    assert catalog.load("joint_train.metrics")["initialised_from"] == {
        "encoder": "scratch",
        "decoder": "scratch",
    }
    run(prepared, "encoder_pretrain", "decoder_pretrain")
    catalog = run(prepared, "joint_train")
    metrics = catalog.load("joint_train.metrics")
    assert metrics["initialised_from"] == {"encoder": "pretrained", "decoder": "pretrained"}
    saved = catalog.load("joint_train.model")
    assert (
        saved["config"]["kind"] == "joint"
        and saved["config"]["decoder"]["memory_dim"] == saved["config"]["encoder"]["d_model"]
    )
    encoder_metrics = json.loads(
        (prepared / "data" / "08_reporting" / "encoder_pretrain" / "metrics.json").read_text()
    )
    assert (
        encoder_metrics["objective"] == "masked_notes"
        and "final_validation_accuracy_pitch" in encoder_metrics
    )


def test_an_unknown_scheme_fails_before_any_work():
    from melody_to_lyrics.params import ParameterError, validate  # noqa: PLC0415

    with pytest.raises(
        ParameterError, match=r"tokenise\.scheme: Input should be 'shifted' or 'bos_prefix'"
    ):
        validate("tokenise", {"scheme": "cls"})
    with pytest.raises(
        ParameterError, match=r"tokenise\.max_len: Input should be greater than or equal to 2"
    ):
        validate("tokenise", {"max_len": 0})
    with pytest.raises(
        ParameterError,
        match=r"decoder_pretrain\.model: .*d_model \(30\) must be a multiple of n_heads \(4\)",
    ):
        validate(
            "decoder_pretrain",
            {"model": {"d_model": 30, "n_heads": 4}, "checkpoint_dir": "c", "tensorboard_dir": "t"},
        )
