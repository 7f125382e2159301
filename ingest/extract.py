"""Turn an uploaded file's bytes into cleaned page texts: PDF, plain text or Markdown."""

from __future__ import annotations

import codecs
import logging
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

import charset_normalizer
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTContainer, LTItem, LTText, LTTextBox
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pypdf import PasswordType, PdfReader
from pypdf.errors import LimitReachedError

from core.errors import IngestError, PasswordRequired
from core.text import clean_text, count_noun, is_cjk, safe_display_name, unwrap_lines
from ingest import images, pdfium
from ingest.ocr import OcrLine
from ingest.ocr import read_image as ocr_image

# progress(stage, done, total): stage is "reading" or "OCR".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Page:
    """One page's text; number is 1-based for PDFs and None for text files."""

    number: int | None
    text: str  # cleaned and unwrapped; "" when the page has no usable text
    origin: str = "text"  # "text": the file's own text; "ocr": read from the page's image
    confidence: float | None = None  # OCR's mean confidence, 0-1
    ocr_lines: tuple[OcrLine, ...] = ()  # OCR's lines with their boxes, for highlighting


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile or huge file from exhausting memory or time."""

    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 2000
    max_chars_per_page: int = 500_000  # guards against hostile pages


@dataclass(frozen=True)
class Extracted:
    """A file's pages, every page included, and one-line notes for the user."""

    kind: str  # "pdf", "text" or "image"
    pages: tuple[Page, ...]
    notes: tuple[str, ...]

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def ocr_pages(self) -> int:
        return sum(page.origin == "ocr" for page in self.pages)


_PDF_HEADER = b"%PDF-"
_MAX_HEADER_OFFSET = 1024  # PDF readers accept this much junk before the header
_TEXT_SAMPLE = 200_000  # characters of a text file checked for binary junk


def extract(
    data: bytes,
    name: str,
    *,
    password: str | None = None,
    limits: Limits = Limits(),
    ocr: bool = True,
    on_progress: Progress | None = None,
) -> Extracted:
    """Extract the pages of a PDF, image or text file; raise IngestError with a one-line message.

    With ocr, pages without usable text and image files are read by OCR (seconds per page).
    """
    label = safe_display_name(name)  # name is only ever shown, never used as a path
    progress = on_progress or _no_progress
    check_size(label, len(data), limits)
    if not data.strip():
        raise IngestError(f"{label}: the file is empty")
    start = _pdf_offset(data, label)
    if start is not None:
        return _extract_pdf(data[start:], label, password, limits, ocr, progress)
    if label.lower().endswith(".pdf"):
        raise IngestError(f"{label}: not a PDF file (it has no PDF header)")
    if images.is_image(data, label):
        return _extract_image(data, label, ocr, progress)
    return _extract_text_file(data, label)


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def _extract_image(data: bytes, label: str, ocr: bool, progress: Progress) -> Extracted:
    image = images.load(data, label)
    if not ocr:
        raise IngestError(f"{label}: an image is read by OCR, which is turned off")
    progress("OCR", 0, 1)
    result = ocr_image(image)
    progress("OCR", 1, 1)
    text = unwrap_lines(clean_text(result.text))
    if not text:
        raise IngestError(f"{label}: OCR found no text in this image; nothing to index")
    page = Page(None, text, "ocr", result.confidence, result.lines)
    return Extracted("image", (page,), (f"read by OCR (mean confidence {result.confidence:.2f})",))


# ---------------------------------------------------------------------------------------------
# Text files


def _extract_text_file(data: bytes, label: str) -> Extracted:
    text, guessed = _decode(data, label)
    if not text.strip():
        raise IngestError(f"{label}: the file is empty")
    if looks_unusable(text[:_TEXT_SAMPLE]):
        raise IngestError(f"{label}: unsupported file type: not a PDF or text file")
    if label.lower().endswith((".md", ".markdown")):
        text = _markdown_blocks(text)
    cleaned = unwrap_lines(clean_text(text))
    if not cleaned:
        raise IngestError(f"{label}: the file is empty")
    notes = (f"text encoding guessed as {guessed}",) if guessed else ()
    return Extracted("text", (Page(None, cleaned),), notes)


