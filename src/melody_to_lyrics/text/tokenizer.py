"""The lyric tokenizer: byte-level BPE trained with Hugging Face ``tokenizers``.

Byte-level BPE can spell any text in any script from its 256 byte symbols, so it never emits an
unknown token (German umlauts, Italian, Latin, Indonesian, emoji alike); frequent words and
pieces become single tokens. Special tokens come first, with fixed ids.
"""

from __future__ import annotations

from collections.abc import Iterable

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

PAD, BOS, EOS, MASK = "[PAD]", "[BOS]", "[EOS]", "[MASK]"
SPECIAL_TOKENS = (PAD, BOS, EOS, MASK)
PAD_ID, BOS_ID, EOS_ID, MASK_ID = range(4)


def train_tokenizer(
    lines: Iterable[str], *, vocab_size: int, lowercase: bool, min_frequency: int = 2
) -> Tokenizer:
    """A byte-level BPE tokenizer trained on lyric lines (special tokens get ids 0-3)."""
    steps = [normalizers.NFKC()] + ([normalizers.Lowercase()] if lowercase else [])
    tokenizer = Tokenizer(models.BPE())
    tokenizer.normalizer = normalizers.Sequence(steps)
    # A space before every line's first word too, so a word has one token whether it starts a line or not.
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(lines, trainer)
    for token, expected in zip(SPECIAL_TOKENS, range(4), strict=True):
        assert tokenizer.token_to_id(token) == expected, f"{token} should have id {expected}"
    return tokenizer


def encode_lines(tokenizer: Tokenizer, lines: list[str]) -> list[list[int]]:
    """Token ids of each line (no special tokens), in one batched call."""
    return [e.ids for e in tokenizer.encode_batch(lines, add_special_tokens=False)]


def decode(tokenizer: Tokenizer, ids: Iterable[int]) -> str:
    """Text of token ids; special tokens dropped, the leading space the pre-tokenizer adds removed.

    A generated sequence can split a multi-byte character between tokens and never finish it; the
    replacement character that such bytes decode to is dropped.
    """
    text = tokenizer.decode([int(i) for i in ids if int(i) >= len(SPECIAL_TOKENS)])
    return " ".join(text.replace("\ufffd", "").split())
