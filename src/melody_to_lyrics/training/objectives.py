"""The three training objectives: batches with dynamic padding, losses as sums, sample text.

A loss is returned as a *sum* over the tokens (or masked notes) it covers together with their
count, so the loop can average over the global batch across processes, and validation can
average over a whole split. PAD never contributes: padded targets carry the ignore index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from tokenizers import Tokenizer

from melody_to_lyrics.models.generate import greedy
from melody_to_lyrics.ragged import Ragged
from melody_to_lyrics.text.tokenizer import BOS_ID, PAD_ID, decode
from melody_to_lyrics.training.examples import ExampleSet, target_line_positions

IGNORE = -100


@dataclass
class LossParts:
    total: torch.Tensor  # summed loss (keeps the graph)
    count: int  # targets it sums over
    extra: dict[str, tuple[float, int]] = field(default_factory=dict)  # name -> (sum, count)
    tokens: int = 0  # what throughput counts: target tokens, or notes for the encoder


def pad_rows(rows: list[np.ndarray], value: int, length: int | None = None) -> torch.Tensor:
    """Right-pad 1-d rows (or (n, k) rows) to the longest one: dynamic padding."""
    longest = length or max(len(r) for r in rows)
    shape = (len(rows), longest, *rows[0].shape[1:])
    out = np.full(shape, value, dtype=np.int64)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return torch.from_numpy(out)


def pad_notes(segments: list[np.ndarray], pad_ids: np.ndarray) -> torch.Tensor:
    """Note windows (n, 4) padded to the longest with each attribute's PAD id."""
    longest = max(len(s) for s in segments)
    out = np.broadcast_to(pad_ids, (len(segments), longest, len(pad_ids))).astype(np.int64)
    for i, segment in enumerate(segments):
        out[i, : len(segment)] = segment
    return torch.from_numpy(out)


SPLIT_SEEDS = {"train": 0, "validation": 1, "test": 2}


def _token_batch(inputs: Ragged, targets: Ragged, rows: np.ndarray) -> dict[str, torch.Tensor]:
    return {
        "input_ids": pad_rows([inputs[i] for i in rows], PAD_ID),
        "targets": pad_rows([targets[i] for i in rows], IGNORE),
    }


def _token_loss(
    logits: torch.Tensor, batch: dict, comparable: torch.Tensor | None, extras: bool = True
) -> LossParts:
    targets = batch["targets"]
    per_token = F.cross_entropy(
        logits.float().flatten(0, 1), targets.flatten(), ignore_index=IGNORE, reduction="none"
    )
    valid = targets.flatten() != IGNORE
    parts = LossParts(per_token.sum(), int(valid.sum()), tokens=int(valid.sum()))
    if comparable is not None and extras:
        keep = comparable.flatten() & valid
        parts.extra["comparable"] = (float(per_token.detach()[keep].sum()), int(keep.sum()))
    return parts


class Objective:
    """What the loop needs of an objective."""

    name = ""

    def __init__(self, examples: ExampleSet):
        self.examples = examples

    def rows(self, split: str) -> int:
        return self.examples.rows(split) if split in self.examples.splits else 0

    def lengths(self, split: str) -> np.ndarray:
        """The cost of each row (what length bucketing sorts by)."""
        raise NotImplementedError

    def batch(self, split: str, rows: np.ndarray, step: int) -> dict[str, torch.Tensor]:
        raise NotImplementedError

    def loss(
        self, model: torch.nn.Module, batch: dict[str, torch.Tensor], extras: bool = True
    ) -> LossParts:
        """Summed loss; ``extras`` adds the metrics only evaluation needs (comparable loss, accuracies)."""
        raise NotImplementedError

    def samples(self, model: torch.nn.Module, device: torch.device, n: int) -> list[str]:
        return []


