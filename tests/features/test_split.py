"""Duplicate songs and the split: by song, by content, the same on any machine."""

import numpy as np
import pandas as pd

from melody_to_lyrics.features.pretraining import pretraining_lines
from melody_to_lyrics.features.split import split_songs

WORDS = "love heart night day dream fire rain sun moon star road home baby dance time light".split()


def corpus(n=30):
    """n songs of six distinct random lines, and song99: song05 transcribed a little differently."""
    rng = np.random.default_rng(0)
    rows = []
    for s in range(n):
        for line in range(6):
            rows.append({"song_id": f"song{s:02d}", "text": " ".join(rng.choice(WORDS, 6))})
    for k, row in enumerate([r for r in rows if r["song_id"] == "song05"]):
        text = row["text"].capitalize() + "!" if k != 3 else "something else entirely here"
        rows.append({"song_id": "song99", "text": text})
    return pd.DataFrame(rows)


def test_the_same_song_with_other_line_breaks_is_a_duplicate():
    one = pd.DataFrame(
        {"song_id": "a", "text": ["Twinkle twinkle little star", "how I wonder what you are"]}
    )
    two = pd.DataFrame(
        {"song_id": "b", "text": ["twinkle, twinkle, little star, how I wonder what you are!"]}
    )
    three = pd.DataFrame(
        {"song_id": "c", "text": ["up above the world so high", "like a diamond in the sky"]}
    )
    split = split_songs(pd.concat([one, two, three]), validation=0.0, test=0.0, seed=1).set_index(
        "song_id"
    )
    assert split.loc["a", "group"] == split.loc["b", "group"] != split.loc["c", "group"]
    assert split["kept"].sum() == 2


def test_duplicates_are_grouped_and_one_is_kept():
    split = split_songs(corpus(), validation=0.1, test=0.1, seed=1).set_index("song_id")
    assert split.loc["song05", "group"] == split.loc["song99", "group"]
    assert split.loc[["song05", "song99"], "kept"].sum() == 1
    assert split.loc["song05", "split"] == split.loc["song99", "split"]
    assert (~split["kept"]).sum() == 1


def test_split_sizes_and_no_song_in_two_splits():
    split = split_songs(corpus(), validation=0.1, test=0.2, seed=1)
    kept = split[split["kept"]]
    assert kept["split"].value_counts().to_dict() == {"train": 21, "test": 6, "validation": 3}
    assert kept["song_id"].is_unique


def test_split_depends_on_content_and_seed_not_on_order_or_ids():
    lines = corpus()
    first = split_songs(lines, validation=0.1, test=0.1, seed=7)
    song_order = lines["song_id"].drop_duplicates().sample(frac=1.0, random_state=3)
    shuffled = pd.concat(
        [lines[lines["song_id"] == s] for s in song_order]
    )  # songs reordered, lines kept
    renamed = shuffled.assign(song_id="x" + shuffled["song_id"])
    second = split_songs(renamed, validation=0.1, test=0.1, seed=7)
    by_key = lambda df: df[df["kept"]].set_index("content_key")["split"].sort_index()  # noqa: E731
    pd.testing.assert_series_equal(by_key(first), by_key(second))
    other_seed = split_songs(lines, validation=0.1, test=0.1, seed=8)
    assert not by_key(first).equals(by_key(other_seed))


def test_pretraining_text_loses_every_heldout_line_and_duplicate_plain_songs():
    train = pd.DataFrame(
        {
            "song_id": ["a", "a"],
            "source": "midi",
            "text": ["keep this line please", "Held out line here"],
        }
    )
    plain = pd.DataFrame(
        {
            "song_id": ["p1", "p1", "p1", "p2", "p2", "p2", "p3", "p3"],
            "line": [0, 1, 2, 0, 1, 2, 0, 1],
            "text": ["a plain song line", "held out line HERE!", "and its last line", "a plain song line",
                     "held out line here", "and its last line", "another test song line", "one more test song line"],
        }
    )  # fmt: skip
    hashes = pd.Series({"p1": "h1", "p2": "h1", "p3": "h3"})
    heldout = pd.DataFrame(
        {
            "song_id": "h",
            "text": ["held out line here", "another test song line", "one more test song line"],
        }
    )
    lines, stats = pretraining_lines(train, plain, hashes, heldout, min_shared=0.5, shingle_words=4)
    assert lines["text"].tolist() == [
        "keep this line please",
        "a plain song line",
        "and its last line",
    ]
    assert stats["plain_duplicate_songs_removed"] == 1  # p2 repeats p1
    assert stats["plain_songs_near_heldout_removed"] == 1  # p3 is a held-out song
    assert stats["heldout_lines_removed"] == 2
