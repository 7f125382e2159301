"""Extraction of real PDF and text files: pages, notes and one-line errors."""

from __future__ import annotations

import codecs
import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest
from pypdf import PdfReader

from core.errors import IngestError, PasswordRequired
from ingest.extract import Extracted, Limits, Page, extract, looks_unusable
from tests import pdfs

NO_TEXT_NOTE = "no text layer on {} (OCR is off; not indexed)"
OCR_EMPTY_NOTE = "no text layer on {}, and OCR found no text (not indexed)"
XREF_NOTE = "recovered a damaged cross-reference table"


def texts(result: Extracted) -> list[tuple[int | None, str]]:
    return [(page.number, page.text) for page in result.pages]


def error_of(data: bytes, name: str, **kwargs) -> IngestError:
    with pytest.raises(IngestError) as caught:
        extract(data, name, **kwargs)
    return caught.value


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return pdfs.decompression_bomb_pdf()


# --- PDFs that read well ---------------------------------------------------------------------


def test_english_pages_numbered_and_unwrapped():
    data = pdfs.english_pdf(
        ["First page, line one\nand line two.", "Second page.", "Third page:\nthe end."]
    )
    result = extract(data, "report.pdf")
    assert result == Extracted(
        kind="pdf",
        pages=(
            Page(1, "First page, line one and line two."),
            Page(2, "Second page."),
            Page(3, "Third page: the end."),
        ),
        notes=(),
    )
    assert result.page_count == 3


def test_hyphenated_word_rejoined_across_lines():
    data = pdfs.english_pdf(["Text extraction is a hyph-\nenated craft."])
    assert texts(extract(data, "h.pdf")) == [(1, "Text extraction is a hyphenated craft.")]


def test_chinese_lines_joined_without_spaces():
    data = pdfs.chinese_pdf(["中文文本第一行，\n第二行继续。", "第二页有English混排\n的文字"])
    result = extract(data, "中文.pdf")
    assert texts(result) == [(1, "中文文本第一行，第二行继续。"), (2, "第二页有English混排的文字")]
    assert result.notes == ()


def test_dispatch_by_content_not_extension():
    result = extract(pdfs.english_pdf(["Really a PDF"]), "notes.txt")
    assert result.kind == "pdf"
    assert texts(result) == [(1, "Really a PDF")]


@pytest.mark.parametrize("name", ["junk.pdf", "junk.bin"])
def test_junk_before_pdf_header_tolerated(name):
    data = b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n" + pdfs.english_pdf(["Hi"])
    assert texts(extract(data, name)) == [(1, "Hi")]


def test_junk_beyond_1024_bytes_is_not_a_pdf():
    data = b"x" * 1025 + pdfs.english_pdf(["Hi"])
    assert str(error_of(data, "late.pdf")) == "late.pdf: not a PDF file (it has no PDF header)"


def test_text_mentioning_pdf_header_stays_text():
    data = b"# Notes\n\nA PDF file starts with %PDF-1.7 and ends with a marker.\n"
    result = extract(data, "notes.md")
    assert result.kind == "text"
    assert texts(result) == [
        (None, "Notes\n\nA PDF file starts with %PDF-1.7 and ends with a marker.")
    ]


# --- PDFs that need help -----------------------------------------------------------------------


def test_broken_xref_recovered_with_note():
    result = extract(pdfs.broken_xref_pdf(), "broken.pdf")
    assert texts(result) == [(1, "Recovered page one"), (2, "Recovered page two")]
    assert result.notes == (XREF_NOTE,)


def test_image_only_page_noted_and_kept_empty():
    data = pdfs.join_pdfs(
        pdfs.english_pdf(["Text page"]),
        pdfs.image_only_pdf(2),
        pdfs.english_pdf(["Another text page"]),
        pdfs.image_only_pdf(1),
    )
    result = extract(data, "scan.pdf", ocr=False)
    assert texts(result) == [(1, "Text page"), (2, ""), (3, ""), (4, "Another text page"), (5, "")]
    assert result.notes == (NO_TEXT_NOTE.format("pages 2-3, 5"),)


def test_wholly_image_only_pdf_with_ocr_finding_nothing():
    result = extract(pdfs.image_only_pdf(), "scan.pdf")
    assert texts(result) == [(1, "")]
    assert result.ocr_pages == 0
    assert result.notes == (OCR_EMPTY_NOTE.format("page 1"),)


