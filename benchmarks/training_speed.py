"""Training speed: the project's loop against a bare PyTorch loop and against the write-up's recipe.

    python benchmarks/training_speed.py [--steps 200] [--rounds 3]

For ``decoder_pretrain`` and for ``joint_train`` (from scratch), on the demo corpus's examples
(after ``make run``; random tokens otherwise), with the base model size and batch 64:

* **project**: the pipeline's training node -- the loop with its TensorBoard logging and
  checkpoints -- and the catalog's writing of the model, metrics and loss curve;
* **bare**: a bare PyTorch loop over the same model, batches, optimizer and schedule (no logging,
  no checkpoints, no catalog). Target: project >= 0.95 x bare;
* **recipe**: the write-up's recipe: every line padded to a fixed 24 tokens (melodies to a fixed
  64 notes), the loss over PAD too, attention without the fused kernel. Target: project >= 2 x recipe.

Throughput counts real target tokens (never padding), per second of wall time.
"""

from __future__ import annotations

import argparse
import math
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from common import PROJECT, alternate, report, row, timed  # noqa: I001  (benchmarks/ is on the path when run as a script)

from melody_to_lyrics.datasets import ModelDataset
from melody_to_lyrics.models import layers
from melody_to_lyrics.pipelines.training.nodes import train_decoder, train_joint
from melody_to_lyrics.ragged import Ragged
from melody_to_lyrics.text.tokenizer import PAD_ID, train_tokenizer
from melody_to_lyrics.training.batching import BatchPlan
from melody_to_lyrics.training.examples import ExampleSet, token_pairs
from melody_to_lyrics.training.loop import _optimizer, learning_rate

MODEL = {"d_model": 128, "n_layers": 2, "n_heads": 4, "d_ff": 256, "dropout": 0.1}
MAX_LEN, MAX_NOTES = 24, 64


def examples() -> tuple[ExampleSet, ExampleSet, object, str]:
    """Decoder pairs and joint pairs (training rows only), a tokenizer, and where they came from."""
    from melody_to_lyrics.datasets import ExampleSetDataset, TokenizerDataset  # noqa: PLC0415

    folder = PROJECT / "data" / "05_model_input"
    try:
        decoder = ExampleSetDataset(str(folder / "decoder_pairs.npz")).load()
        joint = ExampleSetDataset(str(folder / "joint_pairs.npz")).load()
        tokenizer = TokenizerDataset(
            str(PROJECT / "data" / "06_models" / "lyric_tokenizer.json")
        ).load()
        source = "demo corpus (data/05_model_input)"
    except Exception:  # no `make run` yet: random lines of random lengths
        rng = np.random.default_rng(0)
        words = [f"w{i}" for i in range(1500)]
        text = [" ".join(rng.choice(words, rng.integers(3, 12))) for _ in range(4000)]
        tokenizer = train_tokenizer(text, vocab_size=2000, lowercase=True)
        tokens = [e.ids for e in tokenizer.encode_batch(text)]
        inputs, targets, _ = token_pairs(tokens, "shifted", MAX_LEN)
        decoder = ExampleSet(
            {"train": {"inputs": inputs, "targets": targets}},
            {"scheme": "shifted", "max_len": MAX_LEN},
        )
        notes = Ragged.from_rows(
            [
                np.stack(
                    [
                        rng.integers(40, 90, n),
                        rng.integers(0, 12, n),
                        rng.integers(0, 10, n),
                        rng.integers(0, 32, n),
                    ],
                    1,
                )
                for n in rng.integers(4, 30, 4000)
            ],
            dtype=np.int16,
            width=4,
        )
        binputs, btargets, _ = token_pairs(tokens, "bos_prefix", MAX_LEN)
        joint = ExampleSet(
            {"train": {"notes": notes, "inputs": binputs, "targets": btargets}},
            {
                "scheme": "bos_prefix",
                "max_len": MAX_LEN,
                "max_notes": MAX_NOTES,
                "vocab_sizes": [128, 12, 10, 32],
            },
        )
        source = "random tokens (run `make run` for the demo corpus)"
    only_train = lambda e: ExampleSet({"train": e["train"]}, e.meta)  # noqa: E731
    return only_train(decoder), only_train(joint), tokenizer, source


def stage(folder: Path, steps: int, **extra) -> dict:
    return {
        # as conf/base: a checkpoint every 100 steps, a log line every 10 (no validation split here)
        "train": {
            "steps": steps,
            "batch_size": 64,
            "warmup_steps": 10,
            "eval_every": 10**6,
            "checkpoint_every": 100,
            "log_every": 10,
            "progress": False,
            "samples": 0,
            "fresh_start": True,
            "device": "cpu",
        },
        "checkpoint_dir": str(folder / "checkpoints"),
        "tensorboard_dir": str(folder / "tensorboard"),
        **extra,
    }


def project_run(kind: str, data: ExampleSet, tokenizer, steps: int) -> float:
    """The pipeline node and the catalog's writes; returns seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def run():
            if kind == "decoder":
                model, metrics, curve = train_decoder(
                    data, tokenizer, stage(folder, steps, model=MODEL)
                )
            else:
                model, metrics, curve = train_joint(
                    data,
                    tokenizer,
                    None,
                    None,
                    stage(
                        folder,
                        steps,
                        init_from_pretrained=False,
                        context_len=0,
                        encoder=MODEL,
                        decoder=MODEL,
                    ),
                )
            ModelDataset(str(folder / "model.safetensors")).save(model)
            (folder / "metrics.json").write_text(str(metrics))
            curve.to_csv(folder / "loss_curve.csv", index=False)

        return timed(run)


def naive_attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False):
    """Attention as the write-up's from-scratch Transformer computed it: matmul, mask, softmax, matmul."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if is_causal:
        causal = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril()
        scores = scores.masked_fill(~causal, float("-inf"))
    if attn_mask is not None:
        scores = scores.masked_fill(~attn_mask, float("-inf"))
    return F.dropout(torch.softmax(scores, dim=-1), dropout_p) @ v


