"""Nodes of the ``tokenise`` pipeline."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from tokenizers import Tokenizer

from melody_to_lyrics import params as P
from melody_to_lyrics.ragged import Ragged
from melody_to_lyrics.tables import TableParts, as_frame
from melody_to_lyrics.text.tokenizer import encode_lines, train_tokenizer
from melody_to_lyrics.training.examples import ExampleSet, note_matrix, note_windows, token_pairs

logger = logging.getLogger(__name__)


def train_lyric_tokenizer(pretraining_lines: pd.DataFrame, tokenise: dict) -> Tokenizer:
    """A byte-level BPE tokenizer trained on the training split's lyric text."""
    options = P.validate("tokenise", tokenise)
    tokenizer = train_tokenizer(
        pretraining_lines["text"].tolist(),
        vocab_size=options.vocab_size,
        lowercase=options.lowercase,
        min_frequency=options.min_frequency,
    )
    logger.info(
        "tokenizer: %d tokens from %d training lines",
        tokenizer.get_vocab_size(),
        len(pretraining_lines),
    )
    return tokenizer


def build_decoder_pairs(
    pretraining_lines: pd.DataFrame,
    aligned_pairs: pd.DataFrame,
    lyric_tokenizer: Tokenizer,
    tokenise: dict,
) -> ExampleSet:
    """Decoder pairs: training lines (pretraining text) and validation lines, in the chosen scheme."""
    options = P.validate("tokenise", tokenise)
    texts = {
        "train": pretraining_lines["text"].tolist(),
        "validation": aligned_pairs.loc[aligned_pairs["split"] == "validation", "text"].tolist(),
    }
    splits, cut = {}, {}
    for split, lines in texts.items():
        inputs, targets, cut[split] = token_pairs(
            encode_lines(lyric_tokenizer, lines), options.scheme, options.max_len
        )
        splits[split] = {"inputs": inputs, "targets": targets}
        logger.info(
            "decoder pairs (%s): %d %s lines, %d cut to %d tokens",
            options.scheme,
            len(inputs),
            split,
            cut[split],
            options.max_len,
        )
    return ExampleSet(splits, {"scheme": options.scheme, "max_len": options.max_len, "cut": cut})


def build_encoder_examples(
    melodies: TableParts,
    lyricless_melodies: pd.DataFrame,
    song_split: pd.DataFrame,
    tokenise: dict,
    note_features: dict,
) -> ExampleSet:
    """Note-vector windows: training songs' melodies and lyric-less melodies; validation songs' melodies."""
    options = P.validate("tokenise", tokenise)
    vocab = P.validate("note_features", note_features).quantiser().vocabulary_sizes
    split_of = song_split.loc[song_split["kept"].astype(bool)].set_index("song_id")["split"]
    columns = ["song_id", "pitch", "duration", "rest", "position"]
    paired = as_frame(melodies, columns)
    paired = paired[paired["song_id"].isin(split_of.index)]
    sources = {
        "train": [paired[paired["song_id"].map(split_of) == "train"], lyricless_melodies[columns]],
        "validation": [paired[paired["song_id"].map(split_of) == "validation"]],
    }
    splits = {}
    for split, frames in sources.items():
        rows = [note_matrix(row) for frame in frames for row in frame.to_dict(orient="records")]
        splits[split] = {"notes": note_windows(rows, options.max_notes, options.min_window_notes)}
        logger.info(
            "encoder examples: %d %s windows from %d melodies",
            len(splits[split]["notes"]),
            split,
            len(rows),
        )
    sizes = [vocab[name] for name in ("pitch", "duration", "rest", "position")]
    return ExampleSet(splits, {"vocab_sizes": sizes, "max_notes": options.max_notes})


def build_joint_pairs(
    aligned_pairs: pd.DataFrame, lyric_tokenizer: Tokenizer, tokenise: dict, note_features: dict
) -> ExampleSet:
    """(melody segment, lyric line) pairs of every split; the decoder input starts with BOS."""
    options = P.validate("tokenise", tokenise)
    vocab = P.validate("note_features", note_features).quantiser().vocabulary_sizes
    splits, cut = {}, {}
    for split in ("train", "validation", "test"):
        rows = aligned_pairs[aligned_pairs["split"] == split]
        tokens = encode_lines(lyric_tokenizer, rows["text"].tolist())
        keep = np.array([len(t) > 0 for t in tokens], dtype=bool)
        rows, tokens = rows[keep], [t for t, k in zip(tokens, keep, strict=True) if k]
        inputs, targets, cut[split] = token_pairs(tokens, "bos_prefix", options.max_len)
        notes = [note_matrix(row)[: options.max_notes] for row in rows.to_dict(orient="records")]
        context, previous = (
            [],
            None,
        )  # the previous line of the same song and stanza (rows are in order)
        for key, line_tokens in zip(
            zip(rows["song_id"], rows["stanza"], strict=True), tokens, strict=True
        ):
            context.append(previous[1] if previous is not None and previous[0] == key else [])
            previous = (key, line_tokens)
        splits[split] = {
            "notes": Ragged.from_rows(notes, dtype=np.int16, width=4),
            "inputs": inputs,
            "targets": targets,
            "context": Ragged.from_rows(context),
            "song_id": rows["song_id"].to_numpy(dtype=str),
            "stanza": rows["stanza"].to_numpy(dtype=np.int32),
            "line": rows["line"].to_numpy(dtype=np.int32),
            "n_syllables": rows["n_syllables"].to_numpy(dtype=np.int32),
            "n_notes": rows["n_notes"].to_numpy(dtype=np.int32),
            "text": rows["text"].to_numpy(dtype=str),
        }
        logger.info(
            "joint pairs: %d %s lines, %d cut to %d tokens",
            len(inputs),
            split,
            cut[split],
            options.max_len,
        )
    sizes = [vocab[name] for name in ("pitch", "duration", "rest", "position")]
    meta = {
        "scheme": "bos_prefix",
        "max_len": options.max_len,
        "max_notes": options.max_notes,
        "vocab_sizes": sizes,
        "cut": cut,
    }
    return ExampleSet(splits, meta)


def report_tokenise(
    lyric_tokenizer: Tokenizer,
    decoder_pairs: ExampleSet,
    encoder_examples: ExampleSet,
    joint_pairs: ExampleSet,
) -> dict:
    """Vocabulary, example counts, cut lines and token lengths."""

    def describe(examples: ExampleSet, field: str) -> dict:
        out = {}
        for split, fields in examples.splits.items():
            lengths = fields[field].lengths
            out[split] = {
                "rows": int(len(lengths)),
                "mean_length": round(float(lengths.mean()), 2) if len(lengths) else 0,
            }
        return out

    return {
        "vocab_size": lyric_tokenizer.get_vocab_size(),
        "decoder_pairs": {
            "scheme": decoder_pairs.meta["scheme"],
            "cut": decoder_pairs.meta["cut"],
            **describe(decoder_pairs, "targets"),
        },
        "encoder_examples": describe(encoder_examples, "notes"),
        "joint_pairs": {"cut": joint_pairs.meta["cut"], **describe(joint_pairs, "targets")},
    }
