"""Song features over a whole corpus, a part at a time (optionally in worker processes).

The ingest tables are written so that part k of ``songs``, ``tracks``, ``notes`` and
``lyric_events`` hold the same songs; each part is processed on its own, so memory depends on
the part size, not on the corpus.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from melody_to_lyrics.features.songs import FeatureOptions, song_features
from melody_to_lyrics.features.words import WordJoiner
from melody_to_lyrics.parallel import ordered_map
from melody_to_lyrics.tables import TableParts

MELODY_COLUMNS = [
    "song_id", "source", "melody_track", "method", "has_pairs", "n_notes",
    "start_beat", "duration_beats", "rest_beats", "pitch", "duration", "rest", "position",
]  # fmt: skip
LINE_COLUMNS = [
    "song_id", "source", "stanza", "line", "text", "syllables", "word_ends", "n_syllables", "n_notes",
    "melody_track", "first_note", "start_beat", "note_beats", "syllable_note", "pitch", "duration", "rest", "position",
]  # fmt: skip
REPORT_COLUMNS = [
    "song_id", "source", "path", "n_stanzas", "melody_track", "method", "recall", "precision",
    "offset_beats", "n_syllables", "n_syllables_aligned", "n_lines", "n_lines_kept", "n_lines_not_sung",
    "n_lines_unaligned", "status", "reason",
]  # fmt: skip
REJECT_COLUMNS = ["source", "path", "stage", "reason"]


@dataclass(frozen=True, slots=True)
class PartInput:
    """One part of each ingest table: a parquet file or a frame."""

    songs: Path | pd.DataFrame
    tracks: Path | pd.DataFrame
    notes: Path | pd.DataFrame
    lyric_events: Path | pd.DataFrame


def _read(part: Path | pd.DataFrame) -> pd.DataFrame:
    return pd.read_parquet(part) if isinstance(part, Path) else part


def _groups(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return dict(tuple(frame.groupby("song_id", sort=False))) if len(frame) else {}


def features_of_part(
    part: PartInput, joiner: WordJoiner, options: FeatureOptions
) -> dict[str, pd.DataFrame]:
    """Melodies, aligned lines, the alignment report and rejects for the songs of one part."""
    songs = _read(part.songs)
    songs = songs[songs["source"] != "lyric_text"]  # plain text has no music
    tracks, notes, events = (
        _groups(_read(part.tracks)),
        _groups(_read(part.notes)),
        _groups(_read(part.lyric_events)),
    )
    empty_events = pd.DataFrame(columns=["stanza", "syllable", "beat", "text", "word_end", "line"])
    melodies, lines, reports, rejects = [], [], [], []
    for song in songs.to_dict(orient="records"):
        sid = song["song_id"]
        if sid not in notes:
            continue
        try:
            result = song_features(
                song, tracks[sid], notes[sid], events.get(sid, empty_events), joiner, options
            )
        except Exception as err:  # one odd song must not stop the corpus; it is reported
            reason = f"unexpected {type(err).__name__}: {err}"
            rejects.append(
                {
                    "source": song["source"],
                    "path": song["path"],
                    "stage": "features",
                    "reason": reason,
                }
            )
            continue
        if result.melody is not None:
            melodies.append(result.melody)
        lines.extend(result.lines)
        reports.append(result.report)
        if result.reject is not None:
            rejects.append(result.reject)
    return {
        "melodies": pd.DataFrame(melodies, columns=MELODY_COLUMNS),
        "aligned_lines": pd.DataFrame(lines, columns=LINE_COLUMNS),
        "alignment_report": pd.DataFrame(reports, columns=REPORT_COLUMNS),
        "note_features_rejects": pd.DataFrame(rejects, columns=REJECT_COLUMNS),
    }


def corpus_features(
    songs: TableParts,
    tracks: TableParts,
    notes: TableParts,
    lyric_events: TableParts,
    joiner: WordJoiner,
    options: FeatureOptions,
    *,
    workers: int = 1,
    progress: bool = True,
) -> Iterator[dict[str, pd.DataFrame]]:
    """Features of every song, one output part per input part."""
    counts = {songs.num_parts, tracks.num_parts, notes.num_parts, lyric_events.num_parts}
    if len(counts) == 1:
        inputs = [
            PartInput(*p)
            for p in zip(songs.parts, tracks.parts, notes.parts, lyric_events.parts, strict=True)
        ]
    else:  # tables not written together by ingest: read each whole, as one part
        inputs = [
            PartInput(
                songs.to_pandas(), tracks.to_pandas(), notes.to_pandas(), lyric_events.to_pandas()
            )
        ]

    def crashed(part: PartInput, err: BaseException) -> dict[str, pd.DataFrame]:
        raise RuntimeError(f"note features failed on a part: {err}") from err

    yield from ordered_map(
        partial(features_of_part, joiner=joiner, options=options),
        inputs,
        workers=workers,
        on_crash=crashed,
        total=len(inputs),
        desc="note features",
        unit="part",
        progress=progress,
    )


def melody_fingerprint(pitch: np.ndarray, length: int = 32) -> str:
    """Transposition-free key of a melody: its first ``length`` pitch intervals."""
    intervals = np.diff(np.asarray(pitch, dtype=np.int64))[:length]
    return ",".join(map(str, intervals.tolist()))
