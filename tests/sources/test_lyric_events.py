"""Karaoke conventions: headers, line breaks, word boundaries, encodings and stanzas."""

import pytest

from melody_to_lyrics.sources.lyric_events import (
    TextEvent,
    decode_meta_texts,
    extract_lyrics,
    join_syllables,
    normalise_text,
    structure_stanza,
)


def events(texts, kind="text", track=0, step=120):
    return [TextEvent(track, kind, i * step, t) for i, t in enumerate(texts)]


def words_and_lines(stanza):
    lines = {}
    for s in stanza.syllables:
        lines.setdefault(s.line, []).append(s)
    return [join_syllables([s.text for s in ss], [s.word_end for s in ss]) for ss in lines.values()]


def test_kar_text_events_with_leading_spaces_and_slash_lines():
    # As in karaoke_tiny: headers, "\" paragraph, "/" line, syllables carrying their own spaces.
    raw = ["@KMIDI KARAOKE FILE", "@LENGL", "@TA Headache", "\\Well,", " if", " the", " whis", "key", " does", "n't",
           " get", " me,", "/I", " know", " the", " mem", "o", "ries", " wi", "ll;"]  # fmt: skip
    result = extract_lyrics(events(raw), min_syllables=4)
    assert result.n_header_events == 3
    (stanza,) = result.stanzas
    assert stanza.word_boundaries == "spaces"
    assert words_and_lines(stanza) == [
        "Well, if the whiskey doesn't get me,",
        "I know the memories will;",
    ]
    assert stanza.syllables[3].paragraph == 0 and stanza.has_line_breaks


def test_rp026_trailing_spaces_and_carriage_returns():
    raw = [
        "Don't ",
        "you ",
        "know ",
        "that ",
        "I ",
        "danced ",
        "quar",
        "ter ",
        "to ",
        "three ",
        "\r",
        "With ",
        "the ",
        "help",
    ]
    (stanza,) = extract_lyrics(events(raw, kind="lyrics"), min_syllables=4).stanzas
    assert words_and_lines(stanza) == [
        "Don't you know that I danced quarter to three",
        "With the help",
    ]


def test_hyphen_marked_syllables_and_leading_hyphens():
    raw = ["Come", "a -", "long", "get", "read-", "y", "ev", "-'ry", "bod -", "y"]
    stanza = structure_stanza(events(raw, kind="lyrics"))
    assert stanza.word_boundaries == "hyphens"
    assert words_and_lines(stanza) == ["Come along get ready ev'ry body"]


def test_unmarked_syllables_leave_word_ends_unknown_but_punctuation_ends_a_word():
    stanza = structure_stanza(events(["A", "bide", "with", "me:", "fast", "falls"], kind="lyrics"))
    assert stanza.word_boundaries == "unknown"
    assert [s.word_end for s in stanza.syllables] == [None, None, None, True, None, True]


def test_break_only_events_and_extenders_mark_the_next_line():
    raw = ["song ", "title ", "\r", "\r", "First ", "line ", "_", "\n", "Second ", "line"]
    (stanza,) = extract_lyrics(events(raw, kind="lyrics"), min_syllables=2).stanzas
    assert words_and_lines(stanza) == ["song title", "First line", "Second line"]
    assert stanza.syllables[-2].paragraph == 1


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("pé dos meus", "utf-8", "pé dos meus"),
        ("“smart” quotes", "cp1252", "“smart” quotes"),
        ("naïve café", "latin-1", "naïve café"),
    ],
)
def test_texts_are_redecoded_from_midos_latin1(text, encoding, expected):
    raw = text.encode(encoding)
    if encoding == "latin-1":
        raw += b"\x81"  # a byte cp1252 does not define forces latin-1
    as_mido_gives_it = raw.decode("latin-1")
    decoded, found = decode_meta_texts([as_mido_gives_it])
    assert found == encoding
    assert decoded[0].startswith(expected)


def test_control_bytes_are_removed_before_word_boundaries_are_read():
    decoded, _ = decode_meta_texts(["more \x0e", "cham", "pa\x12", "gne\x00"])
    assert decoded == ["more ", "cham", "pa", "gne"]
    soft = "lend\u00ad".encode().decode(
        "latin-1"
    )  # a soft hyphen, utf-8 encoded, as mido hands it over
    assert decode_meta_texts([soft]) == (["lend"], "utf-8")


def test_each_lyric_track_is_a_stanza_and_duplicate_tracks_are_dropped():
    verse1 = events(["Twin", "kle ", "lit", "tle ", "star"], kind="lyrics", track=1)
    verse2 = events(["Up ", "a", "bove ", "the ", "world"], kind="lyrics", track=2)
    copy = events(["Twin", "kle ", "lit", "tle ", "star"], kind="text", track=3)
    result = extract_lyrics(verse1 + verse2 + copy, min_syllables=4)
    assert [words_and_lines(s) for s in result.stanzas] == [
        ["Twinkle little star"],
        ["Up above the world"],
    ]
    assert any("duplicate" in w for w in result.warnings)


def test_stanzas_interleaved_in_one_track_are_separated_by_order_at_each_time():
    one = ["Twin", "kle ", "lit", "tle ", "star"]
    two = ["Up ", "a", "bove ", "the ", "world"]
    mixed = [
        TextEvent(0, "lyrics", i * 100, t)
        for i, pair in enumerate(zip(one, two, strict=True))
        for t in pair
    ]
    result = extract_lyrics(mixed, min_syllables=4)
    assert [words_and_lines(s) for s in result.stanzas] == [
        ["Twinkle little star"],
        ["Up above the world"],
    ]


def test_a_track_of_a_few_text_events_is_not_lyrics():
    result = extract_lyrics(events(["Piano", "Copyright 1999"], track=2), min_syllables=8)
    assert result.stanzas == [] and result.n_ignored_events == 2


def test_normalise_text_ignores_case_punctuation_and_spacing():
    assert (
        normalise_text("  Don’t   STOP, me now! ")
        == normalise_text("don't stop me now")
        == "don't stop me now"
    )
