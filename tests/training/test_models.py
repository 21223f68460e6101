"""Shapes, masking, padding, and pretrained weights that load into the joint model."""

import numpy as np
import torch

from melody_to_lyrics.datasets import ModelDataset
from melody_to_lyrics.models import (
    JointConfig,
    LyricDecoder,
    MelodyToLyrics,
    NoteEncoder,
    load_model,
)
from melody_to_lyrics.models.generate import greedy
from melody_to_lyrics.text.tokenizer import EOS_ID, PAD_ID
from melody_to_lyrics.training.objectives import IGNORE, MaskedNotes, NextToken
from tests.training.helpers import (
    VOCAB_SIZES,
    decoder_examples,
    encoder_examples,
    tiny_decoder,
    tiny_encoder,
)


def test_encoder_and_decoder_shapes():
    encoder, decoder = NoteEncoder(tiny_encoder()), LyricDecoder(tiny_decoder())
    notes = torch.zeros(3, 10, 4, dtype=torch.long)
    assert encoder(notes).shape == (3, 10, 32)
    assert [t.shape for t in encoder(notes, predict=True)] == [
        (3, 10, size) for size in VOCAB_SIZES
    ]
    assert decoder(torch.ones(3, 7, dtype=torch.long)).shape == (3, 7, 64)
    assert decoder.lm_head.weight is decoder.embed.weight  # tied


def test_masking_hides_whole_notes_in_bert_proportions_and_never_padding():
    objective = MaskedNotes(encoder_examples(), VOCAB_SIZES, seed=1, mask_share=0.15)
    rows = np.arange(objective.rows("train"))
    batch = objective.batch("train", rows, step=3)
    targets, inputs = batch["targets"], batch["notes"]
    chosen = targets[..., 0] != IGNORE
    assert torch.equal(chosen, (targets != IGNORE).all(-1))  # all four attributes together
    padding = inputs[..., 0] == VOCAB_SIZES[0]
    assert not (chosen & padding).any()
    share = chosen.sum() / (~padding).sum()
    assert 0.10 < share < 0.22
    masked = (inputs == torch.tensor(VOCAB_SIZES) + 1).all(-1)
    assert masked[chosen].float().mean() > 0.6 and not masked[~chosen].any()  # ~80 % of the chosen
    assert torch.equal(
        objective.batch("train", rows, step=3)["notes"], inputs
    )  # seeded by the step
    assert not torch.equal(objective.batch("train", rows, step=4)["notes"], inputs)


@torch.no_grad()
def test_pad_never_counts_in_the_loss():
    objective = NextToken(decoder_examples())
    model = LyricDecoder(tiny_decoder()).eval()
    batch = objective.batch("train", np.array([0, 5, 9]), step=0)  # rows of different lengths
    padded = batch["input_ids"] == PAD_ID
    assert padded.any()
    parts = objective.loss(model, batch)
    assert (
        parts.count
        == int((batch["targets"] != IGNORE).sum())
        == sum(len(objective.examples["train"]["targets"][i]) for i in (0, 5, 9))
    )
    # each row alone, unpadded, gives the same summed loss
    alone = sum(
        float(objective.loss(model, objective.batch("train", np.array([i]), 0)).total)
        for i in (0, 5, 9)
    )
    assert abs(float(parts.total) - alone) < 1e-3
    # changing what the model sees at padded positions changes nothing (causal: pads come last)
    changed = {**batch, "input_ids": batch["input_ids"].masked_fill(padded, 7)}
    assert abs(float(objective.loss(model, changed).total) - float(parts.total)) < 1e-4


def test_pretrained_decoder_loads_into_the_joint_model_all_but_cross_attention(tmp_path):
    decoder = LyricDecoder(tiny_decoder())
    ModelDataset(str(tmp_path / "decoder.safetensors")).save(
        {"config": decoder.config.to_dict(), "state_dict": decoder.state_dict()}
    )
    saved = ModelDataset(str(tmp_path / "decoder.safetensors")).load()
    assert torch.equal(
        load_model(saved).lm_head.weight, decoder.embed.weight
    )  # the tie survives the file
    encoder = NoteEncoder(tiny_encoder())
    joint = MelodyToLyrics(JointConfig(tiny_encoder(), tiny_decoder()))
    report = joint.load_pretrained(encoder.state_dict(), saved["state_dict"])
    assert report["unexpected"] == []
    assert report["missing"] and all(
        ".cross_attn." in k or ".ln_cross." in k for k in report["missing"]
    )
    assert torch.equal(joint.decoder.embed.weight, decoder.embed.weight)
    assert torch.equal(joint.encoder.embed[0].weight, encoder.embed[0].weight)


def test_joint_model_output_depends_on_the_melody():
    joint = MelodyToLyrics(JointConfig(tiny_encoder(), tiny_decoder())).eval()
    ids = torch.ones(2, 5, dtype=torch.long)
    a = joint(torch.zeros(2, 6, 4, dtype=torch.long), ids)
    b = joint(torch.full((2, 6, 4), 3, dtype=torch.long), ids)
    assert a.shape == (2, 5, 64) and not torch.allclose(a, b)


def test_greedy_generation_with_cache_matches_recomputing_and_stops_at_eos():
    torch.manual_seed(0)
    decoder = LyricDecoder(tiny_decoder()).eval()
    prompt = torch.tensor([[5], [9]])
    cached = greedy(decoder, prompt, max_len=12)
    # without the cache: feed the whole prefix each step (at most max_len positions)
    for row, expected in zip(prompt, cached, strict=True):
        sequence = row.tolist()
        while True:
            next_id = int(decoder(torch.tensor([sequence]))[0, -1].argmax())
            if next_id == EOS_ID:
                break
            sequence.append(next_id)
            if len(sequence) > 12:
                break
        assert sequence == expected
        assert EOS_ID not in expected


def test_the_previous_line_joins_the_memory_and_changes_the_output():
    config = JointConfig(tiny_encoder(), tiny_decoder(), context_len=4)
    joint = MelodyToLyrics(config).eval()
    notes, ids = torch.zeros(2, 6, 4, dtype=torch.long), torch.ones(2, 5, dtype=torch.long)
    context = torch.tensor(
        [[9, 10, 11, 12, 13, 14], [PAD_ID] * 6]
    )  # only its last 4 tokens are read
    memory, mask = joint.encode(notes, context)
    assert memory.shape == (2, 6 + 4, 32) and mask[1, 6:].all() and not mask[0, 6:].any()
    without = joint(notes, ids)
    assert not torch.allclose(joint(notes, ids, context)[0], without[0])
    assert torch.allclose(
        joint(notes, ids, context)[1], without[1], atol=1e-6
    )  # an all-PAD context is no context
