"""Nodes of the ``generate`` pipeline."""

from __future__ import annotations

import logging
from pathlib import Path

from tokenizers import Tokenizer

from melody_to_lyrics import params as P
from melody_to_lyrics.models import load_model
from melody_to_lyrics.models.generate import GenerationConfig
from melody_to_lyrics.songwriter import Songwriter, WritingOptions
from melody_to_lyrics.sources.ingest import SourceFolder, select_files
from melody_to_lyrics.training.distributed import DistEnv, pick_device

logger = logging.getLogger(__name__)


def write_lyrics(
    user_midi: SourceFolder,
    joint_model: dict | None,
    lyric_tokenizer: Tokenizer,
    generate: dict,
    note_features: dict,
) -> tuple[dict, dict[str, bytes]]:
    """Lyrics for every MIDI file of the input: one JSON document, and a karaoke file each."""
    options = P.validate("generate", generate)
    if joint_model is None:
        raise ValueError(
            "generate needs joint_train.model: run `kedro run` (or the training pipelines) first"
        )
    device = pick_device(options.device, DistEnv())
    writer = Songwriter(
        load_model(joint_model),
        lyric_tokenizer,
        P.validate("note_features", note_features).feature_options(),
        WritingOptions(
            generation=GenerationConfig(
                strategy=options.strategy, max_len=joint_model["config"]["decoder"]["max_len"] - 1,
                beam_size=options.beam_size, temperature=options.temperature, top_p=options.top_p,
                repetition_penalty=options.repetition_penalty, seed=options.seed,
            ),
            length_control=options.length_control,
            use_previous_line=options.use_previous_line,
            rest_beats=options.phrase_rest_beats,
            min_notes=options.min_phrase_notes,
            max_notes=options.max_phrase_notes,
            language=options.syllable_language,
        ),
        device,
    )  # fmt: skip
    files, skipped = select_files("midi", user_midi)
    if skipped:
        logger.info(
            "generate: %d file(s) without a MIDI suffix skipped: %s", len(skipped), skipped[:5]
        )
    if not files:
        logger.warning("generate: no MIDI file in %s", user_midi.root)
    documents, karaoke = [], {}
    for item in files:
        song = writer.write(item.relpath, item.path.read_bytes())
        if song.error:
            logger.warning("generate: %s: no lyrics written: %s", item.relpath, song.error)
            documents.append({"file": item.relpath, "error": song.error})
            continue
        output = str(Path(item.relpath).with_suffix(".kar"))
        karaoke[output] = song.karaoke
        documents.append(
            {
                "file": item.relpath,
                "karaoke": output,
                "lines_from": song.method,
                "lines": song.lines,
            }
        )
        logger.info(
            "generate: %s -> %s (%d lines, %s)", item.relpath, output, len(song.lines), song.method
        )
        for line in song.lines:
            logger.info("    %s", line["text"])
    return {"songs": documents}, karaoke