class NextToken(Objective):
    """Decoder pretraining: next-token prediction in one of the two input schemes.

    The *comparable* loss covers the target positions both schemes predict: every token of the
    line from the second on, and EOS, up to ``max_len`` (the scheme ``bos_prefix`` also predicts
    the first token, which ``shifted`` is given).
    """

    name = "next_token"

    def __init__(self, examples: ExampleSet, tokenizer: Tokenizer | None = None):
        super().__init__(examples)
        self.scheme = examples.meta["scheme"]
        self.max_len = examples.meta["max_len"]
        self.tokenizer = tokenizer

    def lengths(self, split: str) -> np.ndarray:
        return self.examples[split]["inputs"].lengths

    def batch(self, split: str, rows: np.ndarray, step: int) -> dict[str, torch.Tensor]:
        data = self.examples[split]
        batch = _token_batch(data["inputs"], data["targets"], rows)
        width = batch["targets"].shape[1]
        k = torch.from_numpy(target_line_positions(self.scheme, width))
        batch["comparable"] = ((k >= 2) & (k <= self.max_len)).expand(len(rows), width).clone()
        return batch

    def loss(self, model, batch, extras=True):
        return _token_loss(model(batch["input_ids"]), batch, batch["comparable"], extras)

    def samples(self, model, device, n):
        if self.tokenizer is None or not self.rows("validation"):
            return []
        data = self.examples["validation"]
        texts = []
        for i in range(min(n, len(data["inputs"]))):
            prompt = data["inputs"][i][:1]  # shifted: the line's first token; bos_prefix: BOS
            ids = greedy(
                model, torch.as_tensor(prompt[None], dtype=torch.long, device=device), self.max_len
            )[0]
            truth = np.concatenate([data["inputs"][i][:1], data["targets"][i]])
            texts.append(
                f"predicted: {decode(self.tokenizer, ids)}  \ntruth: {decode(self.tokenizer, truth)}"
            )
        return texts


class MaskedNotes(Objective):
    """Encoder pretraining: BERT-style masking of whole notes (all four attributes together).

    ``mask_share`` of the real notes of each window (at least one) are chosen; of those 80 % become
    MASK, 10 % a random note, 10 % stay; the loss is the cross-entropy of each attribute of each
    chosen note. The choice is seeded by the step, so a resumed run masks exactly as before.
    """

    name = "masked_notes"

    def __init__(
        self,
        examples: ExampleSet,
        vocab_sizes: tuple[int, ...],
        seed: int,
        mask_share: float = 0.15,
    ):
        super().__init__(examples)
        self.vocab_sizes = np.asarray(vocab_sizes)
        self.seed = seed
        self.mask_share = mask_share

    def lengths(self, split: str) -> np.ndarray:
        return self.examples[split]["notes"].lengths

    def batch(self, split: str, rows: np.ndarray, step: int) -> dict[str, torch.Tensor]:
        windows = [self.examples[split]["notes"][i] for i in rows]
        rng = np.random.default_rng([self.seed, step, SPLIT_SEEDS[split]])
        notes = pad_notes(windows, self.vocab_sizes).numpy()
        real = notes[..., 0] != self.vocab_sizes[0]
        chosen = (rng.random(real.shape) < self.mask_share) & real
        for i, window in enumerate(windows):  # at least one masked note per window
            if not chosen[i].any():
                chosen[i, rng.integers(len(window))] = True
        targets = np.where(chosen[..., None], notes, IGNORE)
        action = rng.random(real.shape)
        masked = chosen & (action < 0.8)
        randomised = chosen & (action >= 0.8) & (action < 0.9)
        inputs = notes.copy()
        inputs[masked] = self.vocab_sizes + 1  # MASK ids
        random_notes = (rng.random(notes.shape) * self.vocab_sizes).astype(np.int64)
        inputs[randomised] = random_notes[randomised]
        return {
            "notes": torch.from_numpy(inputs),
            "targets": torch.from_numpy(targets),
            "n_notes": torch.tensor(int(real.sum())),
        }

    def loss(self, model, batch, extras=True):
        logits = model(batch["notes"], predict=True)
        total, parts = 0.0, {}
        for a, attribute_logits in enumerate(logits):
            targets = batch["targets"][..., a].flatten()
            ce = F.cross_entropy(
                attribute_logits.float().flatten(0, 1),
                targets,
                ignore_index=IGNORE,
                reduction="sum",
            )
            total = total + ce
            if extras:
                hits = (attribute_logits.detach().argmax(-1).flatten() == targets) & (
                    targets != IGNORE
                )
                parts[f"accuracy_{('pitch', 'duration', 'rest', 'position')[a]}"] = (
                    float(hits.sum()),
                    int((targets != IGNORE).sum()),
                )
        n_chosen = int((batch["targets"][..., 0] != IGNORE).sum())
        return LossParts(total, 4 * n_chosen, extra=parts, tokens=int(batch["n_notes"]))