def test_cid_font_without_unicode_map_read_by_pdfium():
    data = pdfs.join_pdfs(pdfs.english_pdf(["Plain page"]), pdfs.mojibake_pdf())
    result = extract(data, "cid.pdf")
    assert texts(result) == [(1, "Plain page"), (2, pdfs.MOJIBAKE_TEXT)]
    assert result.notes == ()


def test_mojibake_pdf_really_fools_pypdf():
    """pypdf's own text for the fixture must be junk, or the test above proves little."""
    raw = PdfReader(BytesIO(pdfs.mojibake_pdf())).pages[0].extract_text()
    assert raw != pdfs.MOJIBAKE_TEXT
    assert looks_unusable(raw)


def test_corrupt_page_does_not_lose_the_others():
    # PDFium renders the broken page blank; OCR then finds nothing on it.
    result = extract(pdfs.corrupt_page_pdf(), "corrupt.pdf")
    assert texts(result) == [(1, "Page one"), (2, ""), (3, "Page three")]
    assert result.notes == (OCR_EMPTY_NOTE.format("page 2"),)


def test_page_text_capped():
    data = pdfs.english_pdf(["abcdefghijklmnopqrstuvwxyz", "short"])
    result = extract(data, "long.pdf", limits=Limits(max_chars_per_page=10))
    assert texts(result) == [(1, "abcdefghij"), (2, "short")]
    assert result.notes == ("text of page 1 cut at 10 characters",)


# --- Encrypted PDFs ----------------------------------------------------------------------------


def test_encrypted_without_password():
    data = pdfs.encrypted_pdf(pdfs.english_pdf(["Secret"]), "s3cret")
    error = error_of(data, "locked.pdf")
    assert isinstance(error, PasswordRequired)
    assert str(error) == "locked.pdf: encrypted; give its password"


def test_encrypted_wrong_password():
    data = pdfs.encrypted_pdf(pdfs.english_pdf(["Secret"]), "s3cret")
    error = error_of(data, "locked.pdf", password="guess")
    assert isinstance(error, PasswordRequired)
    assert str(error) == "locked.pdf: wrong password for this encrypted PDF"


def test_encrypted_right_password():
    data = pdfs.encrypted_pdf(pdfs.english_pdf(["Secret page", "Second secret"]), "s3cret")
    result = extract(data, "locked.pdf", password="s3cret")
    assert texts(result) == [(1, "Secret page"), (2, "Second secret")]
    assert result.notes == ()


def test_encrypted_password_reaches_pdfium():
    data = pdfs.encrypted_pdf(pdfs.mojibake_pdf(), "s3cret")
    result = extract(data, "locked.pdf", password="s3cret")
    assert texts(result) == [(1, pdfs.MOJIBAKE_TEXT)]
    assert result.notes == ()


def test_encrypted_with_empty_user_password_opens_without_one():
    data = pdfs.encrypted_pdf(pdfs.english_pdf(["Only copying is restricted"]), "")
    assert texts(extract(data, "open.pdf")) == [(1, "Only copying is restricted")]


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\t  \r\n"])
def test_empty_file(data):
    assert str(error_of(data, "empty.txt")) == "empty.txt: the file is empty"


@pytest.mark.parametrize(
    "data", [codecs.BOM_UTF8 + b"  \n", "  \n".encode("utf-16"), "\u200b\u200b".encode()]
)
def test_file_with_nothing_visible_is_empty(data):
    assert str(error_of(data, "blank.txt")) == "blank.txt: the file is empty"


def test_not_a_pdf_despite_name():
    error = error_of(b"Just some text, not a PDF at all.", "fake.pdf")
    assert str(error) == "fake.pdf: not a PDF file (it has no PDF header)"


@pytest.mark.parametrize(
    "data",
    [
        random.Random(0).randbytes(4096),
        random.Random(1).randbytes(4096).replace(b"\x00", b"\x01"),
        b"\x00" * 64,
    ],
    ids=["random", "random-without-nul", "nul-only"],
)
def test_binary_file_rejected(data):
    error = error_of(data, "blob.bin")
    assert str(error) == "blob.bin: unsupported file type: not a PDF or text file"


