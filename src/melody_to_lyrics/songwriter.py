"""Lyrics for a user's melody: the melody's lines, a generated line for each, a karaoke file.

Plain Python over the trained joint model, usable from a notebook as well as from the ``generate``
pipeline::

    writer = Songwriter(model, tokenizer, feature_options)
    result = writer.write("tune.mid", open("tune.mid", "rb").read())
    result.karaoke      # bytes of a MIDI file with the lyrics as lyric events
    result.lines        # [{"text": ..., "notes": ..., "syllables": ...}, ...]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from tokenizers import Tokenizer

from melody_to_lyrics.evaluation.systems import VocabularyMasks, length_control
from melody_to_lyrics.features.songs import FeatureOptions
from melody_to_lyrics.features.user_melody import NoMelodyError, melody_lines
from melody_to_lyrics.features.words import WordJoiner
from melody_to_lyrics.karaoke import syllables_for_notes, write_karaoke
from melody_to_lyrics.models import MelodyToLyrics
from melody_to_lyrics.models.generate import GenerationConfig, generate
from melody_to_lyrics.sources.midi_file import MidiReadError
from melody_to_lyrics.text.syllables import count_syllables
from melody_to_lyrics.text.tokenizer import BOS_ID, PAD_ID, decode


@dataclass(frozen=True)
class WritingOptions:
    generation: GenerationConfig = GenerationConfig(strategy="beam")
    length_control: bool = True  # aim at one syllable per note
    use_previous_line: bool = True  # condition each line on the one before (when the model can)
    rest_beats: float = 1.0  # phrases of a lyric-less melody end at rests this long ...
    min_notes: int = 3
    max_notes: int = 16  # ... or at the first bar line after this many notes
    language: str = "en_US"


@dataclass
class SongLyrics:
    name: str
    lines: list[dict] = field(default_factory=list)
    karaoke: bytes | None = None
    method: str = ""
    error: str = ""


class Songwriter:
    def __init__(
        self,
        model: MelodyToLyrics,
        tokenizer: Tokenizer,
        features: FeatureOptions,
        options: WritingOptions = WritingOptions(),
        device: torch.device = torch.device("cpu"),
    ):
        self.model = model.eval().to(device)
        self.tokenizer = tokenizer
        self.features = features
        self.options = options
        self.device = device
        self.joiner = WordJoiner()
        self.masks = VocabularyMasks.of(tokenizer)  # once, not per line

    def _line(self, notes, previous: list[int] | None, target: int) -> dict:
        segment = torch.as_tensor(notes[: self.model.config.encoder.max_notes], dtype=torch.long)[
            None
        ].to(self.device)
        context = None
        if previous and self.options.use_previous_line and self.model.config.context_len:
            context = torch.tensor([previous or [PAD_ID]], device=self.device)
        memory, mask = self.model.encode(segment, context)
        control = (
            length_control(self.tokenizer, [target], self.options.language, self.masks)
            if self.options.length_control
            else None
        )
        prompt = torch.full((1, 1), BOS_ID, dtype=torch.long, device=self.device)
        (result,) = generate(
            self.model.decoder, prompt, self.options.generation, memory, mask, control
        )
        return result

    def write(self, name: str, data: bytes) -> SongLyrics:
        """Lyrics for one file; a file without a usable melody gets ``error`` set, never an exception."""
        song = SongLyrics(name)
        try:
            melody = melody_lines(
                name, data, self.features, self.joiner,
                rest_beats=self.options.rest_beats, min_notes=self.options.min_notes, max_notes=self.options.max_notes,
            )  # fmt: skip
        except (NoMelodyError, MidiReadError) as err:
            song.error = str(err)
            return song
        song.method = melody.method
        previous: list[int] | None = None
        placed = []
        for line in melody.lines:
            result = self._line(line.notes, previous, target=len(line.notes))
            text = decode(self.tokenizer, result["tokens"])
            events = syllables_for_notes(text, len(line.notes), self.options.language)
            song.lines.append(
                {
                    "text": text,
                    "notes": len(line.notes),
                    "syllables": count_syllables(text, self.options.language),
                    "start_beat": float(line.beats[0]),
                    "lyric_events": events,
                    "original_text": line.text,
                }
            )
            placed.append((line.beats, events))
            previous = result["tokens"]
        song.karaoke = write_karaoke(data, placed)
        return song
