"""scripts/serve.sh: a real `chroma run` and real app processes on 127.0.0.1, started and stopped.

Each app is checked the way a browser uses it: a session over Streamlit's websocket runs the
Home page, which must list a collection that lives only in the shared Chroma server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from core.retrieval.store import open_store
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SERVE = ROOT / "scripts" / "serve.sh"
START_S = 180  # two apps and Chroma on a busy 2-core machine
SHARED = "team-shared"


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SERVE), *args], capture_output=True, text=True, timeout=120, env=env, check=False
    )


def home_page_bytes(port: int, timeout_s: float = 120) -> bytes:
    """Run the Home page in a new session over the websocket; every message's bytes, joined."""
    received = []
    with connect(
        f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], open_timeout=30
    ) as websocket:
        websocket.send(BackMsg(rerun_script=ClientState(query_string="")).SerializeToString())
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            data = websocket.recv(timeout=deadline - time.monotonic())
            received.append(data)
            message = ForwardMsg()
            message.ParseFromString(data)
            if message.WhichOneof("type") == "script_finished":
                return b"".join(received)
    raise AssertionError(f"the Home page on port {port} did not finish within {timeout_s} s")


@dataclass
class Team:
    process: subprocess.Popen
    data: Path
    chroma_port: int
    app_ports: list[int]
    output: Path


@pytest.fixture
def team(tmp_path) -> Iterator[Team]:
    chroma_port, first = _free_ports(2)
    while first + 1 == chroma_port or not _port_free(first + 1):  # apps take consecutive ports
        chroma_port, first = _free_ports(2)
    data, output = tmp_path / "data", tmp_path / "serve.out"
    env = {**os.environ, "EE_SERVE_WAIT_S": str(START_S)}
    env.pop("EE_APP_PASSWORD", None)
    args = ["--apps", "2", "--port", str(first), "--chroma-port", str(chroma_port)]
    process = subprocess.Popen(
        [str(SERVE), *args, "--data", str(data)],
        stdout=output.open("w"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    team = Team(process, data, chroma_port, [first, first + 1], output)
    deadline = time.monotonic() + START_S * 2
    while "serving:" not in output.read_text() and process.poll() is None:
        assert time.monotonic() < deadline, output.read_text()
        time.sleep(0.5)
    assert process.poll() is None, output.read_text()
    yield team
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=60)


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_serve_starts_chroma_and_apps_that_share_it_and_stops_them(team: Team):
    children = psutil.Process(team.process.pid).children(recursive=True)
    assert len(children) >= 3  # chroma and two apps (with any helpers they start)
    assert _answers(f"http://127.0.0.1:{team.chroma_port}/api/v2/heartbeat")

    # A collection made through the Chroma server lands in the data folder and is listed by
    # every app process: they all read the one server.
    shared = open_store(Settings(chroma_host="127.0.0.1", chroma_port=team.chroma_port))
    shared.ensure_collection(SHARED, "e5-small", 384)
    assert (team.data / "chroma" / "chroma.sqlite3").is_file()
    for port in team.app_ports:
        assert _answers(f"http://127.0.0.1:{port}/_stcore/health")
        page = home_page_bytes(port)
        assert b"Embedding Explorer" in page
        assert SHARED.encode() in page
        assert (team.data / "logs" / f"app-{port}.log").is_file()

    # While it runs, a second one on the same folder is refused.
    again = _run("--data", str(team.data), "--port", "1", "--chroma-port", "2")
    assert again.returncode == 2
    assert "is already served" in again.stderr

    stopped = _run("stop", "--data", str(team.data))
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout.strip() == "stopped"
    assert team.process.wait(timeout=30) == 0
    assert not any(child.is_running() and child.status() != "zombie" for child in children)
    for port in [team.chroma_port, *team.app_ports]:
        assert not _listening(port)
    assert not (team.data / "run" / "serve.pid").exists()


def test_a_port_in_use_is_refused_before_anything_starts(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _run("--apps", "1", "--chroma-port", str(port), "--data", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: port {port} is in use"
    assert not (tmp_path / "run" / "serve.pid").exists()


def test_bad_arguments_and_stop_without_a_server(tmp_path):
    assert _run("--apps", "two").stderr.strip() == "error: expected a number, got 'two'"
    assert _run("--apps", "0").stderr.strip() == "error: --apps must be at least 1"
    assert _run("--bogus", "1").stderr.startswith("scripts/serve.sh [--apps N]")  # the usage
    result = _run("stop", "--data", str(tmp_path))
    assert result.returncode == 2
    expected = f"error: nothing is serving {tmp_path} (no {tmp_path}/run/serve.pid)"
    assert result.stderr.strip() == expected
