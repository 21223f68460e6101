"""Parameters of each pipeline, validated before any work (pydantic), with one clear message.

Each top-level key of ``conf/*/parameters_<pipeline>.yml`` has a model here. The project hook
validates every key that the pipeline about to run uses; nodes validate again, so that they can
be called from notebooks with the same guarantees.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from melody_to_lyrics.features.note_vectors import Quantiser
from melody_to_lyrics.features.songs import FeatureOptions
from melody_to_lyrics.sources.raw_files import ParseOptions


class ParameterError(ValueError):
    """A parameter is invalid; the message names the key, the value and what is expected."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IngestParams(_Strict):
    workers: int | Literal["auto"] = Field(2, description="parser processes; 'auto' = all cores")
    files_per_part: int = Field(64, ge=1, description="files per parquet part of the ingest tables")
    max_note_beats: float = Field(16.0, gt=0, description="longer notes are shortened to this")
    min_bpm: float = Field(20.0, gt=0)
    max_bpm: float = Field(400.0, gt=0)
    min_lyric_syllables: int = Field(
        8, ge=1, description="fewer text events in a track are not lyrics"
    )
    progress: bool = True

    @field_validator("workers")
    @classmethod
    def _workers(cls, value: int | str) -> int | str:
        if isinstance(value, int) and value < 1:
            raise ValueError("must be at least 1 (or 'auto')")
        return value

    @model_validator(mode="after")
    def _tempo_range(self) -> IngestParams:
        if self.min_bpm >= self.max_bpm:
            raise ValueError(f"min_bpm ({self.min_bpm}) must be below max_bpm ({self.max_bpm})")
        return self

    @property
    def n_workers(self) -> int:
        return (os.cpu_count() or 1) if self.workers == "auto" else int(self.workers)

    def parse_options(self) -> ParseOptions:
        return ParseOptions(
            self.max_note_beats, self.min_bpm, self.max_bpm, self.min_lyric_syllables
        )


def _increasing(values: list[float], name: str, allow_zero: bool) -> list[float]:
    if not values:
        raise ValueError(f"{name} must not be empty")
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise ValueError(f"{name} must be strictly increasing")
    if values[0] < 0 or (values[0] == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'non-negative' if allow_zero else 'positive'}")
    return values


class SplitParams(_Strict):
    validation: float = Field(0.1, ge=0, lt=0.5)
    test: float = Field(0.1, ge=0, lt=0.5)
    seed: int = 20231210
    min_shared: float = Field(
        0.5, gt=0, le=1, description="share of word shingles two duplicates share"
    )
    shingle_words: int = Field(4, ge=1, description="words per shingle")
    max_shingle_songs: int = Field(50, ge=2, description="shingles in more songs are no evidence")


