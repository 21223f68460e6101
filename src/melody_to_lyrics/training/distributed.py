"""Data parallelism from ``torchrun``'s environment variables (RANK, WORLD_SIZE, LOCAL_RANK).

Without them everything runs in one process. With them the process group starts once (gloo on
CPU, nccl on GPU), each rank takes its share of every global batch, and only rank 0 logs, writes
TensorBoard, checkpoints and catalog outputs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class DistEnv:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @classmethod
    def from_environment(cls) -> DistEnv:
        return cls(
            rank=int(os.environ.get("RANK", "0")),
            world_size=int(os.environ.get("WORLD_SIZE", "1")),
            local_rank=int(os.environ.get("LOCAL_RANK", "0")),
        )

    def start(self, device: torch.device) -> None:
        """Join the process group (once per process)."""
        if self.enabled and not dist.is_initialized():
            dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")

    def all_sum(self, *values: float | torch.Tensor) -> list[float]:
        """Sums over ranks of a few numbers (the numbers themselves in one process)."""
        tensor = torch.tensor([float(v) for v in values], dtype=torch.float64)
        if self.enabled:
            if dist.get_backend() == "nccl":
                tensor = tensor.cuda()
            dist.all_reduce(tensor)
        return tensor.cpu().tolist()

    def barrier(self) -> None:
        if self.enabled:
            dist.barrier()


def rank_of_this_process() -> int:
    return DistEnv.from_environment().rank


def pick_device(name: str, env: DistEnv) -> torch.device:
    """``auto``: this rank's GPU when there is one, else the CPU."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", env.local_rank)
        return torch.device("cpu")
    return torch.device(name)
