"""Lyrics inside MIDI files: karaoke conventions turned into syllables, words, lines and stanzas.

Lyrics reach a MIDI file in many dialects. This module reads them all into one structure:

* where: lyric meta events (RP-017/RP-026) or, as in most ``.kar`` karaoke files, text meta
  events; ``@``-prefixed karaoke headers (``@T`` title, ``@L`` language, ...) are skipped;
* line breaks: ``/`` (line) and ``\\`` (paragraph) at the start of a syllable, or ``\\r`` (line)
  and ``\\n`` (paragraph) at either end of a syllable or as events of their own;
* words: syllables that carry their own spaces (``' if'``, ``'whis'``, ``'key'``; or
  ``'quar'``, ``'ter '``), syllables marked with hyphens (``'a -'``, ``'ev-'``, ``'-ing'``), or
  nothing at all (LilyPond's MIDI output, where the boundary is *unknown* and left to
  :mod:`melody_to_lyrics.features.words`);
* encoding: mido hands text over as latin-1; the bytes are re-decoded as utf-8, cp1252 or
  latin-1, whichever decodes the whole file;
* stanzas: each track that carries lyrics is a stream of its own (LilyPond writes one track per
  stanza, all at the same times); inside one track, several syllables at the same time are
  stanzas interleaved, the k-th event at each time belonging to stanza k.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

LINE_MARKERS = "/\r"
PARAGRAPH_MARKERS = "\\\n"
BREAK_MARKERS = LINE_MARKERS + PARAGRAPH_MARKERS
# Events that carry no sung text of their own: melisma extenders and lone hyphens.
EXTENDERS = frozenset({"-", "--", "_", "__", "~", "+"})
# Control bytes other than tab, line feed and carriage return are junk in lyric text.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WORD_FINAL_PUNCTUATION = ',.;:!?)]"»”'


@dataclass(frozen=True, slots=True)
class TextEvent:
    """One lyric or text meta event as it sits in the file."""

    track: int
    kind: str  # "lyrics" or "text"
    tick: int
    text: str  # decoded text, markers and all


@dataclass(slots=True)
class Syllable:
    """One sung syllable: its time, its text without markers, and where it sits in words and lines."""

    tick: int
    text: str
    raw: str
    word_end: bool | None  # None: the file does not say where words end
    line: int
    paragraph: int


@dataclass(slots=True)
class Stanza:
    """One verse of lyrics: a stream of syllables meant to be sung over the melody once."""

    track: int
    kind: str
    syllables: list[Syllable]
    word_boundaries: str  # "spaces", "hyphens" or "unknown"
    has_line_breaks: bool


@dataclass(slots=True)
class FileLyrics:
    """Everything lyric-like found in one file."""

    stanzas: list[Stanza]
    encoding: str
    n_header_events: int = 0
    n_ignored_events: int = 0
    warnings: list[str] = field(default_factory=list)


def decode_meta_texts(texts: list[str]) -> tuple[list[str], str]:
    """Re-decode texts that mido decoded as latin-1, choosing one encoding for the whole file.

    Returns the decoded texts (control bytes other than tab, CR and LF removed) and the encoding's name: ``ascii``, ``utf-8``,
    ``cp1252`` or ``latin-1`` -- the first that decodes every byte of the file's texts.
    """
    raw = [_CONTROL_BYTES.sub(b"", t.encode("latin-1", errors="replace")) for t in texts]
    blob = b"".join(raw)
    if blob.isascii():
        return [r.decode("ascii") for r in raw], "ascii"
    for encoding in ("utf-8", "cp1252"):
        try:
            blob.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [_visible(r.decode(encoding, errors="replace")) for r in raw], encoding
    return [_visible(r.decode("latin-1")) for r in raw], "latin-1"


def _visible(text: str) -> str:
    """Without invisible format characters (soft hyphens, zero-width spaces, byte-order marks)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def is_header(text: str) -> bool:
    """Karaoke (.kar) header events start with ``@``: ``@KMIDI KARAOKE FILE``, ``@T<title>``..."""
    return text.lstrip().startswith("@")


def _core(text: str) -> str:
    """The sung text of an event: break markers, surrounding space and extenders removed."""
    core = text.strip(BREAK_MARKERS + " \t").strip()
    return "" if core in EXTENDERS else core


def extract_lyrics(events: list[TextEvent], min_syllables: int = 8) -> FileLyrics:
    """Find the lyrics among a file's text and lyric events and structure them into stanzas.

    Args:
        events: every lyric and text meta event of the file, in file order.
        min_syllables: a track's text events count as lyrics only from this many syllables on
            (fewer are titles, copyright lines or instrument names); lyric events need two.
    """
    texts, encoding = decode_meta_texts([e.text for e in events])
    events = [TextEvent(e.track, e.kind, e.tick, t) for e, t in zip(events, texts, strict=True)]
    result = FileLyrics(stanzas=[], encoding=encoding)

    streams: dict[tuple[int, str], list[TextEvent]] = defaultdict(list)
    for event in events:
        if is_header(event.text):
            result.n_header_events += 1
        elif event.text.strip(" \t"):
            streams[(event.track, event.kind)].append(event)

    # One stream per track: where a track has both kinds, the one with more syllables.
    n_syllables = {key: sum(1 for e in evs if _core(e.text)) for key, evs in streams.items()}
    chosen: dict[int, tuple[int, str]] = {}
    for key in sorted(streams, key=lambda k: (k[0], k[1] != "lyrics")):
        track = key[0]
        if track not in chosen or n_syllables[key] > n_syllables[chosen[track]]:
            chosen[track] = key
    seen_texts: set[tuple[str, ...]] = set()
    for key, evs in streams.items():
        # Text events carry titles and credits too; lyric events are lyrics by definition.
        needed = min_syllables if key[1] == "text" else min(min_syllables, 2)
        if chosen.get(key[0]) != key or n_syllables[key] < needed:
            result.n_ignored_events += len(evs)
            continue
        signature = tuple(_core(e.text).casefold() for e in evs if _core(e.text))
        if signature in seen_texts:  # the same words twice (e.g. lyric and text copies)
            result.n_ignored_events += len(evs)
            result.warnings.append(f"track {key[0]}: {key[1]} events duplicate another track's")
            continue
        seen_texts.add(signature)
        for part in _split_interleaved(evs, result.warnings):
            stanza = structure_stanza(part)
            if stanza.syllables:
                result.stanzas.append(stanza)
    return result


