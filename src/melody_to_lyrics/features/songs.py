"""From one ingested song to its melody's note vectors and its aligned (melody segment, lyric line) pairs.

Per stanza: the melody track is the one whose onsets match the syllables (see
:mod:`~melody_to_lyrics.features.melody`), reduced to one note at a time; syllables are aligned to
its notes; unknown word boundaries are resolved by the lexicon; a stanza without line breaks gets
lines from punctuation and rests; each line becomes a pair when enough of its syllables sit on
notes. Lines that end before the melody starts (titles and credits written as lyrics) and lines
with too few aligned syllables are dropped and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from melody_to_lyrics.features.alignment import align_syllables, infer_lines, line_span
from melody_to_lyrics.features.melody import (
    Notes,
    TrackMatch,
    guess_melody_track,
    line_track,
    match_tracks,
    monophonic,
    onsets_by_track,
)
from melody_to_lyrics.features.note_vectors import FOUR_FOUR, Quantiser, note_vectors
from melody_to_lyrics.features.words import WordJoiner
from melody_to_lyrics.sources.lyric_events import join_syllables

VECTOR_COLUMNS = ("pitch", "duration", "rest", "position")


@dataclass(frozen=True, slots=True)
class FeatureOptions:
    quantiser: Quantiser
    onset_tolerance_beats: float = 0.25
    min_melody_match: float = 0.5
    min_line_aligned_share: float = 0.75
    max_melisma_notes: int = 4
    max_melisma_gap_beats: float = 0.25
    line_break_rest_beats: float = 1.0
    min_inferred_line_syllables: int = 4
    max_inferred_line_syllables: int = 16
    min_melody_notes: int = 16


@dataclass(slots=True)
class SongFeatures:
    melody: dict | None = None
    lines: list[dict] = field(default_factory=list)
    report: dict = field(default_factory=dict)
    reject: dict | None = None


@dataclass(slots=True)
class _Melody:
    track: int
    notes: Notes
    vectors: dict[str, np.ndarray]


def _time_signatures(song: dict) -> tuple:
    beats = song.get("ts_beat")
    if beats is None or len(beats) == 0:
        return FOUR_FOUR
    return tuple(
        zip(
            map(float, beats),
            map(int, song["ts_numerator"]),
            map(int, song["ts_denominator"]),
            strict=True,
        )
    )


def song_features(
    song: dict,
    tracks: pd.DataFrame,
    notes: pd.DataFrame,
    events: pd.DataFrame,
    joiner: WordJoiner,
    options: FeatureOptions,
) -> SongFeatures:
    """Features of one song; ``tracks``, ``notes`` and ``events`` hold that song's rows only."""
    track_notes = {
        int(t): Notes(
            g["pitch"].to_numpy(np.int16),
            g["start_beat"].to_numpy(np.float64),
            g["end_beat"].to_numpy(np.float64),
        )
        for t, g in notes.groupby("track", sort=True)
    }
    onsets = onsets_by_track(track_notes)
    names = dict(zip(tracks["track"].astype(int), tracks["name"], strict=True))
    programs = dict(zip(tracks["track"].astype(int), tracks["program"].astype(int), strict=True))
    signatures = _time_signatures(song)
    melodies: dict[int, _Melody] = {}

    def melody_of(track: int) -> _Melody:
        if track not in melodies:
            mono = monophonic(track_notes[track])
            melodies[track] = _Melody(
                track,
                mono,
                note_vectors(mono.pitch, mono.start, mono.end, options.quantiser, signatures),
            )
        return melodies[track]

    report = {
        "song_id": song["song_id"],
        "source": song["source"],
        "path": song["path"],
        "n_stanzas": 0,
        "melody_track": -1,
        "method": "",
        "recall": np.nan,
        "precision": np.nan,
        "offset_beats": 0.0,
        "n_syllables": 0,
        "n_syllables_aligned": 0,
        "n_lines": 0,
        "n_lines_kept": 0,
        "n_lines_not_sung": 0,
        "n_lines_unaligned": 0,
        "status": "",
        "reason": "",
    }
    result = SongFeatures(report=report)
    if not track_notes:
        report.update(status="no_melody", reason="no notes")
        result.reject = {
            "source": song["source"],
            "path": song["path"],
            "stage": "melody",
            "reason": "no notes",
        }
        return result

    primary: _Melody | None = None
    unmatched = []
    stanzas = list(events.groupby("stanza", sort=True)) if len(events) else []
    report["n_stanzas"] = len(stanzas)
    for stanza, events_of_stanza in stanzas:
        syllables = events_of_stanza.sort_values("syllable")
        report["n_syllables"] += len(syllables)
        best = match_tracks(
            syllables["beat"].to_numpy(np.float64), onsets, options.onset_tolerance_beats
        )[0]
        lines, counts = _stanza_lines(
            song, int(stanza), syllables, best, onsets, melody_of, joiner, options
        )
        report["n_lines"] += counts["lines"]
        aligned_share = counts["syllables_aligned"] / len(syllables)
        if aligned_share < options.min_melody_match:
            unmatched.append(
                f"stanza {stanza}: {aligned_share:.0%} of syllables on melody notes "
                f"(best single track {best.track} {names.get(best.track, '')!r}: {best.recall:.0%})"
            )
            report["n_lines_unaligned"] += counts["lines"]
            continue
        report["n_syllables_aligned"] += counts["syllables_aligned"]
        report["n_lines_not_sung"] += counts["not_sung"]
        report["n_lines_unaligned"] += counts["unaligned"]
        report["n_lines_kept"] += len(lines)
        result.lines.extend(lines)
        if primary is None:
            primary = melody_of(best.track)
            report.update(
                recall=best.recall,
                precision=best.precision,
                offset_beats=best.offset,
                melody_track=best.track,
                method="lyrics",
            )

    if primary is None:
        track = guess_melody_track(track_notes, names, programs, options.min_melody_notes)
        primary = melody_of(track)
        report.update(melody_track=track, method="heuristic")
        if stanzas:
            reason = "lyrics match no track: " + "; ".join(unmatched)
            report.update(status="unmatched", reason=reason)
            result.reject = {
                "source": song["source"],
                "path": song["path"],
                "stage": "align",
                "reason": reason,
            }
        else:
            report["status"] = "no_lyrics"
    else:
        report["status"] = "aligned" if result.lines else "no_lines"
        if unmatched:
            report["reason"] = "; ".join(unmatched)

    v = primary.vectors
    result.melody = {
        "song_id": song["song_id"],
        "source": song["source"],
        "melody_track": primary.track,
        "method": report["method"],
        "has_pairs": bool(result.lines),
        "n_notes": len(primary.notes),
        "start_beat": primary.notes.start,
        "duration_beats": v["duration_beats"].astype(np.float32),
        "rest_beats": v["rest_beats"].astype(np.float32),
        **{c: v[c] for c in VECTOR_COLUMNS},
    }
    return result


