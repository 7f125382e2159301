"""What the command lines write to a log: a line per file and a summary; chatter on demand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.pdfs import broken_xref_pdf, chinese_pdf

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["长江是中国最长的河流，全长约六千三百公里。" * 12, "龙井茶产自杭州西湖一带。" * 12]


def _ingest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """python -m ingest with stdout and stderr going to pipes, as in CI logs and cron."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ingest",
            *args,
            "--db",
            str(tmp_path / "data"),
            "--model",
            "minilm",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
    )


def test_a_log_gets_one_line_per_file_and_a_summary(tmp_path):
    (tmp_path / "长江.pdf").write_bytes(chinese_pdf(PAGES))
    (tmp_path / "broken.pdf").write_bytes(broken_xref_pdf())  # pypdf logs each repair it makes
    run = _ingest(tmp_path, "长江.pdf", "broken.pdf")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "长江.pdf: indexed: 2 pages, 3 chunks",
        "broken.pdf: indexed: 2 pages, 1 chunk; recovered a damaged cross-reference table",
    ]
    assert run.stderr.splitlines() == [
        "2 indexed, 0 skipped, 0 failed into collection 'library' (minilm)"
    ]


def test_verbose_brings_back_what_the_libraries_log(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(broken_xref_pdf())
    run = _ingest(tmp_path, "broken.pdf", "--verbose")
    assert run.returncode == 0, run.stderr
    assert "WARNING pypdf._reader: Ignoring wrong pointing object" in run.stderr
    assert "\r" not in run.stderr  # no progress bar redraws in a log, even when verbose