class MelodyConditioned(Objective):
    """Joint training: the decoder, cross-attending to the encoded melody segment, predicts the line.

    The decoder input starts with BOS, so the comparable loss (every target but the first token)
    matches the decoder pretraining's. Where the examples hold each line's previous line
    (``context``) and ``context_rate`` > 0, that share of lines is given it (chosen anew each step,
    seeded by the step); the others are not, so the model also learns to write without one.
    """

    name = "melody_conditioned"

    def __init__(
        self,
        examples: ExampleSet,
        tokenizer: Tokenizer | None,
        pad_note: tuple[int, ...],
        context_rate: float = 0.0,
        seed: int = 0,
    ):
        super().__init__(examples)
        self.tokenizer = tokenizer
        self.pad_note = np.asarray(pad_note)
        self.max_len = examples.meta["max_len"]
        self.context_rate = context_rate
        self.seed = seed

    def lengths(self, split: str) -> np.ndarray:
        data = self.examples[split]
        return data["notes"].lengths + data["inputs"].lengths

    def _notes(self, split: str, rows: np.ndarray) -> torch.Tensor:
        return pad_notes([self.examples[split]["notes"][i] for i in rows], self.pad_note)

    def batch(self, split: str, rows: np.ndarray, step: int) -> dict[str, torch.Tensor]:
        data = self.examples[split]
        batch = _token_batch(data["inputs"], data["targets"], rows)
        width = batch["targets"].shape[1]
        k = torch.from_numpy(target_line_positions("bos_prefix", width))
        batch["comparable"] = ((k >= 2) & (k <= self.max_len)).expand(len(rows), width).clone()
        batch["notes"] = self._notes(split, rows)
        if self.context_rate > 0 and "context" in data:
            rng = np.random.default_rng([self.seed, step, SPLIT_SEEDS[split], 7])
            given = rng.random(len(rows)) < self.context_rate
            contexts = [
                data["context"][i] if keep else np.zeros(0, np.int32)
                for i, keep in zip(rows, given, strict=True)
            ]
            batch["context"] = pad_rows(
                [c if len(c) else np.array([PAD_ID]) for c in contexts], PAD_ID
            )
        return batch

    def loss(self, model, batch, extras=True):
        logits = model(batch["notes"], batch["input_ids"], batch.get("context"))
        return _token_loss(logits, batch, batch["comparable"], extras)

    def samples(self, model, device, n):
        if self.tokenizer is None or not self.rows("validation"):
            return []
        rows = np.arange(min(n, self.rows("validation")))
        notes = self._notes("validation", rows).to(device)
        memory, mask = model.encode(notes)
        prompt = torch.full((len(rows), 1), BOS_ID, dtype=torch.long, device=device)
        generated = greedy(
            model.decoder, prompt, self.max_len, memory=memory, memory_padding_mask=mask
        )
        data = self.examples["validation"]
        return [
            f"predicted: {decode(self.tokenizer, ids)}  \ntruth: {decode(self.tokenizer, data['targets'][i])}"
            for i, ids in zip(rows, generated, strict=True)
        ]