def _stanza_lines(
    song: dict,
    stanza: int,
    syllables: pd.DataFrame,
    best: TrackMatch,
    onsets: dict[int, np.ndarray],
    melody_of,
    joiner: WordJoiner,
    options: FeatureOptions,
) -> tuple[list[dict], dict[str, int]]:
    """The stanza's aligned lines, and counts: lines, lines not sung or unaligned, syllables on notes."""
    tolerance = options.onset_tolerance_beats
    beats = syllables["beat"].to_numpy(np.float64)
    shifted = beats + best.offset
    texts = syllables["text"].astype(str).tolist()
    word_ends = joiner.join(texts, [None if pd.isna(x) else bool(x) for x in syllables["word_end"]])
    lines = syllables["line"].to_numpy(np.int64)
    if len(lines) and lines.max() == 0 and len(lines) > options.max_inferred_line_syllables:
        melody = melody_of(best.track)
        lines = infer_lines(
            texts,
            word_ends,
            align_syllables(beats, melody.notes.start, tolerance, best.offset),
            melody.notes.start,
            melody.notes.end,
            rest_break_beats=options.line_break_rest_beats,
            min_syllables=options.min_inferred_line_syllables,
            max_syllables=options.max_inferred_line_syllables,
        )
        for i in np.flatnonzero(np.diff(lines)):  # a line end is a word end
            word_ends[i] = True

    order = list(dict.fromkeys(lines.tolist()))
    members_of = {line: np.flatnonzero(lines == line) for line in order}
    first_beat = {line: shifted[m].min() for line, m in members_of.items()}
    melody_start = min(float(o[0]) for o in onsets.values())
    rows = []
    counts = {"lines": len(order), "not_sung": 0, "unaligned": 0, "syllables_aligned": 0}
    for k, line in enumerate(order):
        members = members_of[line]
        melody = melody_of(line_track(shifted[members], onsets, tolerance, preferred=best.track))
        starts, ends = melody.notes.start, melody.notes.end
        note_of = align_syllables(beats[members], starts, tolerance, best.offset)
        counts["syllables_aligned"] += int(np.sum(note_of >= 0))
        later = [first_beat[x] for x in order[k + 1 :]]
        span = line_span(
            note_of,
            starts,
            ends,
            limit_beat=min(later) - tolerance if later else np.inf,
            max_melisma_notes=options.max_melisma_notes,
            max_melisma_gap=options.max_melisma_gap_beats,
        )
        line_texts = [texts[i] for i in members]
        if _not_sung(line_texts, shifted[members], melody_start - tolerance):
            counts["not_sung"] += 1
            continue
        if span is None or np.sum(note_of >= 0) < options.min_line_aligned_share * len(members):
            counts["unaligned"] += 1
            continue
        first, last = span
        rows.append(
            {
                "song_id": song["song_id"],
                "source": song["source"],
                "stanza": stanza,
                "line": k,
                "text": join_syllables(line_texts, [word_ends[i] for i in members]),
                "syllables": line_texts,
                "word_ends": [word_ends[i] for i in members],
                "n_syllables": len(members),
                "n_notes": last - first + 1,
                "melody_track": melody.track,
                "first_note": first,
                "start_beat": float(starts[first]),
                "note_beats": starts[first : last + 1].astype(np.float64),
                "syllable_note": np.where(note_of >= 0, note_of - first, -1).astype(np.int16),
                **{c: melody.vectors[c][first : last + 1] for c in VECTOR_COLUMNS},
            }
        )
    return rows, counts


def _not_sung(texts: list[str], shifted_beats: np.ndarray, melody_start: float) -> bool:
    """Titles and credits written as lyrics: before the music starts, or many words per syllable."""
    words_per_syllable = sum(len(t.split()) for t in texts) / max(len(texts), 1)
    return bool(np.all(shifted_beats < melody_start)) or words_per_syllable > 2.0
