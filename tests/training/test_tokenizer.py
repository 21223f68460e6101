"""The lyric tokenizer: no unknown tokens in any language, fixed special ids, loadable on its own."""

import unicodedata

import pytest
from tokenizers import Tokenizer

from melody_to_lyrics.datasets import TokenizerDataset
from melody_to_lyrics.evaluation.systems import VocabularyMasks
from melody_to_lyrics.text.tokenizer import SPECIAL_TOKENS, decode, encode_lines, train_tokenizer
from tests.conftest import SHARED_DATA

TRAINING = ["you only left a load of care", "i'm not worried and i'm in a hurry to die"] * 20 + [
    "waiting for the tide"
] * 5
FOREIGN = [
    "karena bahagia'kan datang sendiri",
    "Erhöre einer Jungfrau Flehen, O Mutter, hör ein bittend Kind!",
    "Et in terra pax hominibus bonae voluntatis",
    "Ó pé dos meus cabezales — “negra sombra”",
    "日本語の歌詞 🎵",
]


def test_special_tokens_have_fixed_ids_and_text_round_trips():
    tokenizer = train_tokenizer(TRAINING, vocab_size=300, lowercase=True)
    assert [tokenizer.token_to_id(t) for t in SPECIAL_TOKENS] == [0, 1, 2, 3]
    for line in TRAINING[:3] + FOREIGN:
        ids = encode_lines(tokenizer, [line])[0]
        assert min(ids) >= len(SPECIAL_TOKENS)  # no special (or unknown) token in ordinary text
        assert decode(tokenizer, ids) == unicodedata.normalize("NFKC", line).lower()


def test_lowercasing_is_a_parameter():
    tokenizer = train_tokenizer(TRAINING, vocab_size=300, lowercase=False)
    assert (
        decode(tokenizer, encode_lines(tokenizer, ["Waiting For The Tide"])[0])
        == "Waiting For The Tide"
    )


def test_saved_tokenizer_loads_on_its_own(tmp_path):
    tokenizer = train_tokenizer(TRAINING, vocab_size=300, lowercase=True)
    TokenizerDataset(str(tmp_path / "tok.json")).save(tokenizer)
    again = Tokenizer.from_file(str(tmp_path / "tok.json"))
    assert again.encode("load of care").ids == tokenizer.encode("load of care").ids


@pytest.mark.shared_data
def test_every_lyric_line_of_the_real_data_encodes_without_unknowns():
    corpus = SHARED_DATA / "lyrics_corpus" / "lyrics_lines.txt"
    if not corpus.exists():
        pytest.skip(f"real data not available: {corpus} does not exist")
    lines = [
        ln.strip()
        for ln in corpus.read_text(encoding="utf-8", errors="replace").splitlines()
        if ln.strip()
    ]
    tokenizer = train_tokenizer(lines[:20000], vocab_size=2000, lowercase=True)
    for line, ids in zip(lines, encode_lines(tokenizer, lines), strict=True):
        assert decode(tokenizer, ids) == " ".join(
            unicodedata.normalize("NFKC", line).lower().split()
        )


def test_vocabulary_masks_mark_word_starts_and_entries_that_cannot_be_sung():
    tokenizer = train_tokenizer(TRAINING, vocab_size=300, lowercase=True)
    masks = VocabularyMasks.of(tokenizer)
    entries = tokenizer.get_vocab()
    silent = {token for token, index in entries.items() if masks.silent[index]}
    starts = {token for token, index in entries.items() if masks.starts_word[index]}
    assert {",", "'", "n", "Ġ"} <= silent  # no vowel: punctuation, apostrophe, lone consonant
    assert not silent & {"a", "e", "y", "Ġa"} and not silent & set(SPECIAL_TOKENS)
    assert starts == {token for token in entries if token.startswith("Ġ")} and "Ġa" in starts
