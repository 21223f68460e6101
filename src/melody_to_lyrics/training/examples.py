"""Training examples of the three objectives, built from the feature tables and stored compactly.

* Decoder pairs, in one of two input schemes (see ``../shared/SPEC.md``):
  ``shifted`` -- input ``t1..tn``, target ``t2..tn EOS``;
  ``bos_prefix`` -- input ``BOS t1..tn``, target ``t1..tn EOS``;
  both cut to ``max_len`` positions (a cut line's target does not end in EOS).
* Encoder examples: the note vectors of whole melodies, in windows of at most ``max_notes``.
* Joint pairs: the note vectors of a line's melody segment, and its tokens with the decoder input
  starting with BOS (the encoder conditions the first word).

An :class:`ExampleSet` holds, per split, named :class:`~melody_to_lyrics.ragged.Ragged` fields
and plain per-row arrays; it round-trips through a dict of numpy arrays (an ``.npz`` file).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from melody_to_lyrics.ragged import Ragged
from melody_to_lyrics.text.tokenizer import BOS_ID, EOS_ID

SCHEMES = ("shifted", "bos_prefix")
NOTE_FIELDS = ("pitch", "duration", "rest", "position")


@dataclass
class ExampleSet:
    splits: dict[str, dict[str, Ragged | np.ndarray]]
    meta: dict = field(default_factory=dict)

    def __getitem__(self, split: str) -> dict[str, Ragged | np.ndarray]:
        return self.splits[split]

    def rows(self, split: str) -> int:
        first = next(iter(self.splits[split].values()))
        return len(first)

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {}
        for split, fields in self.splits.items():
            for name, value in fields.items():
                key = f"{split}/{name}"
                if isinstance(value, Ragged):
                    arrays.update(value.to_arrays(key))
                else:
                    arrays[key] = np.asarray(value)
        arrays["meta"] = np.frombuffer(json.dumps(self.meta).encode(), dtype=np.uint8)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> ExampleSet:
        splits: dict[str, dict] = {}
        for key, value in arrays.items():
            if key == "meta":
                continue
            split, name = key.split("/", 1)
            if name.endswith(".offsets"):
                continue
            if name.endswith(".values"):
                name = name[: -len(".values")]
                splits.setdefault(split, {})[name] = Ragged.from_arrays(arrays, f"{split}/{name}")
            else:
                splits.setdefault(split, {})[name] = value
        meta = json.loads(bytes(arrays["meta"]).decode()) if "meta" in arrays else {}
        return cls(splits, meta)


def decoder_pair(tokens: list[int], scheme: str, max_len: int) -> tuple[list[int], list[int]]:
    """Input and target of one line in a scheme, cut to ``max_len`` positions."""
    if scheme == "shifted":
        sequence, length = [*tokens, EOS_ID], min(len(tokens), max_len)
    elif scheme == "bos_prefix":
        sequence, length = [BOS_ID, *tokens, EOS_ID], min(len(tokens) + 1, max_len)
    else:
        raise ValueError(f"unknown decoder input scheme {scheme!r}; expected one of {SCHEMES}")
    return sequence[:length], sequence[1 : length + 1]


def target_line_positions(scheme: str, length: int) -> np.ndarray:
    """For each target position, which token of the line it is (1-based; EOS is n + 1)."""
    first = 2 if scheme == "shifted" else 1
    return np.arange(first, first + length)


def token_pairs(
    token_lines: list[list[int]], scheme: str, max_len: int
) -> tuple[Ragged, Ragged, int]:
    """Inputs and targets of many lines, and how many were cut (empty lines are dropped)."""
    inputs, targets, cut = [], [], 0
    for tokens in token_lines:
        if not tokens:
            continue
        x, y = decoder_pair(tokens, scheme, max_len)
        inputs.append(x)
        targets.append(y)
        cut += y[-1] != EOS_ID
    return Ragged.from_rows(inputs), Ragged.from_rows(targets), cut


def note_matrix(row) -> np.ndarray:
    """The (n, 4) note vectors of a table row with ``pitch``, ``duration``, ``rest``, ``position``."""
    return np.stack([np.asarray(row[name], dtype=np.int16) for name in NOTE_FIELDS], axis=1)


def note_windows(melodies: list[np.ndarray], max_notes: int, min_notes: int = 8) -> Ragged:
    """Melodies cut into consecutive windows of at most ``max_notes`` (shorter tails kept if long enough)."""
    windows = []
    for notes in melodies:
        for start in range(0, len(notes), max_notes):
            window = notes[start : start + max_notes]
            if len(window) >= min_notes or (start == 0 and len(window) > 1):
                windows.append(window)
    return Ragged.from_rows(windows, dtype=np.int16, width=len(NOTE_FIELDS))
