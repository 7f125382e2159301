"""Real peers for the generation tests: `transformers serve`, and a tiny OpenAI-protocol server.

The tiny server speaks the OpenAI wire format (SSE chunks, error JSON) on 127.0.0.1 for what the
real server cannot be made to do on demand: 401/403/429 answers, a context-length error, a stall.
"""

from __future__ import annotations

import copy
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from core.retrieval.generate import LocalTransformers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def export_folder(local: LocalTransformers, folder: Path) -> Path:
    """Save a GGUF-loaded model as a transformers folder (the server cannot serve GGUF here)."""
    done = folder / "exported.ok"
    if done.is_file():
        return folder
    model = local._model
    config = copy.deepcopy(model.config)  # the loaded model is shared: leave its config alone
    config.architectures = [type(model).__name__]  # a GGUF config names none
    if hasattr(config, "quantization_config"):
        del config.quantization_config  # dequantized on load: plain float weights now
    plain = type(model)(config)
    plain.load_state_dict(model.state_dict())
    plain.save_pretrained(folder)
    local.tokenizer.save_pretrained(folder)
    done.write_text("ok")
    return folder


class ServeProcess:
    """`transformers serve FOLDER` on a free loopback port, pinned to that one model."""

    def __init__(self, folder: Path, log: Path) -> None:
        self.folder, self.port = folder, free_port()
        cli = Path(sys.executable).with_name("transformers")  # this venv's, not PATH's
        assert cli.is_file(), f"no transformers CLI next to {sys.executable}"
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        # One thread: on a small shared machine two torch threads fighting the other processes
        # made the server ten times slower (16 tokens: 67 s against 6 s).
        env["OMP_NUM_THREADS"] = "1"
        self._log = log.open("wb")
        self.log = log
        self.process = subprocess.Popen(
            [cli, "serve", str(folder), "--host", "127.0.0.1", "--port", str(self.port)]
            + ["--device", "cpu", "--format", "quiet"],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + 300
        while True:
            assert self.process.poll() is None, log.read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"{self.base_url[:-3]}/health", timeout=1) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "transformers serve did not answer in 300 s"
            time.sleep(0.2)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def model(self) -> str:
        return str(self.folder)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        self._log.close()


Handler = Callable[[BaseHTTPRequestHandler, dict], None]


class TinyOpenAI:
    """A loopback HTTP server answering /v1/chat/completions with a handler of the test's own."""

    def __init__(self, handle: Handler) -> None:
        self.requests: list[dict] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                headers = {name.lower(): value for name, value in self.headers.items()}
                outer.requests.append({"path": self.path, "headers": headers, **body})
                handle(self, body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def send_error(handler: BaseHTTPRequestHandler, status: int, message: str, code: str) -> None:
    """An error as OpenAI sends it: {"error": {"message", "type", "code"}}."""
    payload = json.dumps(
        {"error": {"message": message, "type": "invalid_request_error", "code": code}}
    ).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


def start_stream(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()


def send_piece(handler: BaseHTTPRequestHandler, text: str) -> None:
    """One chat.completion.chunk server-sent event carrying text."""
    chunk = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "tiny",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
    }
    handler.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
    handler.wfile.flush()


def end_stream(handler: BaseHTTPRequestHandler) -> None:
    handler.wfile.write(b"data: [DONE]\n\n")
    handler.wfile.flush()
