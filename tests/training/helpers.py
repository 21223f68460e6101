"""Tiny example sets and models for the training tests."""

from __future__ import annotations

import numpy as np

from melody_to_lyrics.models import DecoderConfig, EncoderConfig
from melody_to_lyrics.ragged import Ragged
from melody_to_lyrics.training.examples import ExampleSet, note_windows, token_pairs
from melody_to_lyrics.training.loop import TrainConfig

VOCAB_SIZES = (128, 12, 10, 32)
LINES = [[5 + (3 * i + j) % 40 for j in range(4 + i % 5)] for i in range(12)]


def decoder_examples(scheme: str = "shifted", lines=LINES, max_len: int = 24) -> ExampleSet:
    splits = {}
    for split, rows in (("train", lines), ("validation", lines[:4])):
        inputs, targets, _ = token_pairs(rows, scheme, max_len)
        splits[split] = {"inputs": inputs, "targets": targets}
    return ExampleSet(splits, {"scheme": scheme, "max_len": max_len})


def melodies(n: int = 10, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        length = 20 + 3 * i
        pitch = 60 + np.cumsum(rng.integers(-2, 3, length)) % 20
        out.append(
            np.stack(
                [
                    pitch,
                    rng.integers(0, 12, length),
                    rng.integers(0, 10, length),
                    np.arange(length) * 4 % 32,
                ],
                1,
            )
        )
    return out


def encoder_examples() -> ExampleSet:
    m = melodies()
    return ExampleSet(
        {"train": {"notes": note_windows(m, 16)}, "validation": {"notes": note_windows(m[:3], 16)}},
        {"vocab_sizes": list(VOCAB_SIZES), "max_notes": 16},
    )


def joint_examples(max_len: int = 24) -> ExampleSet:
    m = melodies(len(LINES))
    splits = {}
    for split, span in (
        ("train", range(len(LINES))),
        ("validation", range(4)),
        ("test", range(4, 8)),
    ):
        rows = list(span)
        inputs, targets, _ = token_pairs([LINES[i] for i in rows], "bos_prefix", max_len)
        notes = Ragged.from_rows([m[i][:12] for i in rows], dtype=np.int16, width=4)
        splits[split] = {"notes": notes, "inputs": inputs, "targets": targets}
    return ExampleSet(
        splits,
        {
            "scheme": "bos_prefix",
            "max_len": max_len,
            "max_notes": 16,
            "vocab_sizes": list(VOCAB_SIZES),
        },
    )


def tiny_decoder(cross: int | None = None, vocab: int = 64) -> DecoderConfig:
    return DecoderConfig(
        vocab_size=vocab,
        d_model=32,
        n_layers=2,
        n_heads=2,
        d_ff=64,
        dropout=0.1,
        max_len=25,
        memory_dim=cross,
    )


def tiny_encoder() -> EncoderConfig:
    return EncoderConfig(
        vocab_sizes=VOCAB_SIZES,
        d_model=32,
        n_layers=1,
        n_heads=2,
        d_ff=64,
        dropout=0.1,
        max_notes=16,
    )


def quick(**overrides) -> TrainConfig:
    settings = {
        "steps": 10,
        "batch_size": 4,
        "learning_rate": 3e-3,
        "warmup_steps": 2,
        "eval_every": 5,
        "checkpoint_every": 2,
        "log_every": 2,
        "progress": False,
        "samples": 0,
        "device": "cpu",
        **overrides,
    }
    return TrainConfig(**settings)
