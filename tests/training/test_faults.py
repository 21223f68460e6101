"""Faults: a training run killed at a random step, a checkpoint write cut short."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from melody_to_lyrics.training import checkpoints
from melody_to_lyrics.training.checkpoints import CheckpointError, load_checkpoint, save_checkpoint

PROJECT = Path(__file__).resolve().parents[2]
STEPS = 300


def _train(folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.training.train_briefly", str(folder), str(STEPS)],
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _step(folder: Path) -> int:
    try:
        saved = load_checkpoint(folder / "ckpt" / "last.pt")
    except CheckpointError:
        return -1
    return -1 if saved is None else saved["step"]


@pytest.mark.slow
def test_a_run_killed_at_a_random_step_resumes_to_the_same_weights(tmp_path):
    kill_at = random.Random().randint(20, STEPS - 40)
    killed = _train(tmp_path / "killed")
    deadline = time.time() + 300
    while _step(tmp_path / "killed") < kill_at and killed.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    assert killed.poll() is None, (
        f"the run ended before step {kill_at}: {killed.stderr.read()[-2000:]}"
    )
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    stopped = _step(tmp_path / "killed")
    assert 0 < stopped < STEPS, f"killed at step {stopped}"

    resumed, straight = _train(tmp_path / "killed"), _train(tmp_path / "straight")
    assert resumed.wait() == 0, resumed.stderr.read()[-2000:]
    assert straight.wait() == 0, straight.stderr.read()[-2000:]
    a = load_checkpoint(tmp_path / "straight" / "ckpt" / "last.pt")
    b = load_checkpoint(tmp_path / "killed" / "ckpt" / "last.pt")
    assert a["step"] == b["step"] == STEPS
    for key, value in a["model"].items():
        assert torch.equal(value, b["model"][key]), f"{key} differs after a kill at step {stopped}"


def test_a_checkpoint_write_cut_short_leaves_the_previous_one_loadable(tmp_path, monkeypatch):
    path = tmp_path / "last.pt"
    save_checkpoint({"step": 1, "model": {"w": torch.zeros(3)}}, path)

    def dies_half_way(obj, f):
        f.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt("killed during the write")

    monkeypatch.setattr(checkpoints.torch, "save", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint({"step": 2, "model": {"w": torch.ones(3)}}, path)
    assert load_checkpoint(path)["step"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["last.pt"]  # no half-written file left behind
