"""The command lines with a CLIP collection: ingest pictures and a PDF, search by text and by image.

The tiny random CLIP tests the plumbing and the JSON contract, never retrieval quality.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from tests.test_images import figure_pdf

ROOT = Path(__file__).resolve().parents[1]


def _run(tmp_path: Path, module: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", module, *args, "--db", str(tmp_path / "data")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "HOME": str(tmp_path),
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        },
    )


def test_ingest_then_search_by_text_and_by_image(tmp_path, tiny_clip_folder):
    folder = tmp_path / "in"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for name in ("cat.png", "dog.jpg", "boat.webp"):
        pixels = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)
        Image.fromarray(pixels, "RGB").save(folder / name)
    (folder / "paper.pdf").write_bytes(figure_pdf())
    (folder / "fake.png").write_text("not a picture")
    ingest = _run(
        tmp_path, "ingest", str(folder), "--collection", "pics", "--model", tiny_clip_folder
    )
    assert ingest.returncode == 1, ingest.stderr  # fake.png failed, the others were indexed
    assert "fake.png: failed: not a PNG, JPEG or WebP image" in ingest.stdout
    assert "dog.jpg: indexed: picture, 80 x 60 pixels" in ingest.stdout
    assert "paper.pdf: indexed: 2 pages, " in ingest.stdout and ", 2 figures" in ingest.stdout

    by_text = _run(tmp_path, "core.search", "a photo of a dog", "--collection", "pics", "--json")
    assert by_text.returncode == 0, by_text.stderr
    records = json.loads(by_text.stdout)
    assert [record["rank"] for record in records] == [1, 2, 3, 4, 5]
    assert {record["kind"] for record in records} <= {"image", "text"}

    by_image = _run(
        tmp_path, "core.search", "--image", str(folder / "dog.jpg"), "--collection", "pics",
        "--json", "-k", "20",
    )  # fmt: skip
    assert by_image.returncode == 0, by_image.stderr
    records = json.loads(by_image.stdout)
    first = records[0]
    assert (first["kind"], first["file_name"], first["source"]) == ("image", "dog.jpg", "dog.jpg")
    assert (first["caption"], first["page"]) == ("", None)
    assert first["score"] > 0.999
    figures = [record for record in records if record["kind"] == "image" and record["page"]]
    assert sorted((record["page"], record["caption"]) for record in figures) == [
        (1, "Figure 3: A meander migrating across its floodplain."),
        (2, "图 2. 长江流域的三峡工程"),
    ]
    assert all(record["file_name"] == "paper.pdf" for record in figures)
    passages = [record for record in records if record["kind"] == "text"]
    assert passages and all("file_name" not in record for record in passages)


def test_an_image_query_on_a_text_collection_is_refused_with_a_sentence(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("Rivers shape the land.")
    picture = tmp_path / "q.png"
    Image.new("RGB", (40, 40), "red").save(picture)
    assert (
        _run(tmp_path, "ingest", str(note), "--collection", "t", "--model", "minilm").returncode
        == 0
    )
    result = _run(tmp_path, "core.search", "--image", str(picture), "--collection", "t")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: The collection 't' uses minilm, which reads text only: "
        "searching with a picture needs a collection built with a CLIP model."
    )
    neither = _run(tmp_path, "core.search", "--collection", "t")
    assert neither.returncode == 2
    assert "give a search text or --image PICTURE (one of the two)" in neither.stderr
