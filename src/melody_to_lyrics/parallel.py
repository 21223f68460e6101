"""An ordered, bounded, crash-tolerant parallel map over processes, with a progress bar.

Results come back in input order (so outputs do not depend on scheduling), at most ``window``
items are in flight (so finished results never pile up in memory), and a worker that dies
(segfault, out of memory) costs only the items it held: they are reported through ``on_crash``
and a fresh pool carries on.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int,
    on_crash: Callable[[T, BaseException], R],
    total: int | None = None,
    desc: str = "",
    unit: str = "file",
    window_per_worker: int = 8,
    progress: bool = True,
) -> Iterator[R]:
    """Yield ``fn(item)`` for each item, in order, computed by ``workers`` processes.

    ``workers <= 1`` runs in this process (no pool), which is easier to debug and profile.
    ``fn`` and the items must be picklable; ``fn`` should catch its own expected errors.
    """
    bar = tqdm(
        total=total, desc=desc, unit=unit, disable=not progress, mininterval=1.0, dynamic_ncols=True
    )
    try:
        if workers <= 1:
            for item in items:
                try:
                    result = fn(item)
                except Exception as err:
                    result = on_crash(item, err)
                bar.update(1)
                yield result
            return
        yield from _pooled(fn, iter(items), workers, on_crash, bar, workers * window_per_worker)
    finally:
        bar.close()


def _pooled(fn, items: Iterator, workers: int, on_crash, bar, window: int) -> Iterator:
    context = multiprocessing.get_context("spawn")  # no fork of a parent that may hold threads
    pending: deque[tuple[object, Future]] = deque()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < window:
                try:
                    item = next(items)
                except StopIteration:
                    exhausted = True
                    break
                try:
                    pending.append((item, pool.submit(fn, item)))
                except BrokenProcessPool:
                    pool = _restart(pool, workers, context)
                    pending.append((item, pool.submit(fn, item)))
            if not pending:
                return
            item, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                # The pool is gone, and any item in flight may have broken it: run this one alone in a
                # fresh pool (an item that breaks a pool on its own is the one to blame), then resend
                # the others.
                pool = _restart(pool, workers, context)
                try:
                    result = pool.submit(fn, item).result()
                except BrokenProcessPool as again:
                    result = on_crash(item, again)
                    pool = _restart(pool, workers, context)
                except Exception as inner:
                    result = on_crash(item, inner)
                pending = deque((i, pool.submit(fn, i)) for i, _ in pending)
            except Exception as err:
                result = on_crash(item, err)
            bar.update(1)
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _restart(pool: ProcessPoolExecutor, workers: int, context) -> ProcessPoolExecutor:
    pool.shutdown(wait=False, cancel_futures=True)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)