def test_truncated_pdf():
    error = error_of(pdfs.truncated_pdf(), "cut.pdf")
    assert re.fullmatch(r"cut\.pdf: damaged, could not be read \([^\n]+\)", str(error))


def test_zero_page_pdf():
    assert str(error_of(pdfs.zero_page_pdf(), "none.pdf")) == "none.pdf: the PDF has no pages"


def test_decompression_bomb(bomb):
    error = error_of(bomb, "bomb.pdf")
    assert re.fullmatch(
        r"bomb\.pdf: looks like a decompression bomb; not read \([^\n]+\)", str(error)
    )


def test_over_max_bytes_checked_before_parsing(bomb):
    error = error_of(bomb, "bomb.pdf", limits=Limits(max_bytes=100_000))
    size = f"{len(bomb) / 1024:.1f} KB"
    assert str(error) == f"bomb.pdf: the file is too large ({size}; the limit is 97.7 KB)"


def test_over_max_bytes_text():
    error = error_of(b"a" * 5000, "big.txt", limits=Limits(max_bytes=4096))
    assert str(error) == "big.txt: the file is too large (4.9 KB; the limit is 4.0 KB)"


def test_over_max_bytes_shows_bytes_when_rounding_hides_the_difference():
    error = error_of(b"a" * 4097, "big.txt", limits=Limits(max_bytes=4096))
    assert str(error) == "big.txt: the file is too large (4,097 bytes; the limit is 4,096 bytes)"


def test_over_max_pages():
    data = pdfs.english_pdf(["one", "two", "three"])
    error = error_of(data, "long.pdf", limits=Limits(max_pages=2))
    assert str(error) == "long.pdf: 3 pages, more than the limit of 2"


def test_errors_are_one_line_and_start_with_the_display_name():
    name = "../../secret/Quarterly\nreport\u202e.pdf"
    cases = [
        (b"", {}),
        (b"not a pdf", {}),
        (pdfs.zero_page_pdf(), {}),
        (pdfs.truncated_pdf(), {}),
        (pdfs.encrypted_pdf(pdfs.english_pdf(["x"]), "pw"), {}),
        (pdfs.encrypted_pdf(pdfs.english_pdf(["x"]), "pw"), {"password": "bad"}),
        (pdfs.english_pdf(["x", "y"]), {"limits": Limits(max_pages=1)}),
        (b"a" * 50, {"limits": Limits(max_bytes=10)}),
    ]
    for data, kwargs in cases:
        message = str(error_of(data, name, **kwargs))
        assert "\n" not in message and "Traceback" not in message
        assert message.startswith("Quarterly report.pdf"), message


# --- Text files --------------------------------------------------------------------------------

WRAPPED = "Plain text files are\nhard-wrapped at\nseventy columns.\n\nNew paragraph.\n"
WRAPPED_TEXT = "Plain text files are hard-wrapped at seventy columns.\n\nNew paragraph."


@pytest.mark.parametrize(
    "data",
    [WRAPPED.encode(), codecs.BOM_UTF8 + WRAPPED.encode(), WRAPPED.encode("utf-16")],
    ids=["utf-8", "utf-8-bom", "utf-16-bom"],
)
def test_text_file_unicode_encodings(data):
    assert extract(data, "notes.txt") == Extracted("text", (Page(None, WRAPPED_TEXT),), ())


def test_text_file_crlf():
    data = WRAPPED.replace("\n", "\r\n").encode()
    assert texts(extract(data, "dos.txt")) == [(None, WRAPPED_TEXT)]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "big5"])
def test_chinese_legacy_encodings(encoding):
    text = "这是一个用于测试的中文文本文件，包含一些常见的汉字和标点符号。\n第二行继续。"
    if encoding == "big5":
        text = "繁體中文測試文件，這是一段用於檢測編碼的文字內容。\n第二行繼續。"
    result = extract(text.encode(encoding), "chinese.txt")
    assert texts(result) == [(None, text.replace("\n", ""))]
    assert len(result.notes) == 1 and result.notes[0].startswith("text encoding guessed as ")


def test_markdown_is_text():
    data = b"# Title\n\nSome *markdown*\nwrapped text.\n\n- item one\n"
    result = extract(data, "README.md")
    assert result == Extracted(
        "text", (Page(None, "Title\n\nSome *markdown* wrapped text.\n\n- item one"),), ()
    )