class NoteFeatureParams(_Strict):
    duration_bins: list[float] = [0.125, 0.25, 0.375, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0]
    rest_bins: list[float] = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 8.0]
    steps_per_beat: int = Field(4, ge=1, le=48)
    max_bar_beats: int = Field(8, ge=1, le=64)
    onset_tolerance_beats: float = Field(0.25, gt=0, le=2)
    min_melody_match: float = Field(0.5, gt=0, le=1)
    min_line_aligned_share: float = Field(0.75, gt=0, le=1)
    max_melisma_notes: int = Field(4, ge=0)
    max_melisma_gap_beats: float = Field(0.25, ge=0)
    line_break_rest_beats: float = Field(1.0, gt=0)
    min_inferred_line_syllables: int = Field(4, ge=1)
    max_inferred_line_syllables: int = Field(16, ge=2)
    min_melody_notes: int = Field(16, ge=1)
    word_languages: list[str] = Field(
        ["en"], min_length=1, description="wordfreq languages for joining syllables"
    )
    workers: int = Field(1, ge=1)
    split: SplitParams = SplitParams()

    @field_validator("word_languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        from wordfreq import available_languages  # noqa: PLC0415

        unknown = sorted(set(value) - set(available_languages(wordlist="best")))
        if unknown:
            raise ValueError(f"wordfreq has no word list for {unknown}")
        return value

    @field_validator("duration_bins")
    @classmethod
    def _durations(cls, value: list[float]) -> list[float]:
        return _increasing(value, "duration_bins", allow_zero=False)

    @field_validator("rest_bins")
    @classmethod
    def _rests(cls, value: list[float]) -> list[float]:
        return _increasing(value, "rest_bins", allow_zero=True)

    @model_validator(mode="after")
    def _line_lengths(self) -> NoteFeatureParams:
        if self.min_inferred_line_syllables > self.max_inferred_line_syllables:
            raise ValueError(
                "min_inferred_line_syllables must not exceed max_inferred_line_syllables"
            )
        return self

    def quantiser(self) -> Quantiser:
        return Quantiser(
            tuple(self.duration_bins),
            tuple(self.rest_bins),
            self.steps_per_beat,
            self.max_bar_beats,
        )

    def feature_options(self) -> FeatureOptions:
        return FeatureOptions(
            quantiser=self.quantiser(),
            onset_tolerance_beats=self.onset_tolerance_beats,
            min_melody_match=self.min_melody_match,
            min_line_aligned_share=self.min_line_aligned_share,
            max_melisma_notes=self.max_melisma_notes,
            max_melisma_gap_beats=self.max_melisma_gap_beats,
            line_break_rest_beats=self.line_break_rest_beats,
            min_inferred_line_syllables=self.min_inferred_line_syllables,
            max_inferred_line_syllables=self.max_inferred_line_syllables,
            min_melody_notes=self.min_melody_notes,
        )


class TokeniseParams(_Strict):
    vocab_size: int = Field(
        4000, ge=300, le=250_000, description="BPE vocabulary, special tokens included"
    )
    lowercase: bool = True
    min_frequency: int = Field(2, ge=1)
    scheme: Literal["shifted", "bos_prefix"] = Field("shifted", description="decoder input scheme")
    max_len: int = Field(24, ge=2, le=1024, description="token positions of a decoder pair")
    max_notes: int = Field(
        64, ge=2, le=4096, description="notes of an encoder window or a joint segment"
    )
    min_window_notes: int = Field(8, ge=1)


class ModelParams(_Strict):
    d_model: int = Field(128, ge=8)
    n_layers: int = Field(2, ge=1)
    n_heads: int = Field(4, ge=1)
    d_ff: int = Field(512, ge=8)
    dropout: float = Field(0.1, ge=0, lt=1)

    @model_validator(mode="after")
    def _heads(self) -> ModelParams:
        if self.d_model % self.n_heads:
            raise ValueError(
                f"d_model ({self.d_model}) must be a multiple of n_heads ({self.n_heads})"
            )
        return self


class TrainParams(_Strict):
    steps: int = Field(300, ge=1)
    batch_size: int = Field(64, ge=1)
    learning_rate: float = Field(1e-3, gt=0, le=1)
    min_lr_ratio: float = Field(0.1, ge=0, le=1)
    warmup_steps: int = Field(30, ge=0)
    length_bucketing: bool = Field(True, description="batches of lines of similar length")
    bucket_batches: int = Field(50, ge=1, description="batches per window sorted by length")
    weight_decay: float = Field(0.01, ge=0)
    grad_clip: float = Field(1.0, gt=0)
    eval_every: int = Field(100, ge=1)
    eval_batch_size: int = Field(256, ge=1)
    eval_max_rows: int = Field(2000, ge=1)
    checkpoint_every: int = Field(100, ge=1)
    log_every: int = Field(10, ge=1)
    samples: int = Field(3, ge=0)
    seed: int = 0
    device: str = "auto"
    bf16: bool = True
    compile: bool = False
    fresh_start: bool = False
    progress: bool = True

    def config(self):
        from melody_to_lyrics.training.loop import TrainConfig  # noqa: PLC0415

        return TrainConfig(**self.model_dump())


class _Stage(_Strict):
    train: TrainParams = TrainParams()
    checkpoint_dir: str = Field(description="last.pt and best.pt of the run")
    tensorboard_dir: str


class EncoderStageParams(_Stage):
    model: ModelParams = ModelParams()
    mask_share: float = Field(0.15, gt=0, lt=1, description="share of notes masked (BERT: 0.15)")


class DecoderStageParams(_Stage):
    model: ModelParams = ModelParams()


class JointStageParams(_Stage):
    """Sizes of the parts that start from scratch; pretrained parts keep their own."""

    encoder: ModelParams = ModelParams()
    decoder: ModelParams = ModelParams()
    init_from_pretrained: bool = True
    context_len: int = Field(
        16, ge=0, le=256, description="tokens of the previous line the model reads (0: none)"
    )
    context_rate: float = Field(
        0.5, ge=0, le=1, description="share of training lines given their previous line"
    )


class AblationParams(_Stage):
    """Both decoders share the model and the training budget; run folders get a scheme sub-folder."""

    model: ModelParams = ModelParams()
    lines: int = Field(300, ge=1, description="validation lines whose starts are generated")
    temperature: float = Field(1.0, gt=0)
    top_p: float = Field(0.9, gt=0, le=1)
    seed: int = 0


class EvaluateParams(_Strict):
    split: Literal["test", "validation"] = "test"
    max_lines: int = Field(1000, ge=1, description="lines of the split evaluated (the first ones)")
    batch_size: int = Field(64, ge=1)
    beam_size: int = Field(4, ge=1)
    length_penalty: float = Field(1.0, ge=0)
    temperature: float = Field(1.0, gt=0)
    top_p: float = Field(0.9, gt=0, le=1)
    repetition_penalty: float = Field(1.0, ge=1.0)
    length_control: bool = True
    syllable_language: str = Field(
        "en_US", description="pyphen language for words outside the CMU dictionary"
    )
    samples: int = Field(200, ge=0, description="rows of the sample generations CSV")
    seed: int = 0
    device: str = "auto"

    @field_validator("syllable_language")
    @classmethod
    def _language(cls, value: str) -> str:
        import pyphen  # noqa: PLC0415

        if value not in pyphen.LANGUAGES:
            raise ValueError(f"pyphen has no dictionary for {value!r}")
        return value


class GenerateParams(_Strict):
    strategy: Literal["greedy", "beam", "nucleus"] = "beam"
    beam_size: int = Field(4, ge=1)
    temperature: float = Field(1.0, gt=0)
    top_p: float = Field(0.9, gt=0, le=1)
    repetition_penalty: float = Field(1.3, ge=1.0, description="> 1: repeated tokens less likely")
    length_control: bool = Field(True, description="aim at one syllable per note")
    use_previous_line: bool = Field(True, description="condition each line on the one before")
    phrase_rest_beats: float = Field(1.0, gt=0)
    min_phrase_notes: int = Field(3, ge=1)
    max_phrase_notes: int = Field(16, ge=2)
    syllable_language: str = "en_US"
    seed: int = 0
    device: str = "auto"

    _language = field_validator("syllable_language")(EvaluateParams._language.__func__)


# Top-level parameter key -> its model. A pipeline's nodes read ``params:<key>``.
PARAMETER_MODELS: dict[str, type[BaseModel]] = {
    "ingest": IngestParams,
    "note_features": NoteFeatureParams,
    "tokenise": TokeniseParams,
    "encoder_pretrain": EncoderStageParams,
    "decoder_pretrain": DecoderStageParams,
    "joint_train": JointStageParams,
    "joint_scratch": JointStageParams,
    "evaluate": EvaluateParams,
    "bos_ablation": AblationParams,
    "generate": GenerateParams,
}


def validate(key: str, value: object) -> BaseModel:
    """Validate one top-level parameter block; raise :class:`ParameterError` naming the bad key."""
    model = PARAMETER_MODELS[key]
    if isinstance(value, model):
        return value
    try:
        return model.model_validate(value if value is not None else {})
    except ValidationError as err:
        problems = []
        for e in err.errors():
            where = ".".join(str(p) for p in (key, *e["loc"]))
            got = (
                f" (got {e['input']!r})"
                if "input" in e and not isinstance(e["input"], dict)
                else ""
            )
            problems.append(f"{where}: {e['msg']}{got}")
        raise ParameterError("invalid parameter " + "; ".join(problems)) from None
