"""The whole pipeline on real generated PDFs: ingest, re-ingest, search, delete, bad files, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.retrieval.chunking import ChunkConfig
from core.retrieval.search import search
from core.retrieval.store import open_store
from core.settings import Settings
from ingest.pipeline import Ingestor
from tests import pdfs

ROOT = Path(__file__).resolve().parents[1]

ENGLISH_PAGES = [
    "Rivers shape the land. Water erodes the outer bank of each bend and deposits sand on the "
    "inner bank, so meanders slowly migrate across the floodplain.",
    "Sourdough bread rises because wild yeasts and lactic acid bacteria ferment the flour. The "
    "yeasts release carbon dioxide, which is trapped by the gluten network of the dough.",
    "Johannes Gutenberg built the first practical printing press with movable metal type in "
    "Europe around 1440 in Mainz. His press made books far cheaper to produce.",
]
CHINESE_PAGES = [
    "长江是中国最长的河流，全长约六千三百公里。三峡工程是世界上最大的水利枢纽工程之一。",
    "龙井茶产自浙江杭州西湖一带，是中国最有名的绿茶之一。采摘后的鲜叶要经过摊放和炒制。",
    "嫦娥五号于二零二零年从月球正面采集了约一千七百三十一克月壤样品并带回地球。",
]


def _wrap(pages: list[str], width: int) -> list[str]:
    # Hard-wrapped lines, as real PDFs have them: extraction must join them again.
    return ["\n".join(textwrap.wrap(page, width)) for page in pages]


@pytest.fixture(scope="module")
def english_pdf() -> bytes:
    return pdfs.english_pdf(_wrap(ENGLISH_PAGES, 70))


@pytest.fixture(scope="module")
def chinese_pdf() -> bytes:
    return pdfs.chinese_pdf(_wrap(CHINESE_PAGES, 18))


@pytest.fixture
def ingestor(tmp_path, e5) -> Ingestor:
    store = open_store(Settings(data_dir=tmp_path / "data"))
    yield Ingestor(store=store, encoder=e5, collection="papers", chunking=ChunkConfig(48, 8))
    store.close()


@pytest.mark.parametrize(
    ("question", "expected_page"),
    [
        ("Why does sourdough bread rise?", 2),
        ("Who built the first printing press with movable type in Europe?", 3),
        ("Where is sand deposited in a river bend?", 1),
    ],
)
def test_an_english_question_finds_the_right_page(ingestor, english_pdf, question, expected_page):
    result = ingestor.ingest(english_pdf, "english.pdf")
    assert (result.status, result.pages) == ("indexed", 3)
    best = search(ingestor.store, ingestor.encoder, "papers", question, k=3)[0]
    assert (best.chunk.source, best.chunk.page_start) == ("english.pdf", expected_page)


@pytest.mark.parametrize(
    ("question", "expected_page"),
    [("龙井茶产自哪里？", 2), ("嫦娥五号带回了什么？", 3), ("中国最长的河流是哪条？", 1)],
)
def test_a_chinese_question_finds_the_right_page(ingestor, chinese_pdf, question, expected_page):
    assert ingestor.ingest(chinese_pdf, "中文论文.pdf").status == "indexed"
    best = search(ingestor.store, ingestor.encoder, "papers", question, k=3)[0]
    assert (best.chunk.source, best.chunk.page_start) == ("中文论文.pdf", expected_page)
    assert " " not in best.chunk.text  # wrapped CJK lines joined without spaces


def test_reingesting_an_unchanged_file_is_skipped_and_replace_reindexes(ingestor, english_pdf):
    first = ingestor.ingest(english_pdf, "english.pdf")
    chunks_before = ingestor.store.chunks("papers")
    again = ingestor.ingest(english_pdf, "renamed.pdf")
    assert (again.status, again.detail) == ("skipped", "already indexed as english.pdf")
    assert ingestor.store.chunks("papers") == chunks_before
    replaced = ingestor.ingest(english_pdf, "english.pdf", replace=True)
    assert (replaced.status, replaced.chunks) == ("indexed", first.chunks)
    assert [c.id for c in ingestor.store.chunks("papers")] == [c.id for c in chunks_before]
    assert len(ingestor.store.documents("papers")) == 1


def test_deleting_a_document_removes_all_its_chunks(ingestor, english_pdf, chinese_pdf):
    english = ingestor.ingest(english_pdf, "english.pdf")
    ingestor.ingest(chinese_pdf, "chinese.pdf")
    ingestor.store.delete_document("papers", english.sha256)
    assert [d.source for d in ingestor.store.documents("papers")] == ["chinese.pdf"]
    assert {c.source for c in ingestor.store.chunks("papers")} == {"chinese.pdf"}
    hits = search(ingestor.store, ingestor.encoder, "papers", "sourdough bread", k=10)
    assert {hit.chunk.source for hit in hits} == {"chinese.pdf"}


BAD_FILES = {
    "empty.pdf": b"",
    "not-a-pdf.pdf": b"just some words, not a PDF at all",
    "truncated.pdf": pdfs.truncated_pdf(),
    "zero-pages.pdf": pdfs.zero_page_pdf(),
    "scan.pdf": pdfs.image_only_pdf(),
    "binary.txt": bytes(range(256)) * 8,
}


def test_bad_files_fail_with_a_message_and_change_nothing(ingestor, english_pdf):
    ingestor.ingest(english_pdf, "english.pdf")
    documents, chunks = ingestor.store.documents("papers"), ingestor.store.chunks("papers")
    for name, data in BAD_FILES.items():
        result = ingestor.ingest(data, name)
        assert result.status == "failed", name
        assert result.detail and "\n" not in result.detail and "Traceback" not in result.detail
        assert result.line.startswith(f"{name}: failed: ")
    assert ingestor.store.documents("papers") == documents
    assert ingestor.store.chunks("papers") == chunks


def test_encrypted_pdf_needs_the_right_password(ingestor, english_pdf):
    locked = pdfs.encrypted_pdf(english_pdf, "s3cret")
    assert ingestor.ingest(locked, "locked.pdf").needs_password
    assert ingestor.ingest(locked, "locked.pdf", password="wrong").needs_password
    result = ingestor.ingest(locked, "locked.pdf", password="s3cret")
    assert (result.status, result.pages) == ("indexed", 3)


def test_hostile_file_names_are_only_labels(ingestor, tmp_path):
    result = ingestor.ingest(b"Plain text about nothing in particular.", "../../etc/\x07passwd")
    assert result.source == "passwd"
    assert ingestor.store.documents("papers")[0].source == "passwd"
    assert not (tmp_path / "etc").exists()


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(cwd)},
    )


def test_command_line_ingest_and_search(tmp_path, english_pdf, chinese_pdf):
    folder = tmp_path / "papers"
    (folder / "sub").mkdir(parents=True)
    (folder / "english.pdf").write_bytes(english_pdf)
    (folder / "sub" / "中文.pdf").write_bytes(chinese_pdf)
    (folder / "notes.md").write_text("# Notes\n\nFastText builds vectors for unseen words.\n")
    (folder / "broken.pdf").write_bytes(pdfs.truncated_pdf())
    db = ["--db", str(tmp_path / "db"), "--collection", "mylib"]

    run = _cli("-m", "ingest", str(folder), *db, cwd=tmp_path)
    assert run.returncode == 1, run.stderr  # one file failed, the others went in
    lines = run.stdout.strip().splitlines()
    assert lines[0].startswith("broken.pdf: failed: ")
    assert lines[1:] == [
        "english.pdf: indexed: 3 pages, 1 chunk",  # short pages share one chunk
        "notes.md: indexed: 1 chunk",
        "中文.pdf: indexed: 3 pages, 1 chunk",
    ]

    (folder / "broken.pdf").unlink()
    run = _cli("-m", "ingest", str(folder), *db, cwd=tmp_path)
    assert run.returncode == 0
    assert run.stdout.count("skipped: already indexed") == 3

    run = _cli("-m", "core.search", "龙井茶产自哪里？", *db, "-k", "2", "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert len(results) == 2
    assert {"text", "source", "page", "score", "chunk_id"} <= set(results[0])
    assert (results[0]["source"], results[0]["page"], results[0]["page_end"]) == ("中文.pdf", 1, 3)
    assert "龙井茶产自浙江杭州西湖一带" in results[0]["text"]
    assert results[0]["score"] >= results[1]["score"]

    run = _cli("-m", "core.search", "unseen words", *db, "--model", "minilm", cwd=tmp_path)
    assert run.returncode == 2
    assert "was built with model 'e5-small'" in run.stderr