def test_odd_unicode_cleaned():
    text = "a\x00b\u200bc \u202eevil\u202c text\ufeff \U0001f600 cafe\u0301 of\ufb01ce "
    data = text.encode() + b"\xed\xa0\x80" + b"end"  # a lone surrogate, as WTF-8 writes it
    assert texts(extract(data, "odd.txt")) == [(None, "abc evil text 😀 café office end")]


# --- looks_unusable ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Hello world, this is an ordinary sentence.",
        "中文文本 with some English words 和标点。",
        "日本語のテキストです。カタカナもあります。",
        "Привет, мир! Hello, world!",
        "设随机变量X服从参数为λ的泊松分布，其均值μ=λ，方差σ²=λ。",
        "Grüße aus Köln: café, naïve, Übung.",
        "Table 3: 12.5 | 37.0 | 99.9 %",
    ],
)
def test_looks_usable(text):
    assert not looks_unusable(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \n\t ",
        "ᇏ໓໓Чิ౼ҩ൫",  # Adobe-GB1 ids read as UTF-16: scattered over many scripts
        "\x03Khoor\x03zruog\x03wkh\x03ixqg",  # glyph ids: spaces become control characters
        "\ue000\ue001\ue002abc\ue003",  # private use area
        "\ufffd\ufffd\ufffd text",
        "FÃ¼r die GrÃ¶ÃŸe",  # UTF-8 read as Latin-1
        "ä¸\xadæ–‡ text",  # Chinese UTF-8 read as cp1252
        "ÿþH\x00e\x00l\x00l\x00o\x00",  # UTF-16 read as Latin-1
    ],
)
def test_looks_unusable(text):
    assert looks_unusable(text)


# --- Environment -------------------------------------------------------------------------------


def test_repair_notes_stay_with_their_own_thread():
    broken, clean = pdfs.broken_xref_pdf(), pdfs.english_pdf(["Clean"])
    jobs = [(broken, "b.pdf"), (clean, "c.pdf")] * 8
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda job: extract(*job), jobs))
    for (data, _), result in zip(jobs, results, strict=True):
        assert result.notes == ((XREF_NOTE,) if data is broken else ())


def test_ingest_does_not_import_streamlit():
    code = "import sys, ingest.extract; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_markdown_headings_and_list_items_stay_paragraphs_of_their_own():
    text = "# Title\nIntro line one\nline two.\n## Section ##\n- first item\n- second item\nTail."
    (page,) = extract(text.encode(), "notes.md").pages
    assert page.text == (
        "Title\n\nIntro line one line two.\n\nSection\n\n- first item\n\n- second item\n\nTail."
    )
    (plain,) = extract(text.encode(), "notes.txt").pages
    assert plain.text.startswith("# Title Intro line one line two. ## Section ## - first item")


def test_markdown_links_images_and_html_keep_their_words_outside_code():
    text = "\n".join(
        [
            "[![PyPI version](https://img.shields.io/pypi/v/opencc.svg)](https://pypi.org/p/opencc/)",
            '<p align="center"><img src="logo.png" width="80"></p>',
            'See [the design notes](./DESIGN.md "Design") and [![CI](b.svg)](c) (a wiki(1)).',
            "安装见[说明](https://example.com/docs_(zh))。",
            "[docs]: https://example.com/docs",
            "```python",
            "x = '[a](b)' + '<b>'",
            "```",
        ]
    )
    (page,) = extract(text.encode(), "README.md").pages
    assert page.text == (
        "PyPI version\n\nSee the design notes and CI (a wiki(1)). 安装见说明。\n\n"
        "```python\n\nx = '[a](b)' + '<b>'\n\n```"
    )


def test_a_wrapped_markdown_list_item_stays_one_paragraph():
    text = "\n".join(
        [
            "Notes:",
            "- The plugin ABI may still change before the next formal release and",
            "  should not yet be treated as stable.",
            "- Second item.",
            "    * nested item",
            "      wrapped too.",
            "```",
            "- code",
            "  indented code",
            "```",
        ]
    )
    (page,) = extract(text.encode(), "notes.md").pages
    assert page.text.split("\n\n") == [
        "Notes:",
        "- The plugin ABI may still change before the next formal release and should not yet be "
        "treated as stable.",
        "- Second item.",
        "* nested item wrapped too.",
        "```",
        "- code",
        "indented code",
        "```",
    ]
