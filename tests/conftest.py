"""Shared test helpers. Tests on ../shared/data skip with a reason when it is absent."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import Result

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"

needs_shared_data = pytest.mark.skipif(
    not SHARED_DATA.is_dir(),
    reason="../shared/data (real evaluation data sets) is not present in this checkout",
)


@pytest.fixture
def shared_example() -> str:
    """The seed page of a translated syndicated copy (../shared/examples)."""
    path = ROOT.parent / "shared" / "examples" / "syndicated-copy-fr.txt"
    if not path.is_file():
        pytest.skip("../shared/examples/syndicated-copy-fr.txt is not present in this checkout")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `redis-server` of our own on a free loopback port, stopped after the session:
    ``redis://127.0.0.1:PORT``. Skips only when the binary is missing (.ci/run installs it)."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis

    workdir = tmp_path_factory.mktemp("redis")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = ["--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir)]
    # the same server also listens on a unix socket (for the unix:// location form)
    args += ["--unixsocket", str(workdir / "redis.sock"), "--unixsocketperm", "700"]
    args += ["--save", "", "--appendonly", "no", "--logfile", str(workdir / "redis.log")]
    proc = subprocess.Popen([exe, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {port}") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def redis_index(redis_server: str) -> str:
    """The location of a new, empty index on the test Redis server (its own key prefix)."""
    return f"{redis_server}/0?prefix=test-{uuid.uuid4().hex[:12]}:"


def assert_one_line_error(result: Result, code: int, *needles: str) -> str:
    """A CLI result that failed with exit `code` and one `dedup: error:` line naming `needles`."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dedup: error: ")
    for needle in needles:
        assert needle in lines[0]
    return lines[0]
