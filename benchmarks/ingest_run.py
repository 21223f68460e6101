"""One ingestion of a folder of MIDI files in a fresh process; prints its figures as JSON.

    python benchmarks/ingest_run.py FOLDER --workers N --out PARTS_FOLDER [--bare]

Used by the ingestion benchmarks: both the ingestion and the bare pretty_midi loop (``--bare``) run
in a fresh process and are timed from after the imports, so neither gets a warmer start; peak
memory (this process and its workers) is measured cleanly.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from melody_to_lyrics.sources.ingest import SourceFolder, ingest_files  # noqa: E402
from melody_to_lyrics.sources.raw_files import ParseOptions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--files-per-part", type=int, default=64)
    parser.add_argument(
        "--bare", action="store_true", help="only call pretty_midi.PrettyMIDI on each file"
    )
    args = parser.parse_args()
    files = []
    for dirpath, _, names in os.walk(args.folder, followlinks=True):
        rel = Path(dirpath).relative_to(args.folder)
        files += [
            (rel / n).as_posix() for n in names if n.lower().endswith((".mid", ".midi", ".kar"))
        ]
    if args.bare:
        import warnings  # noqa: PLC0415

        import pretty_midi  # noqa: PLC0415

        warnings.simplefilter("ignore")
        start = time.perf_counter()
        for name in sorted(files):
            try:
                pretty_midi.PrettyMIDI(str(args.folder / name))
            except Exception:  # noqa: BLE001, S112 -- a file pretty_midi refuses still cost its parse
                continue
        print(json.dumps({"files": len(files), "seconds": time.perf_counter() - start}))
        return
    start = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    for k, (tables, _) in enumerate(
        ingest_files(
            {"midi": SourceFolder(args.folder, tuple(sorted(files)))},
            ParseOptions(),
            workers=args.workers,
            files_per_part=args.files_per_part,
            progress=False,
        )
    ):
        for name, frame in tables.items():
            frame.to_parquet(args.out / f"{name}-{k:05d}.parquet", compression="zstd", index=False)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "files": len(files),
                "seconds": seconds,
                "peak_rss_main_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "peak_rss_worker_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                if args.workers > 1
                else None,
            }
        )
    )


if __name__ == "__main__":
    main()
