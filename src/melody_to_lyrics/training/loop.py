"""The training loop shared by the three objectives.

AdamW with linear warmup and cosine decay, gradient clipping, dynamic padding, bf16 autocast and
optional ``torch.compile`` on CUDA, the device chosen automatically, everything seeded. The batch
of step ``s`` is a pure function of the seed and ``s`` (see :mod:`~melody_to_lyrics.training.batching`:
seeded shuffles, lines of similar length together), and the learning rate too, so a run resumed from a checkpoint continues exactly where it stopped and ends
with the same weights as one that never stopped.

Every run logs to TensorBoard (losses, the comparable loss, learning rate, gradient norm,
tokens/s, sample text at each evaluation), shows a tqdm bar, writes ``last.pt`` every
``checkpoint_every`` steps and at the end, and keeps ``best.pt``, the weights with the lowest
validation loss. Re-running resumes from ``last.pt`` unless ``fresh_start`` is set or the data
or configuration changed. Under ``torchrun`` the model is wrapped in DDP and only rank 0 logs
and writes files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from tqdm.auto import tqdm

from melody_to_lyrics.training.batching import BatchPlan
from melody_to_lyrics.training.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from melody_to_lyrics.training.distributed import DistEnv, pick_device
from melody_to_lyrics.training.objectives import Objective

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 300
    batch_size: int = 64  # global: split across processes under DDP
    learning_rate: float = 1e-3
    min_lr_ratio: float = 0.1
    warmup_steps: int = 30
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    length_bucketing: bool = True  # batches of lines of similar length (see training/batching.py)
    bucket_batches: int = 50
    eval_every: int = 100
    eval_batch_size: int = 256
    eval_max_rows: int = 2000
    checkpoint_every: int = 100
    log_every: int = 10
    samples: int = 3
    seed: int = 0
    device: str = "auto"
    bf16: bool = True  # on CUDA only
    compile: bool = False  # on CUDA only
    fresh_start: bool = False
    progress: bool = True


@dataclass
class FitResult:
    state_dict: dict[
        str, torch.Tensor
    ]  # the best weights by validation loss (the last without validation)
    metrics: dict
    curve: pd.DataFrame


def learning_rate(step: int, config: TrainConfig) -> float:
    """Linear warmup to the peak, then cosine decay to ``min_lr_ratio`` of it at the last step."""
    if step < config.warmup_steps:
        return config.learning_rate * (step + 1) / config.warmup_steps
    span = max(config.steps - config.warmup_steps, 1)
    progress = min((step - config.warmup_steps) / span, 1.0)
    floor = config.learning_rate * config.min_lr_ratio
    return floor + 0.5 * (config.learning_rate - floor) * (1 + math.cos(math.pi * progress))


def _optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    decay, no_decay = [], []
    seen: set[int] = set()
    for name, parameter in model.named_parameters():
        if not parameter.requires_grad or id(parameter) in seen:
            continue
        seen.add(id(parameter))
        (
            decay
            if parameter.dim() >= 2 and "embed" not in name and "position" not in name
            else no_decay
        ).append(parameter)
    groups = [
        {"params": decay, "weight_decay": config.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=config.learning_rate, betas=(0.9, 0.95))


def fingerprint(
    model: nn.Module, objective: Objective, config: TrainConfig, model_config: dict
) -> str:
    """Identifies a run: what would make a checkpoint of another run unusable here."""
    digest = hashlib.sha1(json.dumps(model_config, sort_keys=True, default=str).encode())
    kept = {
        k: v
        for k, v in asdict(config).items()
        if k
        not in (
            "fresh_start",
            "progress",
            "device",
            "eval_every",
            "checkpoint_every",
            "log_every",
            "samples",
        )
    }
    digest.update(json.dumps(kept, sort_keys=True).encode())
    for key, value in sorted(objective.examples.to_arrays().items()):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    return digest.hexdigest()


@torch.no_grad()
def mean_losses(
    model: nn.Module,
    objective: Objective,
    split: str,
    *,
    batch_size: int = 256,
    max_rows: int | None = None,
    device: torch.device = torch.device("cpu"),
    env: DistEnv = DistEnv(),
    autocast=nullcontext,
) -> dict[str, float]:
    """Teacher-forced mean loss (and the objective's extra metrics) over the first rows of a split.

    Rows are shared out among processes and the sums added up, so every process gets the same means.
    """
    n = objective.rows(split) if max_rows is None else min(objective.rows(split), max_rows)
    if n == 0:
        return {}
    was_training = model.training
    model.eval()
    rows = np.arange(n)[env.rank :: env.world_size]
    sums: dict[str, list[float]] = {"loss": [0.0, 0.0]}
    for start in range(0, len(rows), batch_size):
        batch = {
            k: v.to(device)
            for k, v in objective.batch(split, rows[start : start + batch_size], step=0).items()
        }
        with autocast():
            parts = objective.loss(model, batch)
        sums["loss"][0] += float(parts.total)
        sums["loss"][1] += parts.count
        for name, (total, count) in parts.extra.items():
            sums.setdefault(name, [0.0, 0.0])
            sums[name][0] += total
            sums[name][1] += count
    model.train(was_training)
    names = sorted(sums)
    totals = env.all_sum(*[x for name in names for x in sums[name]])
    return {
        name: totals[2 * i] / totals[2 * i + 1]
        for i, name in enumerate(names)
        if totals[2 * i + 1] > 0
    }


class Trainer:
    """One training run: the model, its objective, where it writes."""

    def __init__(
        self,
        model: nn.Module,
        objective: Objective,
        config: TrainConfig,
        *,
        model_config: dict,
        checkpoint_dir: Path,
        tensorboard_dir: Path | None,
        stop_after: int | None = None,
    ):
        self.env = DistEnv.from_environment()
        self.device = pick_device(config.device, self.env)
        self.env.start(self.device)
        self.model = model
        self.objective = objective
        self.config = config
        self.model_config = model_config
        self.checkpoint_dir = Path(checkpoint_dir)
        self.tensorboard_dir = tensorboard_dir
        self.stop_after = stop_after  # tests: leave the run as if killed after this many steps
        self.use_cuda = self.device.type == "cuda"

    def _autocast(self):
        if self.use_cuda and self.config.bf16:
            return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
        return nullcontext()

    def _to_device(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {k: v.to(self.device, non_blocking=True) for k, v in batch.items()}

    def _resume(self, optimizer: torch.optim.Optimizer, run_id: str) -> dict:
        state = {
            "step": 0,
            "curve": [],
            "best_loss": math.inf,
            "best_step": -1,
            "seconds": 0.0,
            "tokens": 0,
        }
        if self.env.is_main:  # half-written checkpoints of a run that was killed while saving
            for stale in self.checkpoint_dir.glob(".*.pt.*.tmp"):
                stale.unlink(missing_ok=True)
        if self.config.fresh_start:
            return state
        try:
            saved = load_checkpoint(self.checkpoint_dir / "last.pt")
        except CheckpointError as err:
            logger.warning("%s; starting from scratch", err)
            return state
        if saved is None:
            return state
        if saved.get("run_id") != run_id:
            logger.warning(
                "the checkpoint in %s is of another run (data or settings changed): starting from scratch",
                self.checkpoint_dir,
            )
            return state
        self.model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        torch.set_rng_state(saved["rng"]["torch"])
        if self.use_cuda and saved["rng"].get("cuda"):
            torch.cuda.set_rng_state_all(saved["rng"]["cuda"])
        logger.info("resuming from %s at step %d", self.checkpoint_dir / "last.pt", saved["step"])
        return {k: saved[k] for k in state}

    def _checkpoint(self, optimizer: torch.optim.Optimizer, state: dict, run_id: str) -> None:
        if not self.env.is_main:
            return
        rng = {
            "torch": torch.get_rng_state(),
            "cuda": torch.cuda.get_rng_state_all() if self.use_cuda else [],
        }
        save_checkpoint(
            {
                **state,
                "run_id": run_id,
                "model": self.model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": {"step": state["step"], "kind": "warmup_cosine"},
                "rng": rng,
            },
            self.checkpoint_dir / "last.pt",
        )

    def evaluate(self, forward_model: nn.Module, split: str = "validation") -> dict[str, float]:
        """Mean loss (and extra metrics) over up to ``eval_max_rows`` rows of a split, all processes together."""
        return mean_losses(
            forward_model,
            self.objective,
            split,
            batch_size=self.config.eval_batch_size,
            max_rows=self.config.eval_max_rows,
            device=self.device,
            env=self.env,
            autocast=self._autocast,
        )

    def fit(self) -> FitResult:
        config, env = self.config, self.env
        torch.manual_seed(config.seed)
        if self.use_cuda:
            torch.cuda.manual_seed_all(config.seed)
        self.model.to(self.device)
        optimizer = _optimizer(self.model, config)
        run_id = fingerprint(self.model, self.objective, config, self.model_config)
        state = self._resume(optimizer, run_id)
        self.model.to(self.device)
        forward_model: nn.Module = self.model
        if env.enabled:
            forward_model = DistributedDataParallel(
                self.model, device_ids=[self.device.index] if self.use_cuda else None
            )
        if config.compile and self.use_cuda:
            forward_model = torch.compile(forward_model)
        writer = None
        if env.is_main and self.tensorboard_dir is not None:
            from torch.utils.tensorboard import SummaryWriter  # noqa: PLC0415

            writer = SummaryWriter(str(self.tensorboard_dir), purge_step=state["step"] or None)
        n_train = self.objective.rows("train")
        if n_train == 0:
            raise ValueError(f"{self.objective.name}: no training examples")
        plan = BatchPlan(
            self.objective.lengths("train") if config.length_bucketing else None,
            config.batch_size,
            config.seed,
            config.bucket_batches,
            n_rows=n_train,
        )
        bar = tqdm(
            total=config.steps,
            initial=state["step"],
            desc=self.objective.name,
            disable=not (config.progress and env.is_main),
            dynamic_ncols=True,
            mininterval=2.0,
        )
        window_loss, window_count, window_tokens, window_start = 0.0, 0, 0, time.perf_counter()
        best_state = None
        if state["best_step"] >= 0 and (self.checkpoint_dir / "best.pt").exists():
            best_state = (load_checkpoint(self.checkpoint_dir / "best.pt") or {}).get("model")
        forward_model.train()
        step = state["step"]
        while step < config.steps:
            if self.stop_after is not None and step >= self.stop_after:
                break
            lr = learning_rate(step, config)
            for group in optimizer.param_groups:
                group["lr"] = lr
            batch = self._to_device(self.objective.batch("train", plan.rows(step, env), step))
            with self._autocast():
                parts = self.objective.loss(forward_model, batch, extras=False)
            global_count, global_loss, global_tokens = env.all_sum(
                parts.count, float(parts.total.detach()), parts.tokens
            )
            # The mean over the global batch's targets; DDP averages gradients over processes.
            loss = parts.total / max(global_count, 1.0) * env.world_size
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            grad_norm = float(
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), config.grad_clip)
            )
            optimizer.step()
            step += 1
            window_loss += global_loss
            window_count += int(global_count)
            window_tokens += int(global_tokens)
            state["tokens"] += int(global_tokens)
            if step % config.log_every == 0 or step == config.steps:
                seconds = time.perf_counter() - window_start
                state["seconds"] += seconds
                train_loss = window_loss / max(window_count, 1)
                tokens_per_s = window_tokens / seconds if seconds > 0 else 0.0
                state["curve"].append(
                    {
                        "step": step,
                        "split": "train",
                        "loss": train_loss,
                        "lr": lr,
                        "grad_norm": grad_norm,
                        "tokens_per_s": tokens_per_s,
                    }
                )
                if writer is not None:
                    writer.add_scalar("loss/train", train_loss, step)
                    writer.add_scalar("learning_rate", lr, step)
                    writer.add_scalar("grad_norm", grad_norm, step)
                    writer.add_scalar("tokens_per_s", tokens_per_s, step)
                bar.set_postfix(loss=f"{train_loss:.3f}", tok_s=f"{tokens_per_s:,.0f}")
                window_loss, window_count, window_tokens, window_start = (
                    0.0,
                    0,
                    0,
                    time.perf_counter(),
                )
            if step % config.eval_every == 0 or step == config.steps:
                pause = time.perf_counter()
                validation = self.evaluate(forward_model)
                if validation:
                    state["curve"].append({"step": step, "split": "validation", **validation})
                    if validation["loss"] < state["best_loss"]:
                        state["best_loss"], state["best_step"] = validation["loss"], step
                        best_state = {
                            k: v.detach().cpu().clone() for k, v in self.model.state_dict().items()
                        }
                        if env.is_main:
                            save_checkpoint(
                                {
                                    "model": best_state,
                                    "step": step,
                                    "loss": validation["loss"],
                                    "run_id": run_id,
                                },
                                self.checkpoint_dir / "best.pt",
                            )
                    if writer is not None:
                        for name, value in validation.items():
                            writer.add_scalar(f"{name}/validation", value, step)
                        self.model.eval()
                        for i, text in enumerate(
                            self.objective.samples(self.model, self.device, config.samples)
                        ):
                            writer.add_text(f"samples/{i}", text, step)
                        self.model.train()
                    if env.is_main:
                        message = ", ".join(f"{k} {v:.4f}" for k, v in validation.items())
                        logger.info("%s step %d: validation %s", self.objective.name, step, message)
                window_start += (
                    time.perf_counter() - pause
                )  # evaluation does not count against throughput
            if step % config.checkpoint_every == 0 or step == config.steps:
                state["step"] = step
                self._checkpoint(optimizer, state, run_id)
            bar.update(1)
        state["step"] = step
        bar.close()
        if writer is not None:
            writer.close()
        env.barrier()
        final = {k: v.detach().cpu().clone() for k, v in self.model.state_dict().items()}
        metrics = self._metrics(state)
        return FitResult(
            best_state if best_state is not None else final, metrics, pd.DataFrame(state["curve"])
        )

    def _metrics(self, state: dict) -> dict:
        curve = pd.DataFrame(state["curve"])
        metrics = {
            "objective": self.objective.name,
            "steps": state["step"],
            "processes": self.env.world_size,
            "device": str(self.device),
            "train_seconds": round(state["seconds"], 2),
            "tokens": state["tokens"],
            "tokens_per_s": round(state["tokens"] / state["seconds"], 1)
            if state["seconds"]
            else None,
            "best_step": state["best_step"],
            "parameters": sum(p.numel() for p in self.model.parameters()),
        }
        if len(curve):
            train = curve[curve["split"] == "train"]
            metrics["final_train_loss"] = float(train["loss"].iloc[-1]) if len(train) else None
            validation = curve[curve["split"] == "validation"]
            if len(validation):
                last = validation.iloc[-1].dropna().to_dict()
                metrics.update(
                    {
                        f"final_validation_{k}": float(v)
                        for k, v in last.items()
                        if k not in ("step", "split")
                    }
                )
                metrics["best_validation_loss"] = float(validation["loss"].min())
        return metrics
