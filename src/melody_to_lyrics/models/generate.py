"""Batched generation with the decoder's key/value cache: greedy, beam search, nucleus sampling.

Each step feeds only the newest token of each row; the cache holds the keys and values of all
earlier positions (and, in the joint model, the encoder memory's keys and values, computed once).
A row stops at its first EOS and nothing after it is ever emitted. An optional
:class:`LengthControl` holds EOS back until a line has the syllables its melody needs, then lets
no new word begin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from melody_to_lyrics.models.decoder import LyricDecoder
from melody_to_lyrics.text.tokenizer import EOS_ID, PAD_ID

STRATEGIES = ("greedy", "beam", "nucleus")


@dataclass(frozen=True)
class GenerationConfig:
    strategy: str = "greedy"
    max_len: int = 24  # positions the decoder reads, the prompt's included (tokens: up to max_len - prompt + 1)
    beam_size: int = 4
    length_penalty: float = 1.0  # beam scores are log-probabilities / length ** penalty
    temperature: float = 1.0
    top_p: float = 0.9
    repetition_penalty: float = (
        1.0  # > 1: tokens already in the line become less likely (CTRL-style)
    )
    min_tokens: int = 0  # EOS is not allowed before this many generated tokens
    seed: int = 0


class LengthControl:
    """Per row, a syllable target: EOS is forbidden below it; once it is reached no new word may
    start, and after ``grace`` more tokens (the end of the word, a comma) the line must end.

    ``count`` maps token ids (without the prompt) to a syllable count; ``starts_word`` marks the
    vocabulary entries that begin a new word (byte-level BPE: those starting with a space).
    ``silent`` (optional) marks the entries that cannot carry a syllable (no vowel: punctuation,
    apostrophes, lone consonants): below the target a silent token may not follow another one --
    otherwise a weak model pads its line to length with runs of commas or apostrophes.
    """

    def __init__(
        self,
        targets: list[int],
        count: Callable[[list[int]], int],
        starts_word: torch.Tensor,
        grace: int = 2,
        silent: torch.Tensor | None = None,
    ):
        self.targets = targets
        self._count = count
        self._counted: dict[tuple[int, ...], int] = {}  # prefixes recur across steps and beams
        self.starts_word = starts_word
        self.grace = grace
        self.silent = silent

    def count(self, tokens: list[int]) -> int:
        key = tuple(tokens)
        if key not in self._counted:
            self._counted[key] = self._count(tokens)
        return self._counted[key]

    def apply(
        self, logits: torch.Tensor, generated: list[list[int]], rows: list[int]
    ) -> torch.Tensor:
        """Mask ``logits`` (one row per entry of ``rows``, which index ``targets``)."""
        logits = logits.clone()
        starts_word = self.starts_word.to(logits.device)
        for i, row in enumerate(rows):
            tokens = generated[i]
            if self.count(tokens) < self.targets[row]:
                logits[i, EOS_ID] = float("-inf")
                if self.silent is not None and tokens and bool(self.silent[tokens[-1]]):
                    logits[i, self.silent.to(logits.device)] = float("-inf")
                continue
            reached = len(tokens)  # find how long ago the target was reached
            while reached > 0 and self.count(tokens[: reached - 1]) >= self.targets[row]:
                reached -= 1
            if len(tokens) - reached >= self.grace:
                eos = logits[i, EOS_ID].clone()
                logits[i] = float("-inf")
                logits[i, EOS_ID] = eos
            else:  # enough syllables: finish the word or the line, start no new word
                logits[i, starts_word] = float("-inf")
        return logits


def _hold_eos(logits: torch.Tensor, generated: list[list[int]], min_tokens: int) -> torch.Tensor:
    short = [i for i, tokens in enumerate(generated) if len(tokens) < min_tokens]
    if short:
        logits = logits.clone()
        logits[short, EOS_ID] = float("-inf")
    return logits


def _penalise_repeats(
    logits: torch.Tensor, generated: list[list[int]], penalty: float
) -> torch.Tensor:
    if penalty == 1.0:
        return logits
    logits = logits.clone()
    for i, tokens in enumerate(generated):
        if tokens:
            seen = torch.tensor(sorted(set(tokens)), device=logits.device)
            values = logits[i, seen]
            logits[i, seen] = torch.where(values > 0, values / penalty, values * penalty)
    return logits


def _top_p(logits: torch.Tensor, top_p: float) -> torch.Tensor:
    """Keep the smallest set of tokens whose probability reaches ``top_p`` (nucleus)."""
    sorted_logits, order = torch.sort(logits, descending=True, dim=-1)
    cumulative = torch.softmax(sorted_logits, dim=-1).cumsum(dim=-1)
    remove = (
        cumulative - torch.softmax(sorted_logits, dim=-1) >= top_p
    )  # keep the token that crosses it
    sorted_logits = sorted_logits.masked_fill(remove, float("-inf"))
    return torch.full_like(logits, float("-inf")).scatter(-1, order, sorted_logits)


@torch.no_grad()
def generate(
    decoder: LyricDecoder,
    prompt: torch.Tensor,
    config: GenerationConfig,
    memory: torch.Tensor | None = None,
    memory_padding_mask: torch.Tensor | None = None,
    length_control: LengthControl | None = None,
) -> list[dict]:
    """One result per prompt row: ``tokens`` (generated, without prompt or EOS) and ``ended`` (saw EOS)."""
    if config.strategy == "beam":
        return _beam(decoder, prompt, config, memory, memory_padding_mask, length_control)
    if config.strategy not in STRATEGIES:
        raise ValueError(
            f"unknown generation strategy {config.strategy!r}; expected one of {STRATEGIES}"
        )
    sample = config.strategy == "nucleus"
    generator = torch.Generator(device=prompt.device).manual_seed(config.seed) if sample else None
    cache = decoder.new_cache()
    batch = len(prompt)
    logits = decoder(prompt, memory, memory_padding_mask, cache=cache, start=0)[:, -1]
    generated: list[list[int]] = [[] for _ in range(batch)]
    ended = [False] * batch
    fed = prompt.shape[1]  # positions fed so far; the model reads at most config.max_len
    while True:
        step_logits = _hold_eos(
            _penalise_repeats(logits.float(), generated, config.repetition_penalty),
            generated,
            config.min_tokens,
        )
        if length_control is not None:
            step_logits = length_control.apply(step_logits, generated, list(range(batch)))
        if sample:
            step_logits = _top_p(step_logits / config.temperature, config.top_p)
            next_ids = torch.multinomial(
                torch.softmax(step_logits, dim=-1), 1, generator=generator
            ).squeeze(1)
        else:
            next_ids = step_logits.argmax(-1)
        for i, token in enumerate(next_ids.tolist()):  # one transfer, not one per row
            if ended[i]:
                continue
            if token == EOS_ID:
                ended[i] = True
            else:
                generated[i].append(token)
        if all(ended) or fed >= config.max_len:
            break
        feed = torch.where(
            torch.tensor(ended, device=prompt.device), torch.full_like(next_ids, PAD_ID), next_ids
        )
        logits = decoder(feed[:, None], memory, memory_padding_mask, cache=cache, start=fed)[:, -1]
        fed += 1
    return [
        {"tokens": tokens, "ended": done} for tokens, done in zip(generated, ended, strict=True)
    ]


def _reorder(cache: list[dict], index: torch.Tensor) -> None:
    for layer in cache:
        for part in layer.values():
            for key in ("k", "v"):
                if key in part:
                    part[key] = part[key].index_select(0, index)


def _beam(decoder, prompt, config, memory, memory_padding_mask, length_control) -> list[dict]:
    batch, width = len(prompt), config.beam_size
    device = prompt.device
    expand = torch.arange(batch, device=device).repeat_interleave(width)
    prompt = prompt[expand]
    if memory is not None:
        memory = memory[expand]
        memory_padding_mask = None if memory_padding_mask is None else memory_padding_mask[expand]
    cache = decoder.new_cache()
    logits = decoder(prompt, memory, memory_padding_mask, cache=cache, start=0)[:, -1]
    scores = torch.zeros(batch, width, device=device)
    scores[:, 1:] = float("-inf")  # all beams start equal: keep one until the first step
    beams: list[list[int]] = [[] for _ in range(batch * width)]
    finished: list[list[tuple[float, list[int], bool]]] = [[] for _ in range(batch)]
    fed = prompt.shape[1]
    while True:
        log_probs = torch.log_softmax(
            _penalise_repeats(logits.float(), beams, config.repetition_penalty), dim=-1
        )
        log_probs = _hold_eos(log_probs, beams, config.min_tokens)
        if length_control is not None:
            rows = [b for b in range(batch) for _ in range(width)]
            log_probs = length_control.apply(log_probs, beams, rows)
        vocab = log_probs.shape[-1]
        total = (scores.view(-1, 1) + log_probs).view(batch, width * vocab)
        top_scores, top_index = total.topk(2 * width, dim=-1)
        new_beams, new_scores, source = (
            [],
            torch.full((batch, width), float("-inf"), device=device),
            [],
        )
        last_step = fed >= config.max_len
        for b in range(batch):
            kept = 0
            for score, index in zip(top_scores[b].tolist(), top_index[b].tolist(), strict=True):
                beam, token = divmod(index, vocab)
                tokens = beams[b * width + beam]
                if score == float("-inf"):
                    continue
                if token == EOS_ID:
                    if len(finished[b]) < width:
                        finished[b].append(
                            (score / max(len(tokens) + 1, 1) ** config.length_penalty, tokens, True)
                        )
                    continue
                if kept < width:
                    new_beams.append(tokens + [token])
                    new_scores[b, kept] = score
                    source.append(b * width + beam)
                    kept += 1
            while kept < width:  # fewer live candidates than beams: pad with dead ones
                new_beams.append(list(beams[b * width]))
                source.append(b * width)
                kept += 1
        beams, scores = new_beams, new_scores
        done = all(len(finished[b]) >= width for b in range(batch))
        if done or last_step:
            break
        _reorder(cache, torch.tensor(source, device=device))
        feed = torch.tensor([beam[-1] for beam in beams], device=device)
        logits = decoder(feed[:, None], memory, memory_padding_mask, cache=cache, start=fed)[:, -1]
        fed += 1
    results = []
    for b in range(batch):
        candidates = list(finished[b])
        if not candidates:  # nothing ended: the best live beam, cut at max_len
            best = int(scores[b].argmax())
            candidates = [(float(scores[b, best]), beams[b * width + best], False)]
        score, tokens, ended = max(candidates, key=lambda c: c[0])
        results.append({"tokens": tokens, "ended": ended})
    return results


@torch.no_grad()
def greedy(
    decoder: LyricDecoder,
    prompt: torch.Tensor,
    max_len: int,
    memory: torch.Tensor | None = None,
    memory_padding_mask: torch.Tensor | None = None,
) -> list[list[int]]:
    """Prompt plus the greedy continuation of each row, up to (not including) its first EOS."""
    results = generate(
        decoder, prompt, GenerationConfig("greedy", max_len), memory, memory_padding_mask
    )
    return [row.tolist() + r["tokens"] for row, r in zip(prompt, results, strict=True)]
