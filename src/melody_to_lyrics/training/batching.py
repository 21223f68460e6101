"""Which rows make the global batch of each training step.

Every epoch is a seeded shuffle of the rows, so the batch of step ``s`` is a function of the seed
and ``s`` alone (a resumed run sees exactly the batches it would have seen). With length
bucketing, each window of ``bucket_batches`` batches of the shuffle is sorted by length before it
is cut into batches, and the batches are then shuffled: a batch holds lines of similar length, so
padding each batch to its longest line (dynamic padding) wastes little -- with plain shuffling, a
batch of 64 lyric lines is padded to nearly the longest line of the corpus.
"""

from __future__ import annotations

import numpy as np

from melody_to_lyrics.training.distributed import DistEnv


class BatchPlan:
    def __init__(
        self,
        lengths: np.ndarray | None,
        batch_size: int,
        seed: int,
        bucket_batches: int = 50,
        n_rows: int | None = None,
    ):
        self.lengths = None if lengths is None else np.asarray(lengths)
        self.n_rows = len(self.lengths) if self.lengths is not None else int(n_rows or 0)
        self.batch_size = max(1, min(batch_size, self.n_rows))
        self.seed = seed
        self.bucket_batches = bucket_batches
        self._epoch: tuple[int, list[np.ndarray]] | None = None

    @property
    def bucketed(self) -> bool:
        return self.lengths is not None and self.bucket_batches > 1

    @property
    def batches_per_epoch(self) -> int:
        if not self.bucketed:
            return self.n_rows // self.batch_size
        window = self.batch_size * self.bucket_batches
        full, rest = divmod(self.n_rows, window)
        return full * self.bucket_batches + rest // self.batch_size

    def _batches(self, epoch: int) -> list[np.ndarray]:
        if self._epoch is not None and self._epoch[0] == epoch:
            return self._epoch[1]
        rng = np.random.default_rng([self.seed, epoch])
        order = rng.permutation(self.n_rows)
        size = self.batch_size
        if not self.bucketed:
            batches = [order[i * size : (i + 1) * size] for i in range(self.batches_per_epoch)]
        else:
            batches = []
            window = size * self.bucket_batches
            for start in range(0, self.n_rows, window):
                chunk = order[start : start + window]
                chunk = chunk[np.argsort(self.lengths[chunk], kind="stable")]
                batches.extend(chunk[i : i + size] for i in range(0, len(chunk) - size + 1, size))
            batches = [batches[i] for i in rng.permutation(len(batches))]
        self._epoch = (epoch, batches)
        return batches

    def rows(self, step: int, env: DistEnv = DistEnv()) -> np.ndarray:
        """This process's rows of the global batch of ``step``."""
        batches = self._batches(step // self.batches_per_epoch)
        return batches[step % self.batches_per_epoch][env.rank :: env.world_size]
