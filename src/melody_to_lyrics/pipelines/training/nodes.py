"""Nodes of the training pipelines: build a model, hand it to the shared loop, return what it made."""

from __future__ import annotations

import logging
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import torch
from tokenizers import Tokenizer

from melody_to_lyrics import params as P
from melody_to_lyrics.models import (
    DecoderConfig,
    EncoderConfig,
    JointConfig,
    LyricDecoder,
    MelodyToLyrics,
    NoteEncoder,
    config_from_dict,
)
from melody_to_lyrics.training.examples import ExampleSet
from melody_to_lyrics.training.loop import FitResult, Trainer
from melody_to_lyrics.training.objectives import MaskedNotes, MelodyConditioned, NextToken

logger = logging.getLogger(__name__)


def _outputs(model_config: dict, result: FitResult) -> tuple[dict, dict, pd.DataFrame]:
    return {"config": model_config, "state_dict": result.state_dict}, result.metrics, result.curve


def _trainer(model, objective, stage, model_config: dict) -> Trainer:
    return Trainer(
        model,
        objective,
        stage.train.config(),
        model_config=model_config,
        checkpoint_dir=Path(stage.checkpoint_dir),
        tensorboard_dir=Path(stage.tensorboard_dir),
    )


def train_encoder(
    encoder_examples: ExampleSet, encoder_pretrain: dict
) -> tuple[dict, dict, pd.DataFrame]:
    """Masked-note pretraining of the note encoder."""
    stage = P.validate("encoder_pretrain", encoder_pretrain)
    meta = encoder_examples.meta
    config = EncoderConfig(
        vocab_sizes=tuple(meta["vocab_sizes"]),
        max_notes=meta["max_notes"],
        **stage.model.model_dump(),
    )
    torch.manual_seed(stage.train.seed)
    model = NoteEncoder(config)
    objective = MaskedNotes(
        encoder_examples, config.vocab_sizes, seed=stage.train.seed, mask_share=stage.mask_share
    )
    return _outputs(config.to_dict(), _trainer(model, objective, stage, config.to_dict()).fit())


def train_decoder(
    decoder_pairs: ExampleSet, lyric_tokenizer: Tokenizer, decoder_pretrain: dict
) -> tuple[dict, dict, pd.DataFrame]:
    """Next-token pretraining of the lyric decoder alone (no cross-attention)."""
    stage = P.validate("decoder_pretrain", decoder_pretrain)
    config = DecoderConfig(
        vocab_size=lyric_tokenizer.get_vocab_size(),
        max_len=decoder_pairs.meta["max_len"] + 1,
        **stage.model.model_dump(),
    )
    torch.manual_seed(stage.train.seed)
    model = LyricDecoder(config)
    objective = NextToken(decoder_pairs, lyric_tokenizer)
    return _outputs(config.to_dict(), _trainer(model, objective, stage, config.to_dict()).fit())


def train_joint(
    joint_pairs: ExampleSet,
    lyric_tokenizer: Tokenizer,
    pretrained_encoder: dict | None,
    pretrained_decoder: dict | None,
    joint_train: dict,
) -> tuple[dict, dict, pd.DataFrame]:
    """The encoder-decoder on paired lines, from the pretrained checkpoints when there are any."""
    stage = P.validate("joint_train", joint_train)
    use = stage.init_from_pretrained
    meta = joint_pairs.meta
    if use and pretrained_encoder is not None:
        encoder_config = config_from_dict(pretrained_encoder["config"])
    else:
        sizes = (
            pretrained_encoder["config"]["vocab_sizes"]
            if pretrained_encoder
            else meta["vocab_sizes"]
        )
        encoder_config = EncoderConfig(
            vocab_sizes=tuple(sizes), max_notes=meta["max_notes"], **stage.encoder.model_dump()
        )
    if use and pretrained_decoder is not None:
        decoder_config = config_from_dict(pretrained_decoder["config"])
    else:
        decoder_config = DecoderConfig(
            vocab_size=lyric_tokenizer.get_vocab_size(),
            max_len=meta["max_len"] + 1,
            **stage.decoder.model_dump(),
        )
    torch.manual_seed(stage.train.seed)
    model = MelodyToLyrics(
        JointConfig(encoder_config, decoder_config, context_len=stage.context_len)
    )
    if use:
        report = model.load_pretrained(
            pretrained_encoder["state_dict"] if pretrained_encoder else None,
            pretrained_decoder["state_dict"] if pretrained_decoder else None,
        )
        missing = [
            k for k in report["missing"] if ".cross_attn." not in k and ".ln_cross." not in k
        ]
        if missing or report["unexpected"]:
            raise ValueError(
                f"pretrained weights do not fit the joint model: missing {missing}, unexpected {report['unexpected']}"
            )
        for part, saved in (("encoder", pretrained_encoder), ("decoder", pretrained_decoder)):
            logger.info(
                "joint model: %s %s",
                part,
                "from its pretrained checkpoint"
                if saved
                else "from scratch (no pretrained checkpoint)",
            )
    else:
        logger.info("joint model: from scratch (init_from_pretrained is false)")
    objective = MelodyConditioned(
        joint_pairs,
        lyric_tokenizer,
        pad_note=encoder_config.pad_ids(),
        context_rate=stage.context_rate if stage.context_len else 0.0,
        seed=stage.train.seed,
    )
    config = model.config.to_dict()
    result = _trainer(model, objective, stage, config).fit()
    result.metrics["initialised_from"] = {
        "encoder": "pretrained" if use and pretrained_encoder else "scratch",
        "decoder": "pretrained" if use and pretrained_decoder else "scratch",
    }
    return _outputs(config, result)


def train_joint_from_scratch(
    joint_pairs: ExampleSet, lyric_tokenizer: Tokenizer, joint_scratch: dict
) -> tuple[dict, dict, pd.DataFrame]:
    """The joint model trained on pairs without any pretraining: the baseline of what pretraining adds."""
    stage = P.validate("joint_scratch", joint_scratch)
    return train_joint(
        joint_pairs,
        lyric_tokenizer,
        None,
        None,
        {**stage.model_dump(), "init_from_pretrained": False},
    )


def plot_loss_curve(loss_curve: pd.DataFrame) -> plt.Figure:
    """Training and validation loss against steps (and the comparable loss, where there is one)."""
    figure, axis = plt.subplots(figsize=(7, 4))
    for split, style in (("train", "-"), ("validation", "o-")):
        rows = loss_curve[loss_curve["split"] == split]
        if len(rows):
            axis.plot(rows["step"], rows["loss"], style, label=f"{split} loss")
        if "comparable" in rows and rows["comparable"].notna().any():
            axis.plot(rows["step"], rows["comparable"], "s--", label=f"{split} comparable loss")
    axis.set_xlabel("step")
    axis.set_ylabel("cross-entropy (nats)")
    axis.grid(alpha=0.3)
    axis.legend()
    figure.tight_layout()
    return figure
