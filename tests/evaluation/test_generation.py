"""Decoding: nothing after EOS, beam and nucleus against greedy, length control, retrieval."""

import numpy as np
import torch

from melody_to_lyrics.evaluation.systems import nearest_melody
from melody_to_lyrics.models import LyricDecoder
from melody_to_lyrics.models.generate import GenerationConfig, LengthControl, generate
from melody_to_lyrics.ragged import Ragged
from melody_to_lyrics.text.tokenizer import EOS_ID
from tests.training.helpers import VOCAB_SIZES, tiny_decoder


def model_that_ends_after(step: int, second: int | None = None) -> LyricDecoder:
    """A decoder whose logits favour token 7 (then ``second``), and EOS from the given position on."""
    decoder = LyricDecoder(tiny_decoder()).eval()

    class Scripted(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = decoder
            self.config = decoder.config

        def new_cache(self):
            return decoder.new_cache()

        def forward(self, ids, memory=None, mask=None, cache=None, start=0):
            logits = torch.full((*ids.shape, decoder.config.vocab_size), -5.0)
            logits[..., 7] = 0.0
            if second is not None:
                logits[..., second] = -1.0
            for offset in range(ids.shape[1]):
                if start + offset + 1 >= step:
                    logits[:, offset, EOS_ID] = 5.0
            return logits

    return Scripted()


def test_no_token_is_ever_emitted_after_eos():
    model = model_that_ends_after(4)
    prompt = torch.tensor([[5], [6]])
    for strategy in ("greedy", "beam", "nucleus"):
        results = generate(
            model, prompt, GenerationConfig(strategy=strategy, max_len=12, beam_size=3, top_p=0.5)
        )
        for result in results:
            assert result["ended"] and result["tokens"] == [7, 7, 7], strategy


def test_the_length_cap_ends_a_line_without_eos():
    model = model_that_ends_after(100)
    results = generate(model, torch.tensor([[5]]), GenerationConfig(strategy="greedy", max_len=6))
    assert results[0] == {
        "tokens": [7] * 6,
        "ended": False,
    }  # prompt + 5 fed positions predict 6 tokens


def test_beam_of_one_and_a_tiny_nucleus_are_greedy():
    torch.manual_seed(0)
    decoder = LyricDecoder(tiny_decoder()).eval()
    prompt = torch.tensor([[5], [9], [11]])
    greedy = generate(decoder, prompt, GenerationConfig(strategy="greedy", max_len=10))
    beam = generate(
        decoder,
        prompt,
        GenerationConfig(strategy="beam", max_len=10, beam_size=1, length_penalty=0.0),
    )
    nucleus = generate(
        decoder, prompt, GenerationConfig(strategy="nucleus", max_len=10, top_p=1e-6)
    )
    assert [r["tokens"] for r in beam] == [r["tokens"] for r in greedy]
    assert [r["tokens"] for r in nucleus] == [r["tokens"] for r in greedy]


def test_beam_search_finds_a_sequence_at_least_as_likely_as_greedy():
    torch.manual_seed(3)
    decoder = LyricDecoder(tiny_decoder()).eval()
    prompt = torch.tensor([[5], [9]])

    def log_probability(tokens, row):
        ids = torch.tensor([prompt[row].tolist() + tokens])
        logits = torch.log_softmax(decoder(ids), -1)[0]
        targets = tokens + [EOS_ID]
        return sum(float(logits[i, t]) for i, t in enumerate(targets))

    greedy = generate(decoder, prompt, GenerationConfig(strategy="greedy", max_len=6))
    beam = generate(
        decoder,
        prompt,
        GenerationConfig(strategy="beam", max_len=6, beam_size=6, length_penalty=0.0),
    )
    for row in range(2):
        if greedy[row]["ended"] and beam[row]["ended"]:
            assert (
                log_probability(beam[row]["tokens"], row)
                >= log_probability(greedy[row]["tokens"], row) - 1e-4
            )


def test_length_control_holds_eos_until_the_syllable_target():
    model = model_that_ends_after(2)  # would end after one token
    control = LengthControl(
        [4, 2], count=len, starts_word=torch.zeros(64, dtype=torch.bool)
    )  # one syllable a token
    results = generate(
        model, torch.tensor([[5], [5]]), GenerationConfig(max_len=12), length_control=control
    )
    assert [len(r["tokens"]) for r in results] == [4, 2] and all(r["ended"] for r in results)


def test_length_control_never_pads_a_line_with_runs_of_silent_tokens():
    model = model_that_ends_after(2, second=8)  # prefers token 7, then 8; EOS from position 2
    silent = torch.zeros(64, dtype=torch.bool)
    silent[7] = True  # token 7 has no letter: it adds no syllable

    def count(ids: list[int]) -> int:
        return sum(token != 7 for token in ids)

    def run(mask):
        control = LengthControl([3], count, torch.zeros(64, dtype=torch.bool), silent=mask)
        return generate(
            model, torch.tensor([[5]]), GenerationConfig(max_len=12), length_control=control
        )[0]

    line = run(silent)
    assert line["tokens"] == [7, 8, 7, 8, 7, 8] and line["ended"]
    unguarded = run(None)  # without the rule the line is padded with silent tokens to the cap
    assert set(unguarded["tokens"]) == {7} and not unguarded["ended"]


def test_nearest_melody_retrieval_finds_the_identical_segment():
    rng = np.random.default_rng(0)
    segments = [
        np.stack(
            [
                rng.integers(50, 80, n),
                rng.integers(0, 12, n),
                rng.integers(0, 10, n),
                rng.integers(0, 32, n),
            ],
            1,
        )
        for n in (5, 9, 14, 20)
    ]
    train = Ragged.from_rows(segments, dtype=np.int16, width=4)
    query = Ragged.from_rows([segments[2], segments[0]], dtype=np.int16, width=4)
    assert nearest_melody(train, query, VOCAB_SIZES).tolist() == [2, 0]
