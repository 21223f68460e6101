"""The systems compared on the test lines: the joint model, and three baselines.

* ``joint`` -- the joint model (pretrained encoder and decoder, then trained on pairs), decoding
  from BOS with the melody segment in its cross-attention;
* ``joint_scratch`` -- the same architecture trained on the pairs from scratch (what pretraining adds);
* ``decoder_only`` -- the pretrained decoder alone, without the melody (what melody conditioning
  adds). A ``shifted`` decoder never learned to predict a line's first token, so that token is
  drawn from the training lines' first tokens (seeded); a ``bos_prefix`` decoder starts from BOS;
* ``retrieval`` -- nearest-melody retrieval: the training line whose melody segment is closest.

Every generating system runs in batches with the key/value cache.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch
from tokenizers import Tokenizer

from melody_to_lyrics.evaluation.metrics import count_syllables
from melody_to_lyrics.models import LyricDecoder, MelodyToLyrics
from melody_to_lyrics.models.generate import GenerationConfig, LengthControl, generate
from melody_to_lyrics.ragged import Ragged
from melody_to_lyrics.text.tokenizer import BOS_ID, decode
from melody_to_lyrics.training.objectives import pad_notes

VOWELS = frozenset("aeiouy")


def _can_be_sung(piece: str) -> bool:
    # a vowel, or any non-ASCII letter (accented vowels, byte-level pieces of other scripts)
    return any(c.lower() in VOWELS or (c.isalpha() and not c.isascii()) for c in piece)


@dataclass(frozen=True)
class VocabularyMasks:
    """What length control needs to know of every vocabulary entry; built once per tokenizer.

    ``starts_word``: the entry begins a new word (byte-level BPE: a leading space).
    ``silent``: an ordinary entry that cannot carry a syllable on its own -- no vowel
    (punctuation, apostrophes, digits, lone consonants such as ``n`` or ``'s``). Special tokens
    (``[EOS]`` ...) are never silent: length control handles EOS itself.
    """

    starts_word: torch.Tensor
    silent: torch.Tensor

    @classmethod
    def of(cls, tokenizer: Tokenizer) -> VocabularyMasks:
        vocabulary = tokenizer.get_vocab(with_added_tokens=True)
        special = set(vocabulary) - set(tokenizer.get_vocab(with_added_tokens=False))
        starts_word = torch.zeros(tokenizer.get_vocab_size(), dtype=torch.bool)
        silent = torch.zeros_like(starts_word)
        for token, index in vocabulary.items():
            starts_word[index] = token.startswith("Ġ")
            silent[index] = token not in special and not _can_be_sung(token.lstrip("Ġ"))
        return cls(starts_word, silent)


def length_control(
    tokenizer: Tokenizer, targets: list[int], language: str, masks: VocabularyMasks
) -> LengthControl:
    return LengthControl(
        targets,
        lambda ids: count_syllables(decode(tokenizer, ids), language),
        masks.starts_word,
        silent=masks.silent,
    )


def generate_joint(
    model: MelodyToLyrics,
    notes: Ragged,
    tokenizer: Tokenizer,
    config: GenerationConfig,
    *,
    batch_size: int = 64,
    syllable_targets: list[int] | None = None,
    language: str = "en_US",
    device: torch.device = torch.device("cpu"),
) -> list[dict]:
    """Lines for melody segments: ``text``, ``tokens``, ``ended`` per segment."""
    model.eval().to(device)
    pad = np.asarray(model.config.encoder.pad_ids())
    results: list[dict] = []
    masks = VocabularyMasks.of(tokenizer) if syllable_targets is not None else None
    for start in range(0, len(notes), batch_size):
        rows = range(start, min(start + batch_size, len(notes)))
        segment = pad_notes([notes[i][: model.config.encoder.max_notes] for i in rows], pad).to(
            device
        )
        memory, mask = model.encode(segment)
        prompt = torch.full((len(rows), 1), BOS_ID, dtype=torch.long, device=device)
        control = None
        if syllable_targets is not None:
            control = length_control(
                tokenizer, [syllable_targets[i] for i in rows], language, masks
            )
        batch_config = GenerationConfig(**{**config.__dict__, "seed": config.seed + start})
        results.extend(generate(model.decoder, prompt, batch_config, memory, mask, control))
    for result in results:
        result["text"] = decode(tokenizer, result["tokens"])
    return results


def first_token_distribution(training_inputs: Ragged) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and probabilities of the first token of training lines."""
    counts = Counter(
        int(training_inputs[i][0]) for i in range(len(training_inputs)) if len(training_inputs[i])
    )
    ids = np.array(sorted(counts))
    probabilities = np.array([counts[i] for i in ids], dtype=float)
    return ids, probabilities / probabilities.sum()


def generate_decoder_only(
    decoder: LyricDecoder,
    scheme: str,
    n: int,
    tokenizer: Tokenizer,
    config: GenerationConfig,
    first_tokens: tuple[np.ndarray, np.ndarray],
    *,
    batch_size: int = 64,
    device: torch.device = torch.device("cpu"),
) -> list[dict]:
    """``n`` lines from the decoder alone (see the module docstring for how a line starts)."""
    decoder.eval().to(device)
    rng = np.random.default_rng(config.seed)
    results: list[dict] = []
    for start in range(0, n, batch_size):
        size = min(batch_size, n - start)
        if scheme == "bos_prefix":
            prompt = torch.full((size, 1), BOS_ID, dtype=torch.long, device=device)
        else:
            ids, probabilities = first_tokens
            prompt = torch.as_tensor(rng.choice(ids, size=size, p=probabilities), device=device)[
                :, None
            ]
        batch_config = GenerationConfig(**{**config.__dict__, "seed": config.seed + start})
        for row, result in zip(
            prompt.tolist(), generate(decoder, prompt, batch_config), strict=True
        ):
            tokens = ([] if scheme == "bos_prefix" else row) + result["tokens"]
            results.append(
                {"tokens": tokens, "ended": result["ended"], "text": decode(tokenizer, tokens)}
            )
    return results


def melody_features(notes: Ragged, vocab_sizes: tuple[int, ...], points: int = 16) -> np.ndarray:
    """A fixed-length description of each melody segment for nearest-neighbour retrieval.

    The pitch contour (relative to the segment's mean, resampled to ``points`` values), the
    histogram of duration bins and of position steps (shares), and the number of notes (log).
    Each part is scaled to comparable weight.
    """
    rows = []
    durations, positions = vocab_sizes[1], vocab_sizes[3]
    for i in range(len(notes)):
        segment = notes[i].astype(float)
        pitch = segment[:, 0] - segment[:, 0].mean()
        contour = (
            np.interp(np.linspace(0, len(pitch) - 1, points), np.arange(len(pitch)), pitch) / 6.0
        )
        duration = np.bincount(segment[:, 1].astype(int), minlength=durations) / len(segment)
        position = np.bincount(segment[:, 3].astype(int), minlength=positions) / len(segment)
        rows.append(np.concatenate([contour, 2 * duration, position, [np.log1p(len(segment))]]))
    return np.array(rows)


def nearest_melody(
    train_notes: Ragged, query_notes: Ragged, vocab_sizes: tuple[int, ...], chunk: int = 512
) -> np.ndarray:
    """For each query segment, the index of the training segment with the closest features."""
    train = melody_features(train_notes, vocab_sizes)
    query = melody_features(query_notes, vocab_sizes)
    best = np.empty(len(query), dtype=np.int64)
    train_norms = (train**2).sum(1)
    for start in range(0, len(query), chunk):
        block = query[start : start + chunk]
        distances = train_norms[None, :] - 2 * block @ train.T
        best[start : start + chunk] = distances.argmin(1)
    return best
