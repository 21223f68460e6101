"""Lyric text for decoder pretraining, with every validation and test line kept out.

Sources: the training split's aligned lines and the plain lyric corpus. The plain corpus loses
exact duplicate songs; a plain song that is a near duplicate of a held-out song (at least
``min_shared`` of its word shingles occur in validation/test songs, as in
:mod:`~melody_to_lyrics.features.split`) is dropped whole; and any remaining line equal to a
held-out line (normalised) is dropped.
"""

from __future__ import annotations

import pandas as pd

from melody_to_lyrics.features.split import containment, song_shingles
from melody_to_lyrics.sources.lyric_events import normalise_text


def pretraining_lines(
    train_lines: pd.DataFrame,
    text_lines: pd.DataFrame,
    text_song_hashes: pd.Series,
    heldout_lines: pd.DataFrame,
    *,
    min_shared: float = 0.5,
    shingle_words: int = 4,
) -> tuple[pd.DataFrame, dict]:
    """Pretraining lines (``song_id``, ``source``, ``text``) and counts of what was removed.

    Args:
        train_lines: aligned lines of training songs (``song_id``, ``source``, ``text``).
        text_lines: plain lyric lines (``song_id``, ``line``, ``text``).
        text_song_hashes: content hash of each plain song, indexed by ``song_id``.
        heldout_lines: every validation and test line (``song_id``, ``text``, in order).
    """
    heldout = {k for k in (normalise_text(t) for t in heldout_lines["text"]) if k}
    heldout_shingles = set().union(*song_shingles(heldout_lines, shingle_words).values())
    stats = {"heldout_lines": len(heldout), "plain_songs": int(text_lines["song_id"].nunique())}

    hashes = text_song_hashes.sort_index()
    plain = text_lines[text_lines["song_id"].isin(hashes[~hashes.duplicated()].index)].copy()
    stats["plain_duplicate_songs_removed"] = stats["plain_songs"] - int(plain["song_id"].nunique())

    plain["key"] = plain["text"].map(normalise_text)
    signatures = song_shingles(plain, shingle_words)
    leaked = {
        song for song, sig in signatures.items() if containment(sig, heldout_shingles) >= min_shared
    }
    stats["plain_songs_near_heldout_removed"] = len(leaked)
    plain = plain[~plain["song_id"].isin(leaked)]
    plain["source"] = "lyric_text"

    train = train_lines[["song_id", "source", "text"]].copy()
    train["key"] = train["text"].map(normalise_text)
    combined = pd.concat([train, plain[["song_id", "source", "text", "key"]]], ignore_index=True)
    is_heldout = combined["key"].isin(heldout) | (combined["key"] == "")
    stats["heldout_lines_removed"] = int(combined["key"].isin(heldout).sum())
    result = combined.loc[~is_heldout, ["song_id", "source", "text"]].reset_index(drop=True)
    stats["lines"] = len(result)
    stats["lines_by_source"] = result["source"].value_counts().sort_index().to_dict()
    return result, stats
