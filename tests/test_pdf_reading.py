"""Real-world PDF layouts read right: columns, many scripts, junk lines, running headers, scans."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import IngestError
from ingest import ocr
from ingest.extract import extract
from ingest.layout import Run, page_lines
from ingest.pdfium import rect_texts
from tests import pdfs

LEFT = [
    "数据是大模型训练的基础，因此",
    "过滤和处理网页数据非常重要。",
    "这些数据资源需要仔细清洗。",
]
RIGHT = ["模型评测需要覆盖多种任务，", "包括问答、摘要和翻译等方面，", "结果表明规模越大效果越好。"]


def texts(result) -> list[tuple[int | None, str]]:
    return [(page.number, page.text) for page in result.pages]


def test_two_columns_drawn_row_by_row_are_read_column_by_column():
    result = extract(pdfs.two_column_pdf(LEFT, RIGHT), "survey.pdf", ocr=False)
    assert texts(result) == [(1, "".join(LEFT) + "".join(RIGHT))]
    assert result.notes == ()


def test_full_width_title_comes_before_the_columns():
    result = extract(pdfs.two_column_pdf(LEFT, RIGHT, title="大模型综述"), "survey.pdf", ocr=False)
    assert texts(result) == [(1, "大模型综述" + "".join(LEFT) + "".join(RIGHT))]


def test_a_short_heading_atop_a_column_and_ragged_lines_keep_the_columns_apart():
    # The heading is narrower than a column and shares its line with the right column's
    # first; the left column's lines then end further right, each at its own place.
    result = extract(pdfs.two_column_pdf(["摘要", *LEFT], RIGHT), "survey.pdf", ocr=False)
    assert texts(result) == [(1, "摘要" + "".join(LEFT) + "".join(RIGHT))]


def test_a_short_column_keeps_its_place():
    result = extract(pdfs.two_column_pdf(LEFT, RIGHT[:1]), "survey.pdf", ocr=False)
    assert texts(result) == [(1, "".join(LEFT) + RIGHT[0])]


def test_a_thin_glyph_drawn_on_its_own_stays_in_its_line():
    # PDFium boxes 一 drawn alone by its ink: a sliver above the middle of the line's other
    # boxes, which must not make it a line of its own.
    pieces = ["我在18年8月", "1日，入职了", "一", "家北京的公司，职位是测试工程师。"]
    result = extract(pdfs.pieced_lines_pdf([pieces]), "case.pdf", ocr=False)
    assert texts(result) == [(1, "".join(pieces))]


def test_the_blank_half_of_a_full_width_comma_is_no_column_gutter():
    lines = [
        [
            "第十二条 劳动合同分为固定期限劳动合同、",
            "无固定期限劳动合同和以完成一定工作任务为期限的",
        ],
        ["劳动合同。"],
        ["第十三条 固定期限劳动合同，是指用人单位与劳动者约定合同终止时间的劳动合同。"],
        ["经常不刷牙的人：癌症、慢性阻塞性肺病及肝硬化风险分别增加了9%、", "12%和25%，过早死"],
        ["亡风险增加25%。"],
    ]
    result = extract(pdfs.pieced_lines_pdf(lines), "law.pdf", ocr=False)
    assert texts(result) == [(1, "".join(piece for line in lines for piece in line))]


def test_characters_whose_boxes_overlap_a_neighbouring_run_are_read_once():
    # 其他情 | 形 drawn as two runs; 情's ink box reaches 0.1 points into the second rectangle,
    # which PDFium's own reading by rectangle would put in both runs.
    boxes = [(10.0, 0.0, 20.0, 10.0), (20.5, 0.0, 30.6, 10.0), (30.5, 0.0, 40.6, 10.0)]
    boxes += [(40.5, 0.0, 50.0, 10.0), (50.0, 0.0, 50.0, 0.0), (50.0, 0.0, 50.0, 0.0)]
    rects = [(10.0, 0.0, 40.0, 10.0), (40.5, 0.0, 50.0, 10.0)]
    assert rect_texts(rects, "其他情形\r\n", boxes) == ["其他情", "形"]
    # A space between two runs, outside both, goes with the word before it.
    boxes = [(0.0, 0.0, 5.0, 8.0), (5.5, 0.0, 8.0, 0.0), (8.5, 0.0, 13.0, 8.0)]
    assert rect_texts([(0.0, 0.0, 5.0, 8.0), (8.5, 0.0, 13.0, 8.0)], "a b", boxes) == ["a ", "b"]


def test_six_scripts_on_one_page():
    result = extract(pdfs.six_script_pdf(), "hello.pdf", ocr=False)
    assert texts(result) == [(1, " ".join(text for _, text in pdfs.HELLO_WORLD))]
    assert result.notes == ()


def test_mojibake_is_dropped_per_line_and_counted():
    result = extract(pdfs.junk_line_pdf("Readable English line."), "junk.pdf", ocr=False)
    assert texts(result) == [(1, "Readable English line.")]
    assert result.notes == ("dropped 1 line of unreadable characters on page 1",)


def test_ligatures_expanded_and_line_end_hyphens_joined():
    lines = ["The ﬁrst ofﬁce was an extraordi-", "narily well-known ﬂoor."]
    result = extract(pdfs.ligature_pdf(lines), "lig.pdf", ocr=False)
    assert texts(result) == [(1, "The first office was an extraordinarily well-known floor.")]


def test_running_headers_and_page_numbers_removed_and_listed_once():
    bodies = ["第一页的正文内容。", "第二页的正文内容。", "Third page body.", "第四页正文。"]
    header = "© 2024 示例出版社 版权所有"
    result = extract(pdfs.headed_pdf(bodies, header), "book.pdf", ocr=False)
    assert texts(result) == [(n, body) for n, body in enumerate(bodies, start=1)]
    assert result.notes == (f"removed lines repeated on most pages: “{header}”; “Page N of N”",)


def test_bare_page_numbers_are_listed_as_such():
    bodies = ["Alpha page body.", "Beta page body.", "Gamma page body."]
    result = extract(pdfs.headed_pdf(bodies, "Report", footer="{n}"), "r.pdf", ocr=False)
    assert texts(result) == [(n, body) for n, body in enumerate(bodies, start=1)]
    assert result.notes == ("removed lines repeated on most pages: “Report”; page numbers",)


def test_a_front_matters_roman_page_numbers_are_page_numbers_too():
    bodies = [
        "前言的内容。",
        "致谢的内容。",
        "目的说明。",
        "第一章正文。",
        "第二章正文。",
        "附录。",
    ]
    numbers = ["i", "ii", "iii", "1", "2", "3"]
    footer = "Debian 新维护人员手册 {n}"
    result = extract(pdfs.headed_pdf(bodies, "手册", footer, numbers), "guide.pdf", ocr=False)
    assert texts(result) == [(n, body) for n, body in enumerate(bodies, start=1)]
    assert result.notes == (
        "removed lines repeated on most pages: “手册”; “Debian 新维护人员手册 N”",
    )


def test_a_file_repeating_one_page_keeps_its_text():
    result = extract(pdfs.english_pdf(["Same page.\nSecond line."] * 5), "same.pdf", ocr=False)
    assert texts(result) == [(n, "Same page. Second line.") for n in range(1, 6)]
    assert result.notes == ()


def test_a_table_of_contents_is_not_indexed_and_said_so():
    # An FAQ's contents list its questions: indexed, they outscore the answers.
    contents = "Contents\n1 Overview 1\n" + "\n".join(
        f"1.{n} {question} . . . . . . . . . . . . . . {n + 1}"
        for n, question in enumerate(
            ["What is Debian?", "Who founded it?", "How is it said?", "Why free?", "Where?"],
            start=1,
        )
    )
    chinese = "目录\n" + "\n".join(
        f"第{n}章 总则……………{page}" for page, n in enumerate("一二三四五")
    )
    bodies = ["Debian was founded by Ian Murdock in 1993.", "它的名字来自 Debra 和 Ian。"]
    result = extract(pdfs.chinese_pdf([contents, chinese, *bodies]), "faq.pdf", ocr=False)
    assert texts(result) == [(1, ""), (2, ""), (3, bodies[0]), (4, bodies[1])]
    assert result.notes == ("table of contents on pages 1-2 not indexed",)


def test_a_few_dotted_lines_in_a_page_of_text_stay():
    page = "Prices:\ntea . . . . 3\ncoffee . . . . 4\nA long paragraph of ordinary text follows."
    result = extract(pdfs.english_pdf([page]), "menu.pdf", ocr=False)
    assert texts(result) == [(1, " ".join(page.split("\n")))]
    assert result.notes == ()


def _prose(name: str, row: int) -> str:
    return f"{name}{row} is a line of prose in its column"


def test_layout_reads_three_columns_in_order():
    runs = [
        Run(x, 700 - 15 * row, x + 100, 710 - 15 * row, _prose(name, row))
        for x, name in ((300, "b"), (72, "a"), (528, "c"))
        for row in range(3)
    ]
    expected = [_prose(name, row) for name in "abc" for row in range(3)]
    assert page_lines(runs) == expected


def test_layout_reads_a_tables_rows_across():
    # Short lines left of the gutter are a table's cells: each goes with the cells beside it.
    rows = [("Alabama", "1887", "22nd February."), ("Nebraska", "1872", "22nd of April.")]
    runs = [
        Run(x, 700 - 15 * row, x + 6 * len(cell), 710 - 15 * row, cell)
        for row, cells in enumerate([("STATES.", "YEAR", "TIME OF OBSERVANCE."), *rows])
        for x, cell in zip((72, 200, 300), cells, strict=True)
    ]
    assert page_lines(runs) == [
        "STATES. YEAR TIME OF OBSERVANCE.",
        "Alabama 1887 22nd February.",
        "Nebraska 1872 22nd of April.",
    ]


def test_layout_reads_columns_whose_lines_stand_half_a_line_apart():
    # No band holds both columns: each right line overlaps two left ones by less than a third.
    runs = [
        Run(x, 700 - 15 * row - drop, x + 200, 710 - 15 * row - drop, _prose(name, row))
        for x, name, drop in ((72, "a", 0), (320, "b", 7.5))
        for row in range(4)
    ]
    assert page_lines(runs) == [_prose(name, row) for name in "ab" for row in range(4)]


def test_layout_keeps_bullets_with_their_items():
    runs = []
    for row, item in enumerate(["First item of a list", "Second item", "Third item here"]):
        y = 700 - 15 * row
        runs += [Run(72, y, 76, y + 10, "•"), Run(90, y, 90 + 6 * len(item), y + 10, item)]
    assert page_lines(runs) == [
        "• First item of a list",
        "• Second item",
        "• Third item here",
    ]


def test_layout_spaces_words_where_pdfium_read_a_space_or_a_wide_gap_only():
    def glyphs(word: str, x: float, tall: str = "ElHd1") -> list[Run]:
        # One run per glyph, boxed by its ink as PDFium boxes a browser's glyphs: a short 'r'
        # beside a tall 'E', and a '1' whose ink leaves most of its width blank.
        return [
            Run(x + 8 * i, 700, x + 8 * i + 5, 710 if char in tall else 706, char)
            for i, char in enumerate(word)
        ]

    hello = [
        Run(72, 700, 100, 710, "Hello"),
        Run(100, 700, 103, 710, " "),
        Run(105, 700, 140, 710, "world"),
    ]
    assert page_lines(hello) == ["Hello world"]
    assert page_lines(glyphs("Early", 72)) == ["Early"]
    assert page_lines(glyphs("11", 72)) == ["11"]
    # Table cells: a gap wider than the line is high is a space whatever PDFium read.
    assert page_lines([Run(72, 700, 100, 710, "value"), Run(130, 700, 150, 710, "len")]) == [
        "value len"
    ]


def test_layout_reads_justified_lines_inside_a_column_whole():
    # Two justified lines of the left column whose stretched word gaps line up: no columns.
    left = [
        Run(72, 700, 130, 710, "the first item"),
        Run(150, 700, 260, 710, "to be printed there."),
        Run(72, 685, 130, 695, "Gutenberg was"),
        Run(150, 685, 260, 695, "able to convince"),
    ]
    left += [
        Run(72, 700 - 15 * row, 260, 710 - 15 * row, _prose("left", row)) for row in range(2, 6)
    ]
    right = [
        Run(300, 700 - 15 * row, 490, 710 - 15 * row, _prose("right", row)) for row in range(6)
    ]
    assert page_lines(left + right) == [
        "the first item to be printed there.",
        "Gutenberg was able to convince",
        *(_prose("left", row) for row in range(2, 6)),
        *(_prose("right", row) for row in range(6)),
    ]


def test_layout_keeps_an_underscore_in_its_line():
    # An underscore's box lies below its line's descenders; alone it made a line of its own.
    runs = [
        Run(72, 701, 90, 709, "file"),
        Run(90, 699.5, 95, 700, "_"),
        Run(95, 701, 120, 709, "name"),
    ]
    assert page_lines(runs) == ["file_name"]


# --- Pages a browser printed -------------------------------------------------------------------

PRINTED_STYLE = """body { font: 10.5pt/1.4 %s } h2 { font-size: 13pt }
main { columns: 2; column-gap: 8mm } p { text-align: justify }"""
WIDE_MARGINS = "@page { size: A4; margin: 18mm 16mm }"  # the header stands apart from the text


def _printed_page(title: str, sections: list[tuple[str, list[str]]], style: str) -> str:
    body = "".join(
        f"<h2>{heading}</h2>" + "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        for heading, paragraphs in sections
    )
    head = f"<title>{title}</title><style>{style}</style>"
    return f"<html><head>{head}</head><body><h1>{title}</h1><main>{body}</main></body></html>"


def _sections(sentence, heading) -> list[tuple[str, list[str]]]:
    """Twelve sections of four paragraphs of four numbered sentences: three pages and more."""
    numbers = iter(range(1, 200))
    return [
        (heading(part), [" ".join(sentence(next(numbers)) for _ in range(4)) for _ in range(4)])
        for part in range(1, 13)
    ]


@pytest.mark.parametrize(
    ("language", "margins"),
    [("en", WIDE_MARGINS), ("zh", WIDE_MARGINS), ("en", ""), ("zh", "")],
)
def test_a_browser_printed_two_column_page_reads_column_by_column_without_its_frame(
    language, margins
):
    # Chromium's "Save as PDF": justified columns (word gaps as wide as a gutter), bold
    # headings drawn glyph by glyph, and the browser's date, title, address and page count,
    # in smaller print, set apart from the text by wide margins or close to it by its own.
    if language == "en":
        title, font = "Movable type", '"DejaVu Serif", serif'
        sections = _sections(
            lambda n: (
                f"Printer {n} set {n * 7} lines of type in Mainz before the fair of {1400 + n}."
            ),
            lambda part: f"Early workshops {part}",
        )
    else:
        title, font = "活字印刷", '"WenQuanYi Zen Hei", sans-serif'
        sections = _sections(
            lambda n: f"第{n}位印刷工在作坊里排了{n * 7}行活字，赶在{1400 + n}年的集市之前完成。",
            lambda part: f"早期作坊之{part}",
        )
    page = _printed_page(title, sections, margins + PRINTED_STYLE % font)
    result = extract(pdfs.browser_printed_pdf(page), "p.pdf")
    expected = [title, *(text for heading, body in sections for text in (heading, *body))]
    read = " ".join(page.text for page in result.pages)
    if language == "en":
        assert " ".join(read.split()) == " ".join(expected)
    else:
        assert "".join(read.split()) == "".join("".join(expected).split())
    assert len(result.pages) >= 3
    assert result.notes[0].startswith("removed lines repeated on most pages: ")


# --- OCR -----------------------------------------------------------------------------------------

SCAN = ["扫描页面的中文文本识别测试", "Scanned pages are read by OCR"]


def test_scanned_page_read_by_ocr_with_confidence():
    data = pdfs.join_pdfs(pdfs.english_pdf(["A text page."]), pdfs.scanned_pdf([SCAN]))
    stages = []
    result = extract(data, "scan.pdf", on_progress=lambda *args: stages.append(args))
    assert texts(result) == [(1, "A text page."), (2, " ".join(SCAN))]
    first, scanned = result.pages
    assert (first.origin, first.confidence) == ("text", None)
    assert scanned.origin == "ocr" and 0.9 < scanned.confidence <= 1
    assert [line.text for line in scanned.ocr_lines] == SCAN
    assert result.ocr_pages == 1
    assert result.notes == (f"page 2 read by OCR (mean confidence {scanned.confidence:.2f})",)
    assert ("OCR", 1, 1) in stages


def test_words_that_ocr_runs_together_in_small_print_are_spaced_again(monkeypatch):
    text = (
        "The keeper of the lighthouse wrote in his log every evening before he lit the lamp. "
        "He noted the strength of the wind, the height of the swell and the ships that passed "
        "the point, and he kept a separate page for the birds that struck the glass during the "
        "autumn storms. When the supply boat failed to come for three weeks in the winter of "
        "that year, he shared his flour with the family of the fisherman who lived below the "
        "cliff, and the two households ate together until the weather turned and the boat could "
        "cross the bay again."
    )
    scan = pdfs.small_print_scan(text)
    assert extract(scan, "page.jpg").pages[0].text.split() == text.split()
    # As the engine reads it: "winterofthatyear,hesharedhisflourwiththefamilyofthe..."
    monkeypatch.setattr(ocr, "respaced", lambda line, steps: line)
    assert len(extract(scan, "page.jpg").pages[0].text.split()) < 0.8 * len(text.split())


def test_the_columns_of_a_page_photographed_askew_are_read_one_after_the_other():
    left = ["Dogs are welcome on a leash", "in every part of the park", "except the splash pad"]
    left += ["and the fountain, where", "children play in summer."]
    right = ["Parking costs ten dollars", "a day on weekends and", "during special events"]
    right += ["in the garage under", "the concert lawn."]
    photo = pdfs.photographed_columns(left, right, degrees=1.3)
    # Turned 1.3 degrees, each right line stands beside two left ones: the lines are read
    # turned back first.
    assert extract(photo, "faq.jpg").pages[0].text == " ".join(left + right)


def test_each_line_keeps_the_surer_of_two_readings_of_the_same_lines():
    # Read with the angle classifier, a scanned speech's line came back empty (score 0.0): it
    # was turned upside down; read again unturned it says what it says.
    line = np.array([[0, 0], [90, 0], [90, 3], [0, 3]])
    other = line + [0, 5]
    turned = [(line, "", 0.0), (other, "have failed through", 0.98)]
    unturned = [(line, "very sight of the supply.", 0.95), (other, "have failed throngh", 0.71)]
    kept = ocr.likelier_readings(turned, unturned)
    assert [text for _, text, _ in kept] == ["very sight of the supply.", "have failed through"]
    # Two readings that found other lines are not mixed.
    assert ocr.likelier_readings(turned, unturned[:1]) is turned
    moved = [(line + 1, "very sight of the supply.", 0.95), unturned[1]]
    assert ocr.likelier_readings(turned, moved) is turned


def test_ocr_can_be_turned_off():
    result = extract(pdfs.scanned_pdf([SCAN]), "scan.pdf", ocr=False)
    assert texts(result) == [(1, "")]
    assert result.notes == ("no text layer on page 1 (OCR is off; not indexed)",)


def test_image_file_read_by_ocr():
    result = extract(pdfs.text_image(SCAN), "slide.png")
    assert result.kind == "image"
    assert texts(result) == [(None, " ".join(SCAN))]
    assert result.pages[0].origin == "ocr"


def test_image_with_ocr_off_is_refused():
    with pytest.raises(
        IngestError, match=r"^slide\.png: an image is read by OCR, which is turned off$"
    ):
        extract(pdfs.text_image(SCAN), "slide.png", ocr=False)


def test_blank_image_says_ocr_found_nothing():
    blank = pdfs.text_image([])
    with pytest.raises(IngestError, match=r"^blank\.png: OCR found no text in this image; nothing"):
        extract(blank, "blank.png")


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, b"\xff\xd8\xff" + bytes(500)],
    ids=["png", "jpeg"],
)
def test_damaged_image_refused(data):
    with pytest.raises(IngestError, match=r"^photo\.png: damaged image, could not be read"):
        extract(data, "photo.png")


def test_text_named_like_an_image_refused():
    with pytest.raises(IngestError, match=r"^photo\.jpg: not a PNG or JPEG image \(its content"):
        extract(b"just some words", "photo.jpg")


def test_huge_image_refused_before_decoding():
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("1", (20000, 20000), 1).save(buffer, "PNG")  # 400 megapixels, a few KB stored
    message = r"^huge\.png: the image is too large \(more than 60 megapixels\)$"
    with pytest.raises(IngestError, match=message):
        extract(buffer.getvalue(), "huge.png")


def test_huge_pdf_page_rendered_at_a_capped_size():
    from ingest import pdfium

    data = pdfs.scanned_pdf([SCAN])
    with pdfium.opened(data) as document:
        document[0].set_mediabox(0, 0, 14400, 14400)  # the largest page PDF allows: 200 inches
        image, scale = pdfium.render(document, 0)
    assert max(image.size) == pdfium.MAX_RENDER_SIDE
    assert scale == pdfium.MAX_RENDER_SIDE / 14400
