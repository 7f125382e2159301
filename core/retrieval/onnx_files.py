"""ONNX models made once from bundled weights, cached on disk, and opened by ONNX Runtime."""

from __future__ import annotations

import importlib.metadata
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from core.errors import UserError
from core.files import fallback_cache


def cached_model(
    cache: Path, stem: str, packages: Sequence[str], make: Callable[[Path], None]
) -> Path:
    """cache/<stem>-<the packages' versions>.onnx, written by make(path) on first use.

    The versions are in the name, so an upgrade makes a new file; concurrent makers each write
    their own scratch file and the last one's rename wins, whole.
    """
    versions = "-".join(importlib.metadata.version(package) for package in packages)
    name = f"{stem}-{versions}.onnx"
    for folder in (cache, fallback_cache()):
        target = folder / name
        if target.is_file():
            return target
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=folder, prefix=".export-") as scratch:
                made = Path(scratch) / "model.onnx"
                make(made)
                os.replace(made, target)
            return target
        except OSError:  # read-only, not a folder, full
            continue
    raise UserError(f"Nowhere to keep the model file {name}: {cache} cannot be written.")


def quantise_int8(fp32: Path, int8: Path) -> None:
    """Dynamic int8, per channel, matrix multiplications only: quantising every operator moved
    MiniLM's vectors to cosine ~0.93 of the originals, this keeps them at ~0.99."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        fp32, int8, weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"]
    )


def open_session(path: Path, model: str):  # noqa: ANN201 (onnxruntime is imported lazily)
    """An ONNX Runtime session on the CPU, quiet about warnings meant for developers."""
    try:
        import onnxruntime
    except ImportError as error:
        raise UserError(
            f"The model {model!r} needs onnxruntime and onnx: pip install -r requirements.txt"
        ) from error
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
