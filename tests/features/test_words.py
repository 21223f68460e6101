"""Joining syllables into words where the file does not mark word ends."""

from melody_to_lyrics.features.words import WordJoiner

JOINER = WordJoiner(("en",))


def words(syllables, ends):
    out, word = [], ""
    for s, e in zip(syllables, ends, strict=True):
        word += s
        if e:
            out.append(word)
            word = ""
    return out


def test_known_words_are_rebuilt_from_syllables():
    syllables = ["Good", "bye", "Nor", "ma", "Jean"]
    ends = JOINER.join(syllables, [None] * 5)
    assert words(syllables, ends) == ["Goodbye", "Norma", "Jean"]


def test_syllables_of_no_known_word_stay_apart():
    syllables = ["I", "love", "you", "xq", "zv"]
    assert JOINER.join(syllables, [None] * 5) == [True] * 5


def test_known_ends_and_continuations_are_kept():
    syllables = ["hear", "ing", "you"]
    assert words(syllables, JOINER.join(syllables, [None, None, True])) == ["hearing", "you"]
    assert words(syllables, JOINER.join(syllables, [True, None, True])) == ["hear", "ing", "you"]
    assert JOINER.join(["a", "b"], [False, True]) == [False, True]


def test_a_capitalised_syllable_starts_a_word():
    syllables = ["my", "Self"]  # "myself" is a word, but the capital says otherwise
    assert JOINER.join(syllables, [None, None]) == [True, True]


def test_the_joiner_pickles_without_its_lexicon():
    import pickle  # noqa: PLC0415

    assert len(pickle.dumps(JOINER)) < 500
    assert pickle.loads(pickle.dumps(JOINER)).join(["A", "bide"], [None, None]) == [False, True]
