"""The shared training loop: it learns, resumes exactly, refuses bad checkpoints, runs under DDP."""

from __future__ import annotations

import os
import socket
from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.multiprocessing as mp

from melody_to_lyrics.models import JointConfig, LyricDecoder, MelodyToLyrics, NoteEncoder
from melody_to_lyrics.training.batching import BatchPlan
from melody_to_lyrics.training.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from melody_to_lyrics.training.distributed import DistEnv
from melody_to_lyrics.training.loop import Trainer, learning_rate
from melody_to_lyrics.training.objectives import MaskedNotes, MelodyConditioned, NextToken
from tests.training.helpers import (
    VOCAB_SIZES,
    decoder_examples,
    encoder_examples,
    joint_examples,
    quick,
    tiny_decoder,
    tiny_encoder,
)


def decoder_trainer(tmp_path, config, scheme="shifted", dropout=0.1, **kwargs) -> Trainer:
    torch.manual_seed(config.seed)
    model = LyricDecoder(replace(tiny_decoder(), dropout=dropout))
    return Trainer(
        model,
        NextToken(decoder_examples(scheme)),
        config,
        model_config=model.config.to_dict(),
        checkpoint_dir=tmp_path / "ckpt",
        tensorboard_dir=tmp_path / "tb",
        **kwargs,
    )


@pytest.mark.parametrize("lengths", [None, np.arange(12) % 5])
def test_batches_are_a_function_of_the_step_and_cover_each_epoch_once(lengths):
    plan = BatchPlan(lengths, batch_size=4, seed=3, bucket_batches=3, n_rows=12)
    epoch = np.concatenate([plan.rows(s) for s in range(3)])
    assert sorted(epoch.tolist()) == list(range(12))
    again = BatchPlan(lengths, batch_size=4, seed=3, bucket_batches=3, n_rows=12)
    assert np.array_equal(plan.rows(4), again.rows(4))
    two = [plan.rows(1, DistEnv(rank=r, world_size=2)) for r in (0, 1)]
    assert sorted(np.concatenate(two).tolist()) == sorted(plan.rows(1).tolist())


def test_length_bucketing_puts_lines_of_similar_length_together():
    lengths = np.random.default_rng(0).integers(1, 25, 6400)
    bucketed = BatchPlan(lengths, 64, seed=0, bucket_batches=50)
    plain = BatchPlan(lengths, 64, seed=0, bucket_batches=1)
    padded = lambda plan: np.mean([lengths[plan.rows(s)].max() for s in range(100)])  # noqa: E731
    assert padded(bucketed) < 0.6 * padded(plain)
    assert padded(bucketed) < lengths.mean() * 1.3


def test_learning_rate_warms_up_then_decays_to_its_floor():
    config = quick(steps=100, warmup_steps=10, learning_rate=1e-3, min_lr_ratio=0.1)
    rates = [learning_rate(s, config) for s in range(100)]
    assert rates[0] == pytest.approx(1e-4) and rates[9] == pytest.approx(1e-3)
    assert all(a >= b for a, b in zip(rates[10:], rates[11:], strict=False))
    assert rates[-1] == pytest.approx(1e-4, rel=0.05)


def test_a_tiny_decoder_overfits_a_handful_of_lines(tmp_path):
    config = quick(
        steps=300,
        batch_size=12,
        learning_rate=1e-2,
        warmup_steps=10,
        eval_every=300,
        checkpoint_every=300,
    )
    torch.manual_seed(0)
    model = LyricDecoder(replace(tiny_decoder(), dropout=0.0))
    result = Trainer(
        model,
        NextToken(decoder_examples()),
        config,
        model_config={},
        checkpoint_dir=tmp_path,
        tensorboard_dir=None,
    ).fit()
    assert result.metrics["final_train_loss"] < 0.05
    assert (
        result.metrics["final_validation_loss"] < 0.05
    )  # validation lines are among the training ones


def test_the_encoder_and_joint_objectives_learn(tmp_path):
    torch.manual_seed(0)
    encoder = NoteEncoder(tiny_encoder())
    objective = MaskedNotes(encoder_examples(), VOCAB_SIZES, seed=0)
    result = Trainer(
        encoder,
        objective,
        quick(steps=60, eval_every=60),
        model_config={},
        checkpoint_dir=tmp_path / "e",
        tensorboard_dir=None,
    ).fit()
    curve = result.curve[result.curve["split"] == "train"]["loss"]
    assert curve.iloc[-1] < curve.iloc[0]
    joint = MelodyToLyrics(JointConfig(tiny_encoder(), tiny_decoder()))
    objective = MelodyConditioned(joint_examples(), None, pad_note=tiny_encoder().pad_ids())
    result = Trainer(
        joint,
        objective,
        quick(steps=60, eval_every=30),
        model_config={},
        checkpoint_dir=tmp_path / "j",
        tensorboard_dir=None,
    ).fit()
    curve = result.curve[result.curve["split"] == "train"]["loss"]
    assert curve.iloc[-1] < curve.iloc[0] - 1.0
    assert "final_validation_comparable" in result.metrics


