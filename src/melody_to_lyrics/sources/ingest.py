"""Ingestion of every raw source into the ingest tables, a part at a time.

Files are parsed in a process pool; the parent only gathers column data into part-sized buffers
and hands each part on as soon as it is full, so memory stays flat however large the corpus.
"""

from __future__ import annotations

import logging
import resource
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd

from melody_to_lyrics import tables
from melody_to_lyrics.parallel import ordered_map
from melody_to_lyrics.sources.raw_files import (
    SOURCE_SUFFIXES,
    FileTables,
    ParseOptions,
    RawFile,
    parse_raw_file,
)

logger = logging.getLogger(__name__)

OUTPUT_TABLES = {
    "songs": tables.SONGS,
    "tracks": tables.TRACKS,
    "notes": tables.NOTES,
    "lyric_events": tables.LYRIC_EVENTS,
    "lyric_text_lines": tables.LYRIC_TEXT_LINES,
    "ingest_rejects": tables.REJECTS,
}


@dataclass(frozen=True, slots=True)
class SourceFolder:
    """The files found in one source's folder (paths relative to ``root``)."""

    root: Path | None
    files: tuple[str, ...] = ()


def select_files(source: str, folder: SourceFolder) -> tuple[list[RawFile], list[str]]:
    """The folder's files that this source reads (by suffix, any case), and those it skips."""
    if folder.root is None:
        return [], []
    suffixes = SOURCE_SUFFIXES[source]
    chosen, skipped = [], []
    for rel in folder.files:
        (chosen if rel.lower().endswith(suffixes) else skipped).append(rel)
    return [RawFile(source, str(folder.root), rel) for rel in chosen], skipped


@dataclass(slots=True)
class IngestStats:
    """Counts and timings of one ingestion run, per source."""

    files: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    songs: Counter = field(default_factory=Counter)
    with_lyrics: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    syllables: Counter = field(default_factory=Counter)
    lines: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    capped_notes: int = 0
    absurd_tempos: int = 0
    files_done: int = 0
    parts: int = 0
    workers: int = 1
    started: float = field(default_factory=time.perf_counter)

    def add(self, item: RawFile, result: FileTables) -> None:
        self.files_done += 1
        self.files[item.source] += 1
        if result.rejects and not result.songs:
            self.rejected[item.source] += 1
        for song in result.songs:
            self.songs[item.source] += 1
            self.with_lyrics[item.source] += song["n_syllables"] > 0
            self.notes[item.source] += song["n_notes"]
            self.syllables[item.source] += song["n_syllables"]
            self.lines[item.source] += song["n_lines"]
            self.capped_notes += song["n_capped_notes"]
            self.absurd_tempos += song["n_absurd_tempos"]

    def as_dict(self) -> dict:
        elapsed = time.perf_counter() - self.started
        sources = sorted(set(self.files) | set(self.skipped))
        peak = {"main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
        if self.workers > 1:  # children of this process: the parser pool
            peak["largest_worker"] = round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
            )
        return {
            "elapsed_s": round(elapsed, 3),
            "workers": self.workers,
            "files": self.files_done,
            "files_per_s": round(self.files_done / elapsed, 2) if elapsed > 0 else None,
            "parts": self.parts,
            "peak_rss_mib": peak,
            "capped_notes": self.capped_notes,
            "absurd_tempos": self.absurd_tempos,
            "per_source": {
                s: {
                    "files": self.files[s],
                    "rejected": self.rejected[s],
                    "skipped_other_suffix": self.skipped[s],
                    "songs": self.songs[s],
                    "songs_with_lyrics": self.with_lyrics[s],
                    "notes": self.notes[s],
                    "syllables": self.syllables[s],
                    "lines": self.lines[s],
                }
                for s in sources
            },
        }


def _crashed(item: RawFile, err: BaseException) -> FileTables:
    reason = f"parser process crashed ({type(err).__name__}: {err})"
    return FileTables(
        rejects=[{"source": item.source, "path": item.relpath, "stage": "parse", "reason": reason}]
    )


def ingest_files(
    folders: Mapping[str, SourceFolder],
    options: ParseOptions,
    *,
    workers: int = 1,
    files_per_part: int = 64,
    progress: bool = True,
) -> Iterator[tuple[dict[str, pd.DataFrame], IngestStats]]:
    """Parse every file of every source; yield the tables a part at a time, with running stats.

    Every part holds complete songs: the songs, tracks, notes and lyric events of a song are all
    in the same part number of their tables. At least one (possibly empty) part is always yielded.
    """
    stats = IngestStats(workers=workers)
    items: list[RawFile] = []
    for source, folder in folders.items():
        chosen, skipped = select_files(source, folder)
        items.extend(chosen)
        stats.skipped[source] += len(skipped)
        if skipped:
            logger.info(
                "%s: %d file(s) without a %s suffix skipped, e.g. %s",
                source,
                len(skipped),
                "/".join(SOURCE_SUFFIXES[source]),
                skipped[:3],
            )
        if folder.root is None:
            logger.info("%s: no folder, so no data from this source", source)
    buffers = {name: tables.TableBuffer(schema) for name, schema in OUTPUT_TABLES.items()}
    in_part = 0
    results = ordered_map(
        partial(parse_raw_file, options=options),
        items,
        workers=workers,
        on_crash=_crashed,
        total=len(items),
        desc="ingest",
        progress=progress,
    )
    for item, result in zip(items, results, strict=True):
        stats.add(item, result)
        buffers["songs"].add_rows(result.songs)
        buffers["tracks"].add_rows(result.tracks)
        buffers["ingest_rejects"].add_rows(result.rejects)
        for name in ("notes", "lyric_events", "lyric_text_lines"):
            columns = getattr(result, name)
            if columns:
                buffers[name].add(columns)
        for line in result.log:
            logger.debug(line)
        in_part += 1
        if in_part >= files_per_part:
            stats.parts += 1
            yield {name: buf.take() for name, buf in buffers.items()}, stats
            in_part = 0
    if in_part or stats.parts == 0:
        stats.parts += 1
        yield {name: buf.take() for name, buf in buffers.items()}, stats
