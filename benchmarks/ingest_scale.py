"""Ingestion at scale: 1x, 4x and 16x copies of every real file, through `kedro run`.

    python benchmarks/ingest_scale.py [--copies 1 4 16] [--workers 2]

For each size, a copy of the project (its configuration and code) whose raw folders point at
that many copies (links) of ../shared/data's MIDI/KAR files, aligned .npy files and lyric corpus
runs ``kedro run --pipelines=ingest,note_features``. Reported: files/s of ingest, the wall time of
both pipelines, the peak resident memory of the whole run (kedro and its worker processes), and
the disk used by each data layer. The README's estimate for a Lakh-sized corpus comes from here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PROJECT, SHARED_DATA, report, row  # noqa: I001  (benchmarks/ is on the path)

SOURCES = {
    "raw_midi": ["karaoke_tiny", "midi_examples", "hymns"],
    "raw_aligned_npy": ["yu_lmd_sentence"],
    "raw_lyric_text": ["lyrics_corpus"],
}
WRAPPER = (
    "import json, resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(json.dumps({'code': code, 'seconds': time.perf_counter() - start,"
    " 'peak_rss_mib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))\n"
)


def linked_copies(times: int, into: Path) -> dict[str, Path]:
    folders = {}
    for entry, names in SOURCES.items():
        root = into / entry
        for k in range(times):
            for name in names:
                for path in (SHARED_DATA / name).iterdir():
                    target = root / f"copy{k}" / name / path.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.symlink_to(path)
        folders[entry] = root
    return folders


def project_copy(into: Path, folders: dict[str, Path], workers: int) -> Path:
    into.mkdir(parents=True)
    for name in ("pyproject.toml", "conf", "src"):
        source = PROJECT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, into / name)
    env = into / "conf" / "scale"
    env.mkdir()
    catalog = "".join(
        f"{entry}:\n  type: melody_to_lyrics.datasets.RawFolderDataset\n  path: {folder}\n  required: true\n"
        for entry, folder in folders.items()
    )
    (env / "catalog.yml").write_text(catalog)
    (env / "parameters.yml").write_text(
        f"ingest:\n  workers: {workers}\n  progress: false\nnote_features:\n  workers: {workers}\n"
    )
    return into


def disk_per_layer(data: Path) -> dict[str, float]:
    sizes = {}
    for layer in sorted(p for p in data.iterdir() if p.is_dir()):
        total = sum(f.stat().st_size for f in layer.rglob("*") if f.is_file())
        if total:
            sizes[layer.name] = round(total / 2**20, 1)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not all((SHARED_DATA / n).is_dir() for names in SOURCES.values() for n in names):
        sys.exit(f"needs the real files in {SHARED_DATA}")
    kedro = str(Path(sys.executable).parent / "kedro")
    rows, runs = [], {}
    for times in args.copies:
        with tempfile.TemporaryDirectory() as tmp:
            folders = linked_copies(times, Path(tmp) / "raw")
            project = project_copy(Path(tmp) / "project", folders, args.workers)
            env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1"}
            command = [
                sys.executable,
                "-c",
                WRAPPER,
                kedro,
                "run",
                "--env=scale",
                "--pipelines=ingest,note_features",
            ]
            started = time.perf_counter()
            done = subprocess.run(
                command, cwd=project, env=env, capture_output=True, text=True, check=False
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            if result["code"] != 0:
                sys.exit(f"kedro run failed at {times}x:\n{done.stderr[-3000:]}")
            ingest = json.loads(
                (project / "data" / "08_reporting" / "ingest_report.json").read_text()
            )
            runs[times] = {
                "files": ingest["files"],
                "ingest_seconds": ingest["elapsed_s"],
                "ingest_files_per_s": ingest["files_per_s"],
                "run_seconds": round(time.perf_counter() - started, 1),
                "peak_rss_mib": round(result["peak_rss_mib"], 1),
                "disk_mib": disk_per_layer(project / "data"),
            }
        r = runs[times]
        print(f"{times}x: {r}", flush=True)
        rows += [
            row(f"{times}x ({r['files']} files): ingest files/s", r["ingest_files_per_s"]),
            row(f"{times}x: ingest + note_features wall time (s)", r["run_seconds"]),
            row(f"{times}x: peak RSS of the run (MiB)", r["peak_rss_mib"]),
            row(f"{times}x: disk (MiB) {r['disk_mib']}", sum(r["disk_mib"].values())),
        ]
    report("ingest_scale", rows, {"workers": args.workers, "runs": runs})


if __name__ == "__main__":
    main()
