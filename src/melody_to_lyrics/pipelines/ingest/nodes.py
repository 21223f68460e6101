"""Nodes of the ``ingest`` pipeline."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pandas as pd

from melody_to_lyrics import params as P
from melody_to_lyrics.sources.ingest import SourceFolder, ingest_files
from melody_to_lyrics.tables import TableParts, as_frame

logger = logging.getLogger(__name__)


def ingest_sources(
    raw_midi: SourceFolder,
    raw_melody_midi: SourceFolder,
    raw_aligned_npy: SourceFolder,
    raw_lyric_text: SourceFolder,
    ingest: dict,
) -> Iterator[
    tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]
]:
    """Parse every raw file into songs, tracks, notes, lyric events, lyric text lines and rejects.

    A generator: each yield is one part of every table (the songs of a part, and all their
    rows in the other tables), plus the running ingest statistics.
    """
    options = P.validate("ingest", ingest)
    folders = {
        "midi": raw_midi,
        "melody_midi": raw_melody_midi,
        "aligned_npy": raw_aligned_npy,
        "lyric_text": raw_lyric_text,
    }
    stats = None
    for part, stats in ingest_files(
        folders,
        options.parse_options(),
        workers=options.n_workers,
        files_per_part=options.files_per_part,
        progress=options.progress,
    ):
        yield (
            part["songs"],
            part["tracks"],
            part["notes"],
            part["lyric_events"],
            part["lyric_text_lines"],
            part["ingest_rejects"],
            stats.as_dict(),
        )


def report_ingest(ingest_stats: dict, ingest_rejects: TableParts | pd.DataFrame) -> dict:
    """The ingest report: counts per source, speed, memory, and every rejected file with its reason."""
    rejects = as_frame(ingest_rejects)
    report = dict(ingest_stats)
    report["rejects"] = rejects.to_dict(orient="records")
    report["rejects_by_reason"] = (
        rejects.assign(kind=rejects["reason"].str.split(r" \(|:", regex=True).str[0])
        .groupby("kind")
        .size()
        .sort_values(ascending=False)
        .to_dict()
        if len(rejects)
        else {}
    )
    for source, counts in report["per_source"].items():
        logger.info(
            "ingest %-12s files %6d  rejected %4d  songs %6d (with lyrics %6d)  notes %9d  syllables %8d  lines %7d",
            source,
            counts["files"],
            counts["rejected"],
            counts["songs"],
            counts["songs_with_lyrics"],
            counts["notes"],
            counts["syllables"],
            counts["lines"],
        )
    logger.info(
        "ingest: %d files in %.1f s (%.1f files/s) with %d worker(s), peak memory (MiB) %s",
        report["files"],
        report["elapsed_s"],
        report["files_per_s"] or 0.0,
        report["workers"],
        report["peak_rss_mib"],
    )
    for row in report["rejects"]:
        logger.warning(
            "rejected %s file %s at %s: %s", row["source"], row["path"], row["stage"], row["reason"]
        )
    return report
