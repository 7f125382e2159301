"""--device for sentence-transformers encoders: auto takes a GPU when torch sees one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from core.errors import UserError
from core.retrieval.encoders import E5_SMALL, MINILM, load_encoder, resolve_device
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
HAS_CUDA = torch.cuda.is_available()


def test_auto_is_cuda_exactly_when_torch_sees_a_gpu():
    assert resolve_device("auto") == ("cuda" if HAS_CUDA else "cpu")
    assert resolve_device(" CPU ") == "cpu"
    assert Settings().device == "auto"
    assert Settings.from_env({"EE_DEVICE": "cpu"}).device == "cpu"


def test_a_named_gpu_must_exist():
    count = torch.cuda.device_count() if HAS_CUDA else 0
    missing = f"cuda:{count}"  # one past the last GPU torch sees
    with pytest.raises(UserError, match=rf"^Device '{missing}' was asked for, but torch sees"):
        resolve_device(missing)
    if HAS_CUDA:
        assert resolve_device("cuda") == "cuda"
    else:
        with pytest.raises(UserError, match=r"^Device 'cuda' was asked for, but torch sees no"):
            resolve_device("cuda")


def test_unknown_devices_are_refused():
    for bad in ("gpu", "tpu", "cuda:x", ""):
        with pytest.raises(
            UserError, match=r"^Unknown device .*: use auto, cpu, cuda, cuda:N or mps"
        ):
            resolve_device(bad)
    with pytest.raises(UserError, match=r"^Unknown device 'gpu'"):
        load_encoder("some/model", device="gpu")


def test_minilm_runs_where_it_is_told_and_gives_the_same_vectors(minilm):
    on_cpu = load_encoder(MINILM, device="cpu")
    assert on_cpu.device == "cpu"
    assert on_cpu._model.device.type == "cpu"
    assert minilm.device == resolve_device("auto")  # the shared fixture loads with auto
    texts = ["FastText builds vectors from character n-grams.", "Rivers carry sediment."]
    np.testing.assert_allclose(
        on_cpu.encode_documents(texts), minilm.encode_documents(texts), atol=2e-3
    )


def test_e5_reports_the_cpu_whatever_it_is_asked(e5):
    assert load_encoder(E5_SMALL, device="cpu").device == "cpu" == e5.device


def test_the_command_line_refuses_a_bad_device_in_one_line(tmp_path):
    note = tmp_path / "rivers.txt"
    note.write_text("Rivers carry sediment to the sea.")
    result = subprocess.run(
        [sys.executable, "-m", "ingest", str(note), "--db", str(tmp_path / "data"), "--model",
         MINILM, "--device", "gpu"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: Unknown device 'gpu': use auto, cpu, cuda, cuda:N or mps."
    )