_MARKDOWN_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$")
_ITEM_MARK = r"[-*+] |\d{1,9}[.)] |> ?"  # a list item or a quote
_FENCE_MARK = r"```|~~~"
_MARKDOWN_BLOCK = re.compile(rf"^ {{0,3}}({_ITEM_MARK}|{_FENCE_MARK}|\|)")
_MARKDOWN_FENCE = re.compile(rf"^ {{0,3}}({_FENCE_MARK})")
_MARKDOWN_ITEM = re.compile(rf"^\s*({_ITEM_MARK})")  # nested ones too
# ![alt](target "title") and [text](target "title"): the words stay, the target goes.
_MARKDOWN_TARGET = r"\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)"
_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]" + _MARKDOWN_TARGET)
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]" + _MARKDOWN_TARGET)
_MARKDOWN_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s+\S+")  # [id]: https://... "title"
_HTML_TAG = re.compile(
    r"</?(?:a|img|p|div|span|br|hr|picture|source|h[1-6]|b|i|em|strong|sub|sup|details|summary"
    r"|table|thead|tbody|tr|td|th|center|kbd)\b[^>]*>",
    re.IGNORECASE,
)


def _markdown_blocks(text: str) -> str:
    """Markdown headings and list, quote, table and code lines as paragraphs of their own, and
    links, images and HTML tags as their words (outside code).

    Otherwise unwrapping would glue a heading onto the paragraph below it; heading marks go. A
    README's badge row ([![PyPI version](https://img.shields.io/...)](https://pypi.org/...))
    would be indexed, embedded and quoted as a wall of URLs.
    """
    lines = []
    in_code = in_item = False
    for line in text.splitlines():
        if _MARKDOWN_FENCE.match(line):
            in_code = not in_code
        elif not in_code:
            if _MARKDOWN_REFERENCE.match(line):
                continue
            line = _MARKDOWN_LINK.sub(r"\1", _MARKDOWN_IMAGE.sub(r"\1", line))
            line = _HTML_TAG.sub("", line)
            if (
                in_item
                and line.startswith("  ")
                and line.strip()
                and not _MARKDOWN_ITEM.match(line)
            ):
                lines.insert(len(lines) - 1, line)  # a wrapped item's next line: the same item
                continue
        heading = _MARKDOWN_HEADING.match(line)
        in_item = False
        if heading:
            lines += ["", heading.group(1), ""]
        elif _MARKDOWN_BLOCK.match(line):
            lines += ["", line, ""]
            in_item = not in_code and _MARKDOWN_ITEM.match(line) is not None
        else:
            lines.append(line)
    return "\n".join(lines)


