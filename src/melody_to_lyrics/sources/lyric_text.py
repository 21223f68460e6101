"""Plain lyric text for decoder pretraining: one line a row, a blank row between songs."""

from __future__ import annotations


class LyricTextError(Exception):
    """A text file that cannot be used; the message is the reason recorded in the rejects."""


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes as utf-8 (with or without BOM), else cp1252, else latin-1."""
    if b"\x00" in data[:4096]:
        raise LyricTextError("binary data (NUL bytes), not text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def split_songs(text: str) -> list[list[str]]:
    """Songs as lists of lines; blank rows separate songs, surrounding spaces are dropped."""
    songs: list[list[str]] = []
    current: list[str] = []
    for row in text.splitlines():
        line = " ".join(row.split())
        if line:
            current.append(line)
        elif current:
            songs.append(current)
            current = []
    if current:
        songs.append(current)
    return songs
