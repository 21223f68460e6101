"""Duplicate songs found by their lyrics, and a deterministic train/validation/test split by song.

Duplicates: the real corpora hold many versions of one song (several MIDI files of a hit, each
with its own transcription, line breaks and punctuation). A song is compared by its *shingles*:
the runs of ``shingle_words`` consecutive words of its normalised text (case, punctuation and
line breaks ignored). Two songs are duplicates when they share at least ``min_shared`` of the
shingles of the shorter one; shingles found in more than ``max_shingle_songs`` songs ("i love
you so", "la la la la") are no evidence. Duplicates form groups (transitively); each group keeps
one song, the one with the most shingles (ties broken by content), and the others are removed.

Split: groups are ordered by a hash of ``seed`` and the kept song's *content*, and the first
``test`` share of them go to test, the next ``validation`` share to validation, the rest to
train. Neither file order, paths nor the machine change the outcome.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

import pandas as pd

from melody_to_lyrics.sources.lyric_events import normalise_text


class _UnionFind:
    def __init__(self, items: Iterable[str]):
        self.parent = {x: x for x in items}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def shingles(words: list[str], size: int) -> frozenset[str]:
    """Runs of ``size`` consecutive words (the whole text when it is shorter)."""
    if len(words) < size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def song_shingles(lines: pd.DataFrame, size: int) -> dict[str, frozenset[str]]:
    """Shingles of each song's whole text (``lines`` has ``song_id`` and ``text``, in order)."""
    words: dict[str, list[str]] = defaultdict(list)
    for song, text in zip(lines["song_id"], lines["text"], strict=True):
        words[song].extend(normalise_text(text).split())
    return {song: shingles(w, size) for song, w in words.items()}


def duplicate_groups(
    signatures: dict[str, frozenset[str]], *, min_shared: float = 0.5, max_shingle_songs: int = 50
) -> dict[str, str]:
    """Map each song to its group's id (the smallest song id in the group)."""
    songs_of: dict[str, list[str]] = defaultdict(list)
    for song in sorted(signatures):
        for shingle in signatures[song]:
            songs_of[shingle].append(song)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for members in songs_of.values():
        if 1 < len(members) <= max_shingle_songs:
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    shared[(a, b)] += 1
    groups = _UnionFind(signatures)
    for (a, b), n in sorted(shared.items()):
        if n >= min_shared * min(len(signatures[a]), len(signatures[b])):
            groups.union(a, b)
    return {song: groups.find(song) for song in signatures}


def containment(signature: frozenset[str], reference: set[str]) -> float:
    """Share of a song's shingles found in a reference set."""
    return len(signature & reference) / len(signature) if signature else 0.0


def content_key(signature: frozenset[str]) -> str:
    return hashlib.sha1("\n".join(sorted(signature)).encode()).hexdigest()


def split_songs(
    lines: pd.DataFrame,
    *,
    validation: float,
    test: float,
    seed: int,
    min_shared: float = 0.5,
    shingle_words: int = 4,
    max_shingle_songs: int = 50,
) -> pd.DataFrame:
    """One row per song: ``song_id``, ``group``, ``kept``, ``duplicate_of``, ``split``, ``content_key``.

    Removed duplicates get the ``split`` of their group but ``kept = False``; only kept songs are used.
    """
    signatures = song_shingles(lines, shingle_words)
    all_songs = sorted(signatures)
    group_of = duplicate_groups(
        signatures, min_shared=min_shared, max_shingle_songs=max_shingle_songs
    )
    keys = {song: content_key(signatures[song]) for song in all_songs}
    members: dict[str, list[str]] = defaultdict(list)
    for song in all_songs:
        members[group_of[song]].append(song)
    kept_of = {
        g: min(ms, key=lambda s: (-len(signatures[s]), keys[s], s)) for g, ms in members.items()
    }

    order = sorted(
        members, key=lambda g: hashlib.sha1(f"{seed}:{keys[kept_of[g]]}".encode()).hexdigest()
    )
    n = len(order)
    n_test = round(n * test)
    n_val = round(n * validation)
    if n >= 3:
        n_test, n_val = max(n_test, 1 if test > 0 else 0), max(n_val, 1 if validation > 0 else 0)
    split_of = {}
    for rank, group in enumerate(order):
        split_of[group] = (
            "test" if rank < n_test else "validation" if rank < n_test + n_val else "train"
        )
    rows = []
    for song in all_songs:
        group = group_of[song]
        kept = kept_of[group] == song
        rows.append(
            {
                "song_id": song,
                "group": group,
                "kept": kept,
                "duplicate_of": "" if kept else kept_of[group],
                "split": split_of[group],
                "content_key": keys[song],
            }
        )
    frame = pd.DataFrame(
        rows, columns=["song_id", "group", "kept", "duplicate_of", "split", "content_key"]
    )
    return frame.astype({"kept": bool})
