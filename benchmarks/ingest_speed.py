"""Ingestion speed and memory against bare pretty_midi parsing, with 1 and 2 worker processes.

    python benchmarks/ingest_speed.py [--rounds 3]

On the real MIDI/KAR files of ../shared/data (karaoke_tiny, midi_examples, hymns; the demo corpus
when they are absent):

* files/s of the project's ingestion (parse, lyrics, tables, parquet parts; 1 worker) against a
  bare loop that only calls ``pretty_midi.PrettyMIDI`` on the same files. Target: our extraction
  costs at most 25 % on top of parsing;
* the speed-up from 1 to 2 worker processes. Target: >= 1.7x;
* peak resident memory (the main process, and the largest worker) on 1x and 4x the files.
  Target: flat -- memory must not grow with the corpus.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import PROJECT, SHARED_DATA, alternate, report, row  # noqa: I001  (benchmarks/ is on the path)

RUN = Path(__file__).with_name("ingest_run.py")


def midi_files() -> tuple[Path, list[Path], str]:
    folders = [SHARED_DATA / name for name in ("karaoke_tiny", "midi_examples", "hymns")]
    if all(f.is_dir() for f in folders):
        root, source = SHARED_DATA, "../shared/data: karaoke_tiny, midi_examples, hymns"
    else:
        folders, root, source = (
            [PROJECT / "data" / "01_raw" / "midi"],
            PROJECT / "data" / "01_raw" / "midi",
            "demo corpus",
        )
    files = sorted(
        p for f in folders for p in f.rglob("*") if p.suffix.lower() in (".mid", ".midi", ".kar")
    )
    if not files:
        sys.exit(
            "no MIDI files: put ../shared/data beside the project or run `make run` for the demo corpus"
        )
    return root, files, source


def copies(files: list[Path], times: int, into: Path) -> Path:
    """A folder holding ``times`` copies (links) of every file."""
    for k in range(times):
        for i, path in enumerate(files):
            target = into / f"copy{k}" / f"{i:05d}{path.suffix.lower()}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    return into


def ingest(folder: Path, workers: int, files_per_part: int = 64, bare: bool = False) -> dict:
    """One ingestion (or, with ``bare``, the bare pretty_midi loop) in a fresh process."""
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [
                sys.executable,
                str(RUN),
                str(folder),
                "--workers",
                str(workers),
                "--out",
                out,
                "--files-per-part",
                str(files_per_part),
                *(["--bare"] if bare else []),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root, files, source = midi_files()
    with tempfile.TemporaryDirectory() as tmp:
        one = copies(files, 1, Path(tmp) / "x1")
        four = copies(files, 4, Path(tmp) / "x4")
        runs: dict[str, list[dict]] = {"w1": [], "w2": []}

        def ours(workers: int) -> float:
            result = ingest(one, workers)
            runs[f"w{workers}"].append(result)
            return result["seconds"]

        times = alternate(
            {
                "bare": lambda: ingest(one, 1, bare=True)["seconds"],
                "ours_1": lambda: ours(1),
                "ours_2": lambda: ours(2),
            },
            args.rounds,
        )
        memory = {k: ingest(folder, 2) for k, folder in ((1, one), (4, four))}
    overhead = times["ours_1"] / times["bare"] - 1
    speedup = times["ours_1"] / times["ours_2"]
    main_growth = memory[4]["peak_rss_main_mib"] / memory[1]["peak_rss_main_mib"]
    worker_growth = memory[4]["peak_rss_worker_mib"] / memory[1]["peak_rss_worker_mib"]
    n = len(files)
    rows = [
        row("files/s, bare pretty_midi.PrettyMIDI", n / times["bare"]),
        row("files/s, ingest, 1 worker", n / times["ours_1"]),
        row("files/s, ingest, 2 workers", n / times["ours_2"]),
        row("ingest cost on top of parsing (1 worker)", overhead, "<= 0.25", overhead <= 0.25),
        row("speed-up 1 -> 2 workers", speedup, ">= 1.7", speedup >= 1.7),
        row(f"peak RSS main (MiB), {n} files", memory[1]["peak_rss_main_mib"]),
        row(f"peak RSS main (MiB), {4 * n} files", memory[4]["peak_rss_main_mib"]),
        row(f"peak RSS largest worker (MiB), {n} files", memory[1]["peak_rss_worker_mib"]),
        row(f"peak RSS largest worker (MiB), {4 * n} files", memory[4]["peak_rss_worker_mib"]),
        row("main memory 4x / 1x files", main_growth, "<= 1.1 (flat)", main_growth <= 1.1),
        row("worker memory 4x / 1x files", worker_growth, "<= 1.1 (flat)", worker_growth <= 1.1),
    ]
    report(
        "ingest_speed",
        rows,
        {"files": n, "source": source, "rounds": args.rounds, "memory_runs": memory},
    )


if __name__ == "__main__":
    main()