def _decode(data: bytes, label: str) -> tuple[str, str | None]:
    """The text and, when it had to be guessed, the name of its encoding."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), None
    try:
        # utf-8-sig drops a BOM; surrogatepass keeps lone surrogates for clean_text to drop.
        return data.decode("utf-8-sig", errors="surrogatepass"), None
    except UnicodeDecodeError:
        pass
    # Legacy text encodings never produce NUL bytes; binary files nearly always hold some.
    if b"\x00" not in data:
        best = charset_normalizer.from_bytes(data).best()
        if best is not None:
            return str(best), best.encoding
    raise IngestError(f"{label}: unsupported file type: not a PDF or text file")


# ---------------------------------------------------------------------------------------------
# PDF files

# pypdf reports the repairs it makes in non-strict mode only as logged warnings.
_XREF_REPAIR = re.compile(
    r"xref|wrong pointing object|object \d+ \d+ (found|not defined)|ref repaired|EOF marker"
    r"|/Catalog|Root (object|found)",
    re.IGNORECASE,
)


def _pdf_offset(data: bytes, label: str) -> int | None:
    """Where the PDF header starts, or None when the data is not a PDF."""
    start = data.find(_PDF_HEADER, 0, _MAX_HEADER_OFFSET + len(_PDF_HEADER))
    if start <= 0:
        return None if start < 0 else 0
    # Junk before the header is tolerated, but a text file may merely mention "%PDF-":
    # believe the header only when the name or the end-of-file marker agrees.
    if label.lower().endswith(".pdf") or b"%%EOF" in data[-1024:]:
        return start
    return None


def _extract_pdf(
    data: bytes, label: str, password: str | None, limits: Limits, ocr: bool, progress: Progress
) -> Extracted:
    # pypdf checks structure, encryption and limits before PDFium reads anything.
    with _pypdf_warnings() as warnings:
        reader, used_password = _open_pdf(data, label, password)
        count = _page_count(reader, label, limits)
        _check_content_streams(reader, count, label)
    notes = []
    if any(_XREF_REPAIR.search(message) for message in warnings):
        notes.append("recovered a damaged cross-reference table")

    raw, errors, opened = _pdfium_texts(data, used_password, count, progress)
    if not opened:
        notes.append(f"PDFium could not open the file ({errors[1]}); read with pdfminer")
    cut: set[int] = set()
    lines = {n: _cap(text, n, limits, cut).split("\n") for n, text in raw.items()}
    dropped = _drop_junk_lines(lines)

    # Pages PDFium could not read, or read as junk only, get a second chance with pdfminer.six.
    retry = [n for n in range(1, count + 1) if n in errors or not _has_text(lines[n])]
    second = _second_extractor(data, retry, used_password) if retry else {}
    recovered, missing = [], []
    for number in retry:
        text = _cap(second.get(number, ""), number, limits, cut)
        candidate = {number: text.split("\n")}
        _drop_junk_lines(candidate)
        if _has_text(candidate[number]):
            lines[number] = candidate[number]
            recovered.append(number)
        else:
            lines[number] = []
            missing.append(number)

    running = _running_lines(lines)
    contents = _contents_pages(lines)
    pages = {n: Page(n, unwrap_lines(clean_text("\n".join(lines[n])))) for n in lines}
    if ocr and opened and missing:
        unreadable = [n for n in missing if n in errors]
        if unreadable:  # PDFium failed on them: OCR of the rendered page is the last try
            notes.append(f"PDFium could not read {_pages(unreadable)} ({errors[unreadable[0]]})")
        pages.update(_ocr_pages(data, used_password, missing, progress, notes))
    elif missing:
        unreadable = [n for n in missing if n in errors]
        no_layer = [n for n in missing if n not in errors]
        if unreadable:
            first_error = errors[unreadable[0]]
            notes.append(f"{_pages(unreadable)} could not be read ({first_error}; not indexed)")
        if no_layer:
            why = "OCR is off" if opened else "cannot be rendered for OCR"
            notes.append(f"no text layer on {_pages(no_layer)} ({why}; not indexed)")

    if cut:
        limit = limits.max_chars_per_page
        notes.append(f"text of {_pages(sorted(cut))} cut at {limit:,} characters")
    if recovered and opened:
        notes.append(f"{_pages(recovered)} read with a second extractor")
    if dropped:
        total = sum(dropped.values())
        notes.append(
            f"dropped {count_noun(total, 'line')} of unreadable characters on "
            f"{_pages(sorted(dropped))}"
        )
    if contents:
        notes.append(f"table of contents on {_pages(contents)} not indexed")
    if running:
        shown = "; ".join(
            line if line == "page numbers" else f"“{line}”" for line in running[:_SHOWN_RUNNING]
        )
        more = len(running) - _SHOWN_RUNNING
        shown += f" and {more} more" if more > 0 else ""
        notes.append(f"removed lines repeated on most pages: {shown}")
    return Extracted("pdf", tuple(pages[n] for n in range(1, count + 1)), tuple(notes))


def _pdfium_texts(
    data: bytes, password: str, count: int, progress: Progress
) -> tuple[dict[int, str], dict[int, str], bool]:
    """PDFium's text of every page, the reason for each page it failed on, whether it opened."""
    texts: dict[int, str] = {}
    errors: dict[int, str] = {}
    try:
        with pdfium.opened(data, password) as document:
            for number in range(1, count + 1):
                try:
                    texts[number] = pdfium.page_text(document, number - 1)
                except pdfium.PdfiumFailed as error:
                    errors[number] = _reason(error)
                    texts[number] = ""
                if number % 20 == 0 or number == count:
                    progress("reading", number, count)
    except pdfium.PdfiumFailed as error:
        numbers = range(1, count + 1)
        return dict.fromkeys(numbers, ""), dict.fromkeys(numbers, _reason(error)), False
    return texts, errors, True


def _has_text(lines: list[str]) -> bool:
    return any(line.strip() for line in lines)


def _drop_junk_lines(pages: dict[int, list[str]]) -> dict[int, int]:
    """Drop lines of junk (mojibake) in place; how many went from each page that lost some."""
    verdicts: dict[str, bool] = {}  # identical lines (repeated pages) are judged once
    dropped: dict[int, int] = {}
    for number, lines in pages.items():
        kept = []
        for line in lines:
            if not line.strip():
                kept.append(line)
                continue
            if line not in verdicts:
                verdicts[line] = looks_unusable(line)
            if verdicts[line]:
                dropped[number] = dropped.get(number, 0) + 1
            else:
                kept.append(line)
        pages[number] = kept
    return dropped


