"""Nodes of the ``note_features`` pipeline."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pandas as pd

from melody_to_lyrics import params as P
from melody_to_lyrics.features.corpus import corpus_features, melody_fingerprint
from melody_to_lyrics.features.pretraining import pretraining_lines
from melody_to_lyrics.features.split import split_songs
from melody_to_lyrics.features.words import WordJoiner
from melody_to_lyrics.tables import TableParts, as_frame, as_parts

logger = logging.getLogger(__name__)

HELD_OUT = ("validation", "test")


def extract_song_features(
    songs: TableParts,
    tracks: TableParts,
    notes: TableParts,
    lyric_events: TableParts,
    note_features: dict,
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
    """Melody note vectors, aligned lyric lines, the alignment report and rejects, a part at a time."""
    options = P.validate("note_features", note_features)
    joiner = WordJoiner(tuple(options.word_languages))
    for part in corpus_features(
        as_parts(songs),
        as_parts(tracks),
        as_parts(notes),
        as_parts(lyric_events),
        joiner,
        options.feature_options(),
        workers=options.workers,
    ):
        yield (
            part["melodies"],
            part["aligned_lines"],
            part["alignment_report"],
            part["note_features_rejects"],
        )


def split_by_song(aligned_lines: TableParts, note_features: dict) -> pd.DataFrame:
    """Duplicate songs removed by lyric content; kept songs split into train/validation/test."""
    split = P.validate("note_features", note_features).split
    lines = as_frame(aligned_lines, ["song_id", "text"])
    result = split_songs(
        lines,
        validation=split.validation,
        test=split.test,
        seed=split.seed,
        min_shared=split.min_shared,
        shingle_words=split.shingle_words,
        max_shingle_songs=split.max_shingle_songs,
    )
    kept = result.loc[result["kept"]]
    logger.info(
        "split: %d songs with pairs, %d duplicates removed; train %d, validation %d, test %d songs",
        len(result),
        int((~result["kept"]).sum()),
        int((kept["split"] == "train").sum()),
        int((kept["split"] == "validation").sum()),
        int((kept["split"] == "test").sum()),
    )
    return result


def build_aligned_pairs(aligned_lines: TableParts, song_split: pd.DataFrame) -> pd.DataFrame:
    """Aligned (melody segment, lyric line) pairs of the kept songs, each with its song's split."""
    split = song_split.loc[song_split["kept"].astype(bool), ["song_id", "split"]]
    lines = as_frame(aligned_lines)
    pairs = lines.merge(split, on="song_id", how="inner", validate="many_to_one")
    return pairs.sort_values(["split", "song_id", "stanza", "line"], kind="stable").reset_index(
        drop=True
    )


def build_lyricless_melodies(melodies: TableParts, aligned_pairs: pd.DataFrame) -> pd.DataFrame:
    """Melodies without pairs, for encoder pretraining, minus any that repeat a held-out song's melody."""
    frame = as_frame(melodies)
    heldout_songs = set(aligned_pairs.loc[aligned_pairs["split"].isin(HELD_OUT), "song_id"])
    heldout_prints = {
        melody_fingerprint(p)
        for s, p in zip(frame["song_id"], frame["pitch"], strict=True)
        if s in heldout_songs
    }
    lyricless = frame[~frame["has_pairs"]]
    prints = lyricless["pitch"].map(melody_fingerprint)
    repeats = prints.isin(heldout_prints) & (lyricless["n_notes"] > 8)
    if repeats.any():
        logger.info(
            "lyric-less melodies: %d repeat a held-out song's melody and are left out",
            int(repeats.sum()),
        )
    return lyricless[~repeats].reset_index(drop=True)