def _split_interleaved(events: list[TextEvent], warnings: list[str]) -> list[list[TextEvent]]:
    """Separate stanzas written at the same times in one track: the k-th event at a time is stanza k."""
    ordered = sorted(enumerate(events), key=lambda ie: (ie[1].tick, ie[0]))
    per_tick = Counter(e.tick for _, e in ordered if _core(e.text))
    if not per_tick:
        return [events]
    stacked = sum(1 for n in per_tick.values() if n > 1)
    if stacked < 0.3 * len(per_tick):
        return [[e for _, e in ordered]]
    parts: dict[int, list[TextEvent]] = defaultdict(list)
    rank: Counter[int] = Counter()
    for _, event in ordered:
        parts[rank[event.tick]].append(event)
        rank[event.tick] += 1
    # A rank seen at only a few times is not a stanza, just a doubled syllable.
    kept = [parts[r] for r in sorted(parts) if sum(1 for e in parts[r] if _core(e.text)) >= 4]
    warnings.append(
        f"track {events[0].track}: {len(kept)} stanzas interleaved at the same times, "
        "separated by their order at each time"
    )
    return kept or [[e for _, e in ordered]]


def structure_stanza(events: list[TextEvent]) -> Stanza:
    """Turn one stream of events into syllables with word ends, line and paragraph numbers."""
    items = []  # per syllable: event, core, leading space, trailing space, hyphen after/before
    line_starts: list[bool] = []
    paragraph_starts: list[bool] = []
    pending_line = pending_paragraph = False
    for event in events:
        text = event.text
        line_start, paragraph_start = pending_line, pending_paragraph
        pending_line = pending_paragraph = False
        while text and text[0] in BREAK_MARKERS:
            line_start = True
            paragraph_start |= text[0] in PARAGRAPH_MARKERS
            text = text[1:]
        trailing_break = trailing_paragraph = False
        while text and text[-1] in BREAK_MARKERS:
            trailing_break = True
            trailing_paragraph |= text[-1] in PARAGRAPH_MARKERS
            text = text[:-1]
        core = text.strip()
        if not core or core in EXTENDERS:
            pending_line = line_start or trailing_break
            pending_paragraph = paragraph_start or trailing_paragraph
            continue
        hyphen_after = len(core) > 1 and core.endswith("-")
        hyphen_before = len(core) > 1 and core.startswith("-")
        core = core.strip("-").strip().rstrip("_~").strip()
        if not core:
            continue
        items.append(
            (event, core, text[:1].isspace(), text[-1:].isspace(), hyphen_after, hyphen_before)
        )
        line_starts.append(line_start)
        paragraph_starts.append(paragraph_start)
        pending_line, pending_paragraph = trailing_break, trailing_paragraph

    n = len(items)
    n_spaced = sum(1 for it in items if it[2] or it[3])
    n_hyphens = sum(1 for it in items if it[4] or it[5])
    if n and n_spaced >= max(1, 0.1 * n):
        mode = "spaces"
    elif n_hyphens:
        mode = "hyphens"
    else:
        mode = "unknown"

    syllables: list[Syllable] = []
    line = paragraph = 0
    for i, (event, core, _lead, trail, hyphen_after, _hyphen_before) in enumerate(items):
        if i and line_starts[i]:
            line += 1
            paragraph += paragraph_starts[i]
        nxt = items[i + 1] if i + 1 < n else None
        word_end: bool | None
        if hyphen_after or (nxt is not None and nxt[5] and not line_starts[i + 1]):
            word_end = False
        elif nxt is None or line_starts[i + 1]:
            word_end = True
        elif mode == "spaces":
            word_end = trail or nxt[2]
        elif mode == "hyphens" or core[-1] in WORD_FINAL_PUNCTUATION:
            word_end = True
        else:
            word_end = None
        syllables.append(Syllable(event.tick, core, event.text, word_end, line, paragraph))
    first = events[0] if events else TextEvent(-1, "", 0, "")
    return Stanza(
        track=first.track,
        kind=first.kind,
        syllables=syllables,
        word_boundaries=mode,
        has_line_breaks=line > 0,
    )


def join_syllables(texts: list[str], word_ends: list[bool | None]) -> str:
    """The text of a line: syllables joined, a space after each word end (and unknown ends)."""
    parts = []
    for text, end in zip(texts, word_ends, strict=True):
        parts.append(text)
        if end is not False:
            parts.append(" ")
    return " ".join("".join(parts).split())


def normalise_text(text: str) -> str:
    """A comparison key for lyric text: case-folded, accents kept, punctuation and spacing dropped."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    kept = "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text)
    return " ".join(w.strip("'") for w in kept.split() if w.strip("'"))