# Running headers and footers sit among the first or last lines of a page. Page numbers are
# masked so that they repeat too ("Page 3 of 60", and a front matter's Roman "ii" or "xiv");
# pages that are copies of one another count once, so a file that repeats one page keeps its
# text.
_EDGE_LINES = 3
_MAX_RUNNING_LENGTH = 200
_SHOWN_RUNNING = 5
_PAGE_NUMBER = re.compile(
    r"\d+|\b(?=[ivxlc]+\b)c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})(?<=[ivxlc])\b",
    re.IGNORECASE,
)


def _running_key(line: str) -> str:
    return _PAGE_NUMBER.sub("#", " ".join(line.split())).casefold()


def _edges(lines: list[str]) -> list[int]:
    """Positions of the first and last few non-empty lines."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))


def _running_lines(pages: dict[int, list[str]]) -> list[str]:
    """Remove lines repeated at the top or bottom of most pages, in place; return them once."""
    distinct = {tuple(lines) for lines in pages.values() if _has_text(lines)}
    if len(distinct) < 3:
        return []
    counts: Counter[str] = Counter()
    for lines in distinct:
        counts.update(
            {
                _running_key(lines[i])
                for i in _edges(list(lines))
                if len(lines[i].strip()) <= _MAX_RUNNING_LENGTH
            }
        )
    running = {key for key, n in counts.items() if n > len(distinct) / 2}
    if not running:
        return []
    removed: dict[str, set[str]] = {}  # key -> the lines removed under it
    trimmed = {}
    for number, lines in pages.items():
        drop = {i for i in _edges(lines) if _running_key(lines[i]) in running}
        for i in sorted(drop):
            removed.setdefault(_running_key(lines[i]), set()).add(" ".join(lines[i].split()))
        trimmed[number] = [line for i, line in enumerate(lines) if i not in drop]
    if not any(_has_text(lines) for lines in trimmed.values()):
        return []  # every line "repeats": the pages are the text, not its frame
    pages.update(trimmed)
    # A line that varies only in its numbers is shown as "Page N of N", not as its first copy.
    listed = [
        next(iter(shown)) if len(shown) == 1 else _PAGE_NUMBER.sub("N", min(shown))
        for shown in removed.values()
    ]
    return ["page numbers" if line == "N" else line for line in listed]


# A line of a table of contents ends with a dot leader and a page number ("1.2 What is Debian?
# . . . . 1", "第一章 总则……3"). A page that is mostly such lines lists the document's
# questions and headings beside page numbers: it would outscore, and crowd out of the hits,
# the passages that answer them.
_CONTENTS_ENTRY = re.compile(r"(?:(?:\.\s?){3,}|[…·]{2,})\s*(?:\d+|[ivxlcdm]+)\s*$", re.IGNORECASE)
_MIN_CONTENTS_ENTRIES = 5
_CONTENTS_SHARE = 0.4


def _contents_pages(pages: dict[int, list[str]]) -> list[int]:
    """Empty, in place, the pages that are a table of contents; return their numbers."""
    found = []
    for number, lines in pages.items():
        filled = [line for line in lines if line.strip()]
        entries = sum(1 for line in filled if _CONTENTS_ENTRY.search(line))
        if entries >= _MIN_CONTENTS_ENTRIES and entries >= _CONTENTS_SHARE * len(filled):
            found.append(number)
    if len(found) == sum(1 for lines in pages.values() if _has_text(lines)):
        return []  # a file that is nothing but contents is its own text
    for number in found:
        pages[number] = []
    return found


def _ocr_pages(
    data: bytes, password: str, numbers: list[int], progress: Progress, notes: list[str]
) -> dict[int, Page]:
    """Pages without usable text, rendered by PDFium and read by OCR."""
    pages: dict[int, Page] = {}
    read, empty, failed = [], [], []
    progress("OCR", 0, len(numbers))
    for done, number in enumerate(numbers, start=1):
        try:
            # PDFium's lock is held while rendering only, not for the seconds OCR takes.
            with pdfium.opened(data, password) as document:
                image, _scale = pdfium.render(document, number - 1)
        except pdfium.PdfiumFailed:
            failed.append(number)
            pages[number] = Page(number, "")
            continue
        result = ocr_image(image)
        text = unwrap_lines(clean_text(result.text))
        if text:
            read.append(number)
            pages[number] = Page(number, text, "ocr", result.confidence, result.lines)
        else:
            empty.append(number)
            pages[number] = Page(number, "")
        progress("OCR", done, len(numbers))
    if read:
        notes.append(f"{_pages(read)} read by OCR ({_confidences(pages, read)})")
    if empty:
        notes.append(f"no text layer on {_pages(empty)}, and OCR found no text (not indexed)")
    if failed:
        notes.append(f"{_pages(failed)} could not be rendered for OCR (not indexed)")
    return pages


def _confidences(pages: dict[int, Page], numbers: list[int]) -> str:
    values = [pages[n].confidence for n in numbers if pages[n].confidence is not None]
    return f"mean confidence {sum(values) / len(values):.2f}" if values else "no confidence"


def _check_content_streams(reader: PdfReader, count: int, label: str) -> None:
    """Inflate each page's content streams once, so a decompression bomb is refused early.

    pypdf stops inflating at its output limit; PDFium would not.
    """
    for index in range(count):
        try:
            contents = reader.pages[index].get("/Contents")
            contents = contents.get_object() if contents is not None else None
            streams = contents if isinstance(contents, list) else [contents]
            for stream in streams:
                stream = stream.get_object() if stream is not None else None
                if hasattr(stream, "get_data"):
                    stream.get_data()
        except LimitReachedError as error:
            raise _bomb(label, error) from error
        except Exception:  # a damaged page: PDFium and pdfminer will say what they can read
            continue


def _open_pdf(data: bytes, label: str, password: str | None) -> tuple[PdfReader, str]:
    """An open (and decrypted) reader, with the password that opened it ("" when none)."""
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if not reader.is_encrypted:
            return reader, ""
        # Many PDFs are encrypted with an empty user password just to restrict copying.
        for candidate in ([password] if password else []) + [""]:
            if reader.decrypt(candidate) != PasswordType.NOT_DECRYPTED:
                return reader, candidate
    except LimitReachedError as error:
        raise _bomb(label, error) from error
    except Exception as error:  # pypdf raises many types on a damaged file
        raise IngestError(f"{label}: damaged, could not be read ({_reason(error)})") from error
    if password:
        raise PasswordRequired(f"{label}: wrong password for this encrypted PDF")
    raise PasswordRequired(f"{label}: encrypted; give its password")


def _page_count(reader: PdfReader, label: str, limits: Limits) -> int:
    try:
        count = len(reader.pages)
    except LimitReachedError as error:
        raise _bomb(label, error) from error
    except Exception as error:  # a broken page tree
        raise IngestError(f"{label}: damaged, could not be read ({_reason(error)})") from error
    if count == 0:
        raise IngestError(f"{label}: the PDF has no pages")
    if count > limits.max_pages:
        raise IngestError(f"{label}: {count} pages, more than the limit of {limits.max_pages}")
    return count


def _second_extractor(data: bytes, numbers: list[int], password: str) -> dict[int, str]:
    """pdfminer.six's text of the given 1-based pages; pages it cannot read are left out."""
    # Its lower-level API, unlike extract_text, parses the file once for all pages and lets one
    # bad page fail alone.
    texts: dict[int, str] = {}
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    wanted, last = set(numbers), max(numbers)
    try:
        document = PDFDocument(PDFParser(BytesIO(data)), password=password)
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            if number > last:
                break
            if number in wanted:
                try:
                    interpreter.process_page(page)
                    texts[number] = _layout_text(device.get_result())
                except Exception:  # pdfminer raises many types on a damaged page
                    continue
    except Exception:  # ... and on a damaged file: keep the pages read so far
        pass
    return texts