def test_an_interrupted_run_resumed_ends_with_the_same_weights(tmp_path):
    config = quick(steps=10, checkpoint_every=2)
    straight = decoder_trainer(tmp_path / "a", config).fit()
    decoder_trainer(tmp_path / "b", config, stop_after=6).fit()  # "killed" after step 6
    assert load_checkpoint(tmp_path / "b" / "ckpt" / "last.pt")["step"] == 6
    resumed = decoder_trainer(tmp_path / "b", config).fit()
    assert resumed.metrics["steps"] == 10
    for key, value in straight.state_dict.items():
        assert torch.equal(value, resumed.state_dict[key]), key
    last_a = load_checkpoint(tmp_path / "a" / "ckpt" / "last.pt")["model"]
    last_b = load_checkpoint(tmp_path / "b" / "ckpt" / "last.pt")["model"]
    assert all(torch.equal(last_a[k], last_b[k]) for k in last_a)


def test_fresh_start_and_changed_data_ignore_the_old_checkpoint(tmp_path, caplog):
    decoder_trainer(tmp_path, quick(steps=4)).fit()
    again = decoder_trainer(tmp_path, quick(steps=4, fresh_start=True)).fit()
    assert again.metrics["steps"] == 4 and "resuming" not in caplog.text
    other = decoder_trainer(
        tmp_path, quick(steps=4), scheme="bos_prefix"
    ).fit()  # other data: no resume
    assert other.metrics["steps"] == 4
    assert "of another run" in caplog.text


def test_a_checkpoint_cut_short_is_never_loaded(tmp_path, caplog):
    path = tmp_path / "ckpt" / "last.pt"
    save_checkpoint({"step": 3, "model": {"w": torch.ones(1000)}}, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError):
        load_checkpoint(path)
    result = decoder_trainer(tmp_path, quick(steps=4)).fit()  # the run starts over instead
    assert result.metrics["steps"] == 4 and "not a loadable checkpoint" in caplog.text


def test_a_crafted_checkpoint_cannot_run_code(tmp_path):
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    path = tmp_path / "last.pt"
    torch.save({"step": 1, "complete": True, "payload": Exploit()}, path)
    with pytest.raises(CheckpointError):
        load_checkpoint(path)
    assert not marker.exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ddp_worker(rank: int, world: int, port: int, folder: str, results) -> None:
    os.environ.update(
        {
            "RANK": str(rank),
            "WORLD_SIZE": str(world),
            "LOCAL_RANK": str(rank),
            "MASTER_ADDR": "127.0.0.1",
            "MASTER_PORT": str(port),
        }
    )
    from pathlib import Path  # noqa: PLC0415

    trainer = decoder_trainer(
        Path(folder), quick(steps=12, batch_size=8, checkpoint_every=6, log_every=1), dropout=0.0
    )
    result = trainer.fit()
    results[rank] = (
        result.metrics["processes"],
        result.curve[result.curve["split"] == "train"]["loss"].tolist(),
    )


@pytest.mark.slow
def test_two_process_ddp_run_on_cpu(tmp_path):
    manager = mp.get_context("spawn").Manager()
    results = manager.dict()
    mp.spawn(_ddp_worker, args=(2, _free_port(), str(tmp_path), results), nprocs=2, join=True)
    assert results[0][0] == results[1][0] == 2
    assert results[0][1] == pytest.approx(results[1][1])  # both ranks log the same global loss
    assert (tmp_path / "ckpt" / "last.pt").exists()  # written by rank 0
    single = decoder_trainer(
        tmp_path / "one",
        quick(steps=12, batch_size=8, checkpoint_every=6, log_every=1),
        dropout=0.0,
    ).fit()
    curve = single.curve[single.curve["split"] == "train"]["loss"].tolist()
    # the same global batches: the same loss curve, step by step, up to float summation order
    assert len(curve) == len(results[0][1]) == 12
    assert results[0][1] == pytest.approx(curve, rel=1e-4)
