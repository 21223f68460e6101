"""The lineage graph as a user sees it: `kedro viz build`, served on localhost, in headless Chromium.

Chromium is Debian's package: installed here when missing (root and apt-get needed), the test
skipped with the reason otherwise. Every pipeline's page must show all of its nodes; a
screenshot of the default pipeline goes to data/08_reporting/lineage.png.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
KEDRO = str(Path(sys.executable).parent / "kedro")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1600,1000",
    "--virtual-time-budget=15000",
]

pytestmark = pytest.mark.slow


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip(
            "Chromium is not installed and cannot be installed here (needs root and apt-get)"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            pytest.skip(
                f"Chromium could not be installed ({' '.join(command)}: {done.stderr.strip()[-300:]})"
            )
    return shutil.which("chromium") or pytest.skip("Chromium installed but not found on PATH")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    browser = _chromium()
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1"}
    build = subprocess.run(
        [KEDRO, "viz", "build"], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr[-3000:]
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(PROJECT / "build")
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *args: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    profile = tmp_path_factory.mktemp("chromium")
    yield browser, f"http://127.0.0.1:{server.server_address[1]}", profile
    server.shutdown()


def _page(browser: str, url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_pipelines_nodes_appear_in_the_rendered_page(served):
    browser, base, profile = served
    from kedro.framework.project import pipelines  # noqa: PLC0415
    from kedro.framework.startup import bootstrap_project  # noqa: PLC0415

    bootstrap_project(PROJECT)
    for name, pipeline in pipelines.items():
        page = _page(browser, f"{base}/?pid={name}&expandAllPipelines=true", profile, "--dump-dom")
        assert page.returncode == 0, page.stderr[-2000:]
        missing = sorted(
            {
                n.name.split(".")[-1]
                for n in pipeline.nodes
                if n.name.split(".")[-1] not in page.stdout
            }
        )
        assert not missing, f"pipeline {name}: {missing} not in the rendered page"
        namespaces = {n.namespace for n in pipeline.nodes if n.namespace}
        assert all(ns in page.stdout for ns in namespaces), name


def test_a_screenshot_of_the_lineage_graph_is_saved(served):
    browser, base, profile = served
    target = PROJECT / "data" / "08_reporting" / "lineage.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    shot = _page(
        browser,
        f"{base}/?pid=__default__&expandAllPipelines=true",
        profile,
        f"--screenshot={target}",
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert target.stat().st_size > 50_000 and target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