def _layout_text(item: LTItem) -> str:
    """The text of a pdfminer layout, as pdfminer's own extract_text writes it."""
    if isinstance(item, LTContainer):
        text = "".join(_layout_text(child) for child in item)
    else:
        text = item.get_text() if isinstance(item, LTText) else ""
    return text + "\n" if isinstance(item, LTTextBox) else text


class _WarningCollector(logging.Handler):
    """Keeps the messages of warnings logged by the thread that created it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Other threads (other users' uploads) log to the same global logger.
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@contextmanager
def _pypdf_warnings() -> Iterator[list[str]]:
    collector = _WarningCollector()
    logger = logging.getLogger("pypdf")
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


def _cap(text: str, number: int, limits: Limits, cut: set[int]) -> str:
    if len(text) <= limits.max_chars_per_page:
        return text
    cut.add(number)
    return text[: limits.max_chars_per_page]


def _bomb(label: str, error: Exception) -> IngestError:
    return IngestError(f"{label}: looks like a decompression bomb; not read ({_reason(error)})")


def _reason(error: Exception) -> str:
    """A short, one-line reason from a parser's exception; never a traceback."""
    lines = clean_text(str(error)).splitlines()
    reason = lines[0].rstrip(".") if lines else type(error).__name__
    return reason if len(reason) <= 120 else reason[:119] + "…"