def build_pretraining_lines(
    aligned_pairs: pd.DataFrame,
    lyric_text_lines: TableParts,
    songs: TableParts,
    note_features: dict,
) -> tuple[pd.DataFrame, dict]:
    """Decoder pretraining text: training lines and the plain corpus, with held-out lyrics removed."""
    split = P.validate("note_features", note_features).split
    plain_songs = as_frame(songs, ["song_id", "source", "content_hash"])
    plain_songs = plain_songs[plain_songs["source"] == "lyric_text"]
    lines, stats = pretraining_lines(
        aligned_pairs.loc[aligned_pairs["split"] == "train", ["song_id", "source", "text"]],
        as_frame(lyric_text_lines, ["song_id", "line", "text"]),
        plain_songs.set_index("song_id")["content_hash"],
        aligned_pairs.loc[aligned_pairs["split"].isin(HELD_OUT), ["song_id", "text"]],
        min_shared=split.min_shared,
        shingle_words=split.shingle_words,
    )
    logger.info(
        "pretraining text: %d lines; removed %d held-out lines, %d duplicate plain songs, %d plain songs near held-out ones",
        stats["lines"],
        stats["heldout_lines_removed"],
        stats["plain_duplicate_songs_removed"],
        stats["plain_songs_near_heldout_removed"],
    )
    return lines, stats


def _share(numerator: float, denominator: float) -> float | None:
    return round(float(numerator) / float(denominator), 4) if denominator else None


def report_note_features(
    alignment_report: TableParts,
    song_split: pd.DataFrame,
    aligned_pairs: pd.DataFrame,
    lyricless_melodies: pd.DataFrame,
    pretraining_stats: dict,
    note_features_rejects: TableParts,
) -> dict:
    """Counts per source: alignment shares, lines, notes, duplicates removed, split sizes."""
    report = as_frame(alignment_report)
    per_source = {}
    for source, rows in report.groupby("source"):
        with_lyrics = rows[rows["n_stanzas"] > 0]
        matched = with_lyrics[with_lyrics["status"].isin(["aligned", "no_lines"])]
        pairs = aligned_pairs[aligned_pairs["source"] == source]
        per_source[source] = {
            "songs": len(rows),
            "songs_with_lyrics": len(with_lyrics),
            "songs_aligned_to_melody_track": len(matched),
            "share_aligned_to_melody_track": _share(len(matched), len(with_lyrics)),
            "syllables": int(with_lyrics["n_syllables"].sum()),
            "syllables_aligned_to_note": int(with_lyrics["n_syllables_aligned"].sum()),
            "share_syllables_aligned": _share(
                with_lyrics["n_syllables_aligned"].sum(), with_lyrics["n_syllables"].sum()
            ),
            "lines": int(rows["n_lines"].sum()),
            "lines_kept": int(rows["n_lines_kept"].sum()),
            "lines_dropped_not_sung": int(rows["n_lines_not_sung"].sum()),
            "lines_dropped_unaligned": int(rows["n_lines_unaligned"].sum()),
            "pairs_after_dedup": len(pairs),
            "pair_notes": int(pairs["n_notes"].sum()) if len(pairs) else 0,
            "lyricless_melodies": int((lyricless_melodies["source"] == source).sum()),
        }
    kept = song_split.loc[song_split["kept"].astype(bool)]
    splits = {
        name: {
            "songs": int((kept["split"] == name).sum()),
            "lines": int((aligned_pairs["split"] == name).sum()),
        }
        for name in ("train", "validation", "test")
    }
    rejects = as_frame(note_features_rejects)
    summary = {
        "per_source": per_source,
        "duplicate_songs_removed": int((~song_split["kept"]).sum()),
        "split": splits,
        "lyricless_melodies": len(lyricless_melodies),
        "lyricless_melody_notes": int(lyricless_melodies["n_notes"].sum())
        if len(lyricless_melodies)
        else 0,
        "pretraining": pretraining_stats,
        "rejects": rejects.to_dict(orient="records"),
    }
    for source, counts in per_source.items():
        logger.info(
            "note_features %-12s songs %5d  with lyrics %5d  aligned to a melody track %s  syllables on notes %s  pairs %6d",
            source,
            counts["songs"],
            counts["songs_with_lyrics"],
            f"{counts['share_aligned_to_melody_track']:.1%}"
            if counts["share_aligned_to_melody_track"] is not None
            else "-",
            f"{counts['share_syllables_aligned']:.1%}"
            if counts["share_syllables_aligned"] is not None
            else "-",
            counts["pairs_after_dedup"],
        )
    logger.info(
        "note_features split (songs/lines): %s",
        {k: (v["songs"], v["lines"]) for k, v in splits.items()},
    )
    for row in summary["rejects"]:
        logger.warning(
            "note_features: %s %s at %s: %s",
            row["source"],
            row["path"],
            row["stage"],
            row["reason"],
        )
    return summary