@contextmanager
def unfused_attention():
    fused = layers.F.scaled_dot_product_attention
    layers.F = _Patched(F, naive_attention)
    try:
        yield
    finally:
        layers.F = F
        assert layers.F.scaled_dot_product_attention is fused


class _Patched:
    def __init__(self, module, attention):
        self._module, self.scaled_dot_product_attention = module, attention

    def __getattr__(self, name):
        return getattr(self._module, name)


def build(kind: str, tokenizer, data: ExampleSet):
    from melody_to_lyrics.models import (  # noqa: PLC0415
        DecoderConfig,
        EncoderConfig,
        JointConfig,
        LyricDecoder,
        MelodyToLyrics,
    )

    torch.manual_seed(0)
    decoder = DecoderConfig(vocab_size=tokenizer.get_vocab_size(), max_len=MAX_LEN + 1, **MODEL)
    if kind == "decoder":
        return LyricDecoder(decoder)
    encoder = EncoderConfig(
        vocab_sizes=tuple(data.meta["vocab_sizes"]), max_notes=MAX_NOTES, **MODEL
    )
    return MelodyToLyrics(JointConfig(encoder, decoder))


def manual_run(
    kind: str, data: ExampleSet, tokenizer, steps: int, recipe: bool
) -> tuple[float, int]:
    """The bare loop (recipe=False) or the write-up's recipe (recipe=True); seconds and real tokens."""
    model = build(kind, tokenizer, data).train()
    from melody_to_lyrics.training.loop import TrainConfig  # noqa: PLC0415

    config = TrainConfig(steps=steps, batch_size=64, warmup_steps=10)
    optimizer = _optimizer(model, config)
    train = data["train"]
    pad_note = np.array(list(data.meta.get("vocab_sizes", [0, 0, 0, 0])))
    tokens = 0

    def batch(rows):
        width = MAX_LEN if recipe else None
        inputs = [train["inputs"][i] for i in rows]
        targets = [train["targets"][i] for i in rows]
        length = width or max(len(x) for x in inputs)
        x = torch.full((len(rows), length), PAD_ID, dtype=torch.long)
        y = torch.full((len(rows), length), PAD_ID if recipe else -100, dtype=torch.long)
        for j, (a, b) in enumerate(zip(inputs, targets, strict=True)):
            x[j, : len(a)], y[j, : len(b)] = torch.as_tensor(a), torch.as_tensor(b)
        out = {"x": x, "y": y, "real": sum(len(b) for b in targets)}
        if kind == "joint":
            segments = [train["notes"][i][:MAX_NOTES] for i in rows]
            width_notes = MAX_NOTES if recipe else max(len(s) for s in segments)
            notes = np.broadcast_to(pad_note, (len(rows), width_notes, 4)).astype(np.int64)
            for j, s in enumerate(segments):
                notes[j, : len(s)] = s
            out["notes"] = torch.from_numpy(notes)
        return out

    lengths = train["inputs"].lengths + (train["notes"].lengths if kind == "joint" else 0)
    plan = BatchPlan(
        lengths, 64, seed=0, bucket_batches=config.bucket_batches
    )  # the batches of the project's loop

    def run():
        nonlocal tokens
        for step in range(steps):
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(step, config)
            b = batch(plan.rows(step))
            logits = model(b["x"]) if kind == "decoder" else model(b["notes"], b["x"])
            loss = F.cross_entropy(logits.flatten(0, 1), b["y"].flatten(), ignore_index=-100)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            tokens += b["real"]

    if recipe:
        with unfused_attention():
            seconds = timed(run)
    else:
        seconds = timed(run)
    return seconds, tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    torch.manual_seed(0)
    decoder_data, joint_data, tokenizer, source = examples()
    rows = []
    for kind, data in (("decoder", decoder_data), ("joint", joint_data)):
        real = {}

        def measure(recipe: bool, kind=kind, data=data):
            seconds, tokens = manual_run(kind, data, tokenizer, args.steps, recipe)
            real["recipe" if recipe else "bare"] = tokens
            return seconds

        times = alternate(
            {
                "project": lambda kind=kind, data=data: project_run(
                    kind, data, tokenizer, args.steps
                ),
                "bare": lambda: measure(False),
                "recipe": lambda: measure(True),
            },
            args.rounds,
        )
        tokens = real["bare"] // args.rounds  # the same batches in all three loops
        speed = {name: tokens / seconds for name, seconds in times.items()}
        name = "decoder_pretrain" if kind == "decoder" else "joint_train"
        rows += [
            row(f"{name}: tokens/s, project loop", speed["project"]),
            row(f"{name}: tokens/s, bare PyTorch loop", speed["bare"]),
            row(f"{name}: tokens/s, write-up recipe", speed["recipe"]),
            row(
                f"{name}: project / bare",
                speed["project"] / speed["bare"],
                ">= 0.95",
                speed["project"] / speed["bare"] >= 0.95,
            ),
            row(
                f"{name}: project / recipe",
                speed["project"] / speed["recipe"],
                ">= 2",
                speed["project"] / speed["recipe"] >= 2.0,
            ),
        ]
    report(
        "training_speed",
        rows,
        {
            "steps": args.steps,
            "rounds": args.rounds,
            "batch_size": 64,
            "model": MODEL,
            "examples": source,
        },
    )


if __name__ == "__main__":
    main()
