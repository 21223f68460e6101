"""The ordered, crash-tolerant process map that ingest and note_features run on."""

import os

import pytest

from melody_to_lyrics.parallel import ordered_map


def square_or_die(x: int) -> int:
    if x == 13:
        os._exit(1)  # a segfault or an out-of-memory kill, as far as the parent can tell
    if x == 7:
        raise ValueError("seven")
    return x * x


def crashed(x: int, err: BaseException) -> str:
    return f"lost {x}: {type(err).__name__}"


@pytest.mark.parametrize("workers", [1, 2])
def test_results_come_back_in_order_and_errors_go_to_the_callback(workers):
    items = [
        i for i in range(20) if workers > 1 or i != 13
    ]  # in-process, 13 would end the test run
    results = list(
        ordered_map(
            square_or_die,
            items,
            workers=workers,
            on_crash=crashed,
            progress=False,
            window_per_worker=2,
        )
    )
    expected = [
        crashed(i, ValueError())
        if i == 7
        else (f"lost {i}: BrokenProcessPool" if i == 13 else i * i)
        for i in items
    ]
    assert results == expected