def _pages(numbers: list[int]) -> str:
    """'page 3', 'pages 3, 5' or 'pages 1-4, 7' for sorted page numbers."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs]
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(parts)


def check_size(label: str, size: int, limits: Limits) -> None:
    """Refuse a file over the size limit; callers with a path check before reading it."""
    if size > limits.max_bytes:
        raise IngestError(f"{label}: the file is too large ({_sizes(size, limits.max_bytes)})")


def _sizes(size: int, limit: int) -> str:
    shown, shown_limit = _size(size), _size(limit)
    if shown == shown_limit:  # rounding hid the difference
        shown, shown_limit = f"{size:,} bytes", f"{limit:,} bytes"
    return f"{shown}; the limit is {shown_limit}"


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


# ---------------------------------------------------------------------------------------------
# Telling text from junk
#
# Fonts without a usable ToUnicode map make extractors emit character codes instead of text:
# control, private-use and unassigned code points, replacement characters, or letters scattered
# over many unrelated scripts; text decoded with the wrong codec shows as 'Ã¤'-style pairs.
# So a visible character counts as ordinary when it is a letter, mark, digit, punctuation or
# symbol of an assigned, non-private code point, not U+FFFD, not part of such a pair, and, for
# letters and marks, of one of the text's two most common scripts (all CJK counts as one script;
# Greek as symbols). Text that is under 90% ordinary, or has nothing visible, is unusable.

_MIN_ORDINARY_SHARE = 0.9
_JUNK, _NEUTRAL = "junk", "neutral"
# UTF-8 read as Latin-1 or cp1252: a lead byte followed by as many continuation bytes
# (0x80-0xBF) as it announces, e.g. 'Ã¤' for 'ä', 'â€™' for '’', 'ä¸\xad' for '中'.
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
_CONTINUATIONS = {
    *_CONTINUATION_BYTES.decode("latin-1"),
    *_CONTINUATION_BYTES.decode("cp1252", "ignore"),
}
_CONT = re.escape("".join(sorted(_CONTINUATIONS)))
_LATIN1_MOJIBAKE = re.compile(f"[Â-ß][{_CONT}]|[à-ï][{_CONT}]{{2}}|[ð-ô][{_CONT}]{{3}}|ÿþ|þÿ")


def looks_unusable(text: str) -> bool:
    """True when extracted text is empty or mostly junk rather than readable text (see above)."""
    counts = Counter(text)
    total = junk = 0
    scripts: Counter[str] = Counter()
    for char, n in counts.items():
        kind = _kind(char)
        if kind is None:
            continue
        total += n
        if kind == _JUNK:
            junk += n
        elif kind != _NEUTRAL:
            scripts[kind] += n
    if total == 0:
        return True
    minority = sum(scripts.values()) - sum(n for _, n in scripts.most_common(2))
    mojibake = sum(len(match) for match in _LATIN1_MOJIBAKE.findall(text))
    return total - junk - minority - mojibake < _MIN_ORDINARY_SHARE * total


@lru_cache(maxsize=65536)
def _kind(char: str) -> str | None:
    """None for whitespace, _JUNK, _NEUTRAL (digits, punctuation, symbols) or a script name."""
    category = unicodedata.category(char)
    if category[0] == "Z" or char in "\t\n\r\f\v":
        return None
    if char == "\ufffd" or category in ("Cc", "Co", "Cs", "Cn"):
        return _JUNK
    if category[0] not in "LM":
        return _NEUTRAL
    if is_cjk(char):
        return "CJK"
    script = unicodedata.name(char, "").split(" ")[0]
    # Greek and mathematical letters are everyday symbols in any language's formulas.
    return _NEUTRAL if script in ("", "COMBINING", "GREEK", "MATHEMATICAL") else script
