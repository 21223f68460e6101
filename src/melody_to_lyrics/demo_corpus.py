"""Build the demo corpus: real, public-domain songs from music21's bundled corpus, as MIDI files.

The pieces with lyrics (Bach chorales, Monteverdi madrigals, trecento songs, lead sheets, lieder,
...) are written to ``<out>/midi/`` exactly as users' files look: a General MIDI file of all
parts, with the first sung part's lyrics as lyric meta events (RP-026: one event per syllable, a
space after a word's last syllable, ``\\r`` after a line's last syllable; further verses in
tracks of their own, at the same times, as LilyPond writes them). Lines end at fermatas, at
sentence punctuation, and before rests of a beat or more. Pieces without lyrics go to
``<out>/melody_midi/`` as melodies for encoder pretraining.

Needs the optional ``music21`` dependency (``pip install -e .[demo]``); nothing else in the
project imports it. Usage::

    python -m melody_to_lyrics.demo_corpus --out data/01_raw [--workers 2] [--limit N]
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import mido

from melody_to_lyrics.parallel import ordered_map

logger = logging.getLogger(__name__)

# music21 corpus folders with sung texts (or short instrumental tunes), parsed in seconds.
COLLECTIONS = (
    "bach",
    "monteverdi",
    "trecento",
    "leadSheet",
    "schumann_robert",
    "schubert",
    "liliuokalani",
    "luca",
    "lusitano",
    "ciconia",
    "josquin",
)
SCORE_SUFFIXES = (".mxl", ".xml", ".musicxml", ".krn", ".abc")
MIN_LYRIC_NOTES = 8
LINE_PUNCTUATION = tuple(".,;:!?")
MARKER = ".demo_corpus_complete"
LICENCE = (
    "Scores from the corpus bundled with music21 (BSD-3-Clause software; the works are in the "
    "public domain, their encodings freely distributable as stated by music21's corpus docs)."
)


@dataclass
class PieceResult:
    source: str  # music21 corpus path, relative
    output: str  # written file, relative to --out ("" when skipped)
    lyric_notes: int = 0
    verses: int = 0
    lines: int = 0
    misplaced_lyrics: int = 0  # lyric events not on a note-on of their track (should be 0)
    error: str = ""


def corpus_files(collections: tuple[str, ...] = COLLECTIONS) -> tuple[Path, list[Path]]:
    """The corpus root and its score files in the chosen collections, sorted."""
    from music21 import corpus  # noqa: PLC0415 (optional dependency)

    root = Path(corpus.__file__).parent
    files = []
    for name in collections:
        files.extend(p for p in (root / name).rglob("*") if p.suffix.lower() in SCORE_SUFFIXES)
    # one encoding per piece: prefer MusicXML over Humdrum when both exist
    chosen: dict[Path, Path] = {}
    for path in sorted(files):
        key = path.with_suffix("")
        if key not in chosen or path.suffix in (".mxl", ".xml"):
            chosen[key] = path
    return root, sorted(chosen.values())


def _verses(part) -> dict[int, list[tuple[float, float, object, bool]]]:
    """Per verse number: (offset, length, lyric, fermata) of each sung note of the part."""
    from music21 import expressions  # noqa: PLC0415

    verses: dict[int, list] = {}
    for note in part.recurse().notes:
        if note.duration.isGrace:
            continue
        fermata = any(isinstance(e, expressions.Fermata) for e in note.expressions)
        offset = float(note.getOffsetInHierarchy(part))
        for index, lyric in enumerate(note.lyrics):
            if lyric.text and lyric.text.strip():
                number = lyric.number or index + 1
                verses.setdefault(number, []).append(
                    (offset, float(note.quarterLength), lyric, fermata)
                )
    return verses


def lyric_texts(
    sung: list[tuple[float, float, object, bool]],
) -> tuple[list[tuple[float, str]], int]:
    """RP-026 lyric event texts (offset, text) for one verse, and its number of lines."""
    events, lines, in_line = [], 0, 0
    for k, (offset, length, lyric, fermata) in enumerate(sung):
        text = " ".join(lyric.text.split())
        continues = lyric.syllabic in ("begin", "middle")
        in_line += 1
        next_offset = sung[k + 1][0] if k + 1 < len(sung) else None
        rest_after = next_offset is not None and next_offset - (offset + length) >= 1.0
        line_end = k + 1 == len(sung) or (
            not continues
            and in_line >= 3
            and (fermata or text.endswith(LINE_PUNCTUATION) or rest_after)
        )
        suffix = "" if continues else " "
        if line_end:
            suffix = "\r"
            lines += 1
            in_line = 0
        events.append((offset, text + suffix))
    return events, lines


def convert_piece(path: Path, root: Path, out: Path) -> PieceResult:
    """Parse one score and write it as MIDI with lyric events; never raises."""
    from music21 import converter, midi  # noqa: PLC0415

    rel = path.relative_to(root).as_posix()
    result = PieceResult(source=rel, output="")
    try:
        score = converter.parse(path)
        parts = list(score.parts) if hasattr(score, "parts") and len(score.parts) else [score]
        sung_index, verses = None, {}
        for index, part in enumerate(parts):
            found = _verses(part)
            if found and max(len(v) for v in found.values()) >= MIN_LYRIC_NOTES:
                sung_index, verses = index, found
                break
        data = midi.translate.streamToMidiFile(score).writestr()
        song = mido.MidiFile(file=io.BytesIO(data), charset="utf-8")
        for (
            track
        ) in song.tracks:  # music21 writes only the first lyric, unstructured: ours replace it
            _drop_lyrics(track)
        if sung_index is not None:
            ticks = song.ticks_per_beat
            melody_track = sung_index + 1 if len(song.tracks) > len(parts) else sung_index
            for n, number in enumerate(sorted(verses)):
                events, lines = lyric_texts(verses[number])
                timed = [(round(offset * ticks), text) for offset, text in events]
                if n == 0:
                    _insert_lyrics(song.tracks[melody_track], timed)
                else:
                    song.tracks.append(_lyric_track(f"Lyrics verse {number}", timed))
                result.lines += lines
            result.lyric_notes = sum(len(v) for v in verses.values())
            result.verses = len(verses)
            result.misplaced_lyrics = _misplaced(song.tracks[melody_track])
        folder = "midi" if sung_index is not None else "melody_midi"
        target = out / folder / Path(rel).with_suffix(".mid")
        target.parent.mkdir(parents=True, exist_ok=True)
        song.save(target)
        result.output = target.relative_to(out).as_posix()
    except Exception as err:  # music21 fails on some encodings; the piece is skipped and listed
        result.error = f"{type(err).__name__}: {err}"[:300]
    return result


def _absolute(track: mido.MidiTrack) -> list[tuple[int, mido.Message]]:
    tick, timed = 0, []
    for message in track:
        tick += message.time
        timed.append((tick, message))
    return timed


def _relative(timed: list[tuple[int, mido.Message]]) -> mido.MidiTrack:
    track, last = mido.MidiTrack(), 0
    for tick, message in timed:
        track.append(message.copy(time=tick - last))
        last = tick
    return track


def _drop_lyrics(track: mido.MidiTrack) -> None:
    timed = [(t, m) for t, m in _absolute(track) if m.type != "lyrics"]
    track[:] = _relative(timed)


def _insert_lyrics(track: mido.MidiTrack, lyrics: list[tuple[int, str]]) -> None:
    """Lyric events placed before the note-ons at the same tick (as karaoke players expect)."""
    timed = _absolute(track)
    end = [(t, m) for t, m in timed if m.type == "end_of_track"]
    body = [(t, m) for t, m in timed if m.type != "end_of_track"]
    merged = sorted(
        [(t, 0, mido.MetaMessage("lyrics", text=text)) for t, text in lyrics]
        + [(t, 1, m) for t, m in body],
        key=lambda x: (x[0], x[1]),
    )
    last = max([t for t, _, _ in merged] + [t for t, _ in end] or [0])
    track[:] = _relative(
        [(t, m) for t, _, m in merged] + [(last, mido.MetaMessage("end_of_track"))]
    )


def _lyric_track(name: str, lyrics: list[tuple[int, str]]) -> mido.MidiTrack:
    timed = [(0, mido.MetaMessage("track_name", name=name))]
    timed += [(t, mido.MetaMessage("lyrics", text=text)) for t, text in lyrics]
    timed.append((lyrics[-1][0] if lyrics else 0, mido.MetaMessage("end_of_track")))
    return _relative(timed)


def _misplaced(track: mido.MidiTrack) -> int:
    timed = _absolute(track)
    onsets = {t for t, m in timed if m.type == "note_on" and m.velocity > 0}
    return sum(1 for t, m in timed if m.type == "lyrics" and t not in onsets)


def _skipped(item: tuple[Path, Path, Path], err: BaseException) -> PieceResult:
    path, root, _ = item
    return PieceResult(source=path.relative_to(root).as_posix(), output="", error=f"crashed: {err}")


def _convert(item: tuple[Path, Path, Path]) -> PieceResult:
    return convert_piece(*item)


def build(
    out: Path, *, workers: int = 2, limit: int | None = None, progress: bool = True
) -> list[PieceResult]:
    """Write the demo corpus under ``out`` and a manifest; returns one result per piece."""
    root, files = corpus_files()
    if limit is not None:
        files = files[:limit]
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).unlink(missing_ok=True)
    items = [(path, root, out) for path in files]
    results = list(
        ordered_map(
            _convert,
            items,
            workers=workers,
            on_crash=_skipped,
            total=len(items),
            desc="demo corpus",
            unit="piece",
            progress=progress,
        )
    )
    manifest = {
        "licence": LICENCE,
        "music21_corpus": str(root),
        "pieces": [asdict(r) for r in results],
    }
    (out / "demo_corpus_manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False)
    )
    (out / MARKER).write_text("complete\n")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("data/01_raw"))
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--limit", type=int, default=None, help="only the first N pieces (for a quick try)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    results = build(args.out, workers=args.workers, limit=args.limit)
    with_lyrics = sum(1 for r in results if r.output.startswith("midi/"))
    melodies = sum(1 for r in results if r.output.startswith("melody_midi/"))
    failed = [r for r in results if r.error]
    misplaced = sum(r.misplaced_lyrics for r in results)
    logger.info(
        "demo corpus in %s: %d songs with lyrics (%d lines), %d melodies without, %d pieces skipped, %d misplaced lyric events",
        args.out,
        with_lyrics,
        sum(r.lines for r in results),
        melodies,
        len(failed),
        misplaced,
    )
    for r in failed:
        logger.info("skipped %s: %s", r.source, r.error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
