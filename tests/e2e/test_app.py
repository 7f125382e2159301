"""The app end to end in headless Chromium: upload, index, ask with citations, delete, bad files.

Every test works in collections of its own (fixtures set up what it needs through the UI), so
each one can run alone; the server and its data folder are shared by the whole session.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests import pdfs
from tests.e2e.conftest import ROOT, VIEWPORT, page_errors, screenshot

pytestmark = pytest.mark.browser

INDEX_TIMEOUT_MS = 360_000  # the sample corpus: ~35 s on 2 idle cores, 200+ s on busy ones
NEW_COLLECTION = "➕ New collection…"
PAPERS = "papers"  # sorts first, so it is what a fresh session shows
SAMPLES = ROOT / "samples"

# Each page holds 160-190 of the model's tokens: chunks (200 tokens) then end at page breaks,
# so every passage cites exactly one page.
ENGLISH_PAGES = [
    "Rivers shape the land around them. Water flows fastest along the outer bank of each bend, "
    "where it erodes the soil and undercuts the bank. On the inner bank the current slows down "
    "and drops the sand and gravel it carries, building a point bar. Over many years the outer "
    "bank retreats while the point bar grows, so meanders slowly migrate across the floodplain. "
    "When two bends grow close enough, a flood can cut through the narrow neck of land between "
    "them. The river then takes the shorter path, and the abandoned loop becomes an oxbow lake. "
    "Oxbow lakes slowly fill with silt and plants until they turn into marshes. Geologists read "
    "the curved scars left by old meanders to reconstruct how a river moved in the past.",
    "Sourdough bread rises because wild yeasts and lactic acid bacteria ferment the flour. A baker "
    "keeps these microbes alive in a starter, a paste of flour and water that is fed every day. "
    "The yeasts release carbon dioxide, which is trapped by the gluten network of the dough and "
    "makes it swell. The bacteria produce lactic and acetic acids, which give sourdough its sour "
    "taste and help the loaf keep for longer. A long, cool fermentation develops more flavour "
    "than a short, warm one. Before baking, the baker scores the top of the loaf with a blade so "
    "that steam can escape in a controlled way. A hot oven with steam in the first minutes gives "
    "a thin, crackling crust.",
    "Johannes Gutenberg built the first practical printing press with movable metal type in "
    "Europe around 1440 in Mainz. He cast individual letters from an alloy of lead, tin and "
    "antimony that melted at a low temperature and cooled quickly into sharp shapes. His press "
    "was adapted from the screw presses used to make wine and olive oil. Gutenberg also mixed an "
    "oil-based ink that stuck to metal type better than the water-based inks of scribes. His "
    "most famous work, the Gutenberg Bible, was printed around 1455 in about 180 copies. Printed "
    "books became far cheaper than hand-copied manuscripts, and within fifty years presses were "
    "running in more than two hundred European cities.",
]
CHINESE_PAGES = [
    "长江是中国最长的河流，全长约六千三百公里，发源于青藏高原的唐古拉山脉。"
    "它自西向东流经青海、西藏、四川、云南、重庆、湖北、湖南、江西、安徽、江苏和上海，"
    "最后在上海注入东海。长江流域面积约一百八十万平方公里，养育了中国三分之一以上的人口。"
    "三峡工程位于湖北宜昌，是世界上最大的水利枢纽工程之一，具有防洪、发电和航运等多种功能。"
    "大坝建成以后，长江中下游的防洪能力明显提高，万吨级船队可以直达重庆。"
    "长江里生活着许多珍稀动物，例如中华鲟和长江江豚。"
    "为了保护这些动物，长江从二零二一年起实行十年禁渔。沿江的城市有成都、武汉、南京和上海。",
    "龙井茶产自浙江杭州西湖一带，是中国最有名的绿茶之一。"
    "龙井茶以色绿、香郁、味甘、形美四绝著称，外形扁平光滑，汤色嫩绿明亮。"
    "采摘后的鲜叶要先摊放几个小时，让一部分水分散发出去，然后放进铁锅里用手工炒制。"
    "炒茶师傅要掌握抓、抖、搭、拓、捺、推、扣、甩、磨、压等十种手法，"
    "一锅茶往往要炒二十分钟左右。泡龙井茶最好用八十度左右的水，水太烫会把嫩叶烫熟，"
    "使茶汤发苦。传说清朝的乾隆皇帝下江南时，曾在狮峰山下品尝龙井茶，并把十八棵茶树封为御茶。",
    "嫦娥五号于二零二零年十一月二十四日在海南文昌航天发射场由长征五号运载火箭发射升空。"
    "十二月一日，着陆器在月球正面的风暴洋北部成功着陆，"
    "随后用钻头和机械臂采集了约一千七百三十一克月壤样品。"
    "着陆器在月面上展开了一面五星红旗，这是中国国旗第一次在月球表面以实物形式展示。"
    "上升器从月面起飞以后，在月球轨道上与轨道器自动交会对接，把样品转移到返回器中。"
    "十二月十七日，返回器在内蒙古四子王旗着陆场安全着陆。"
    "科学家研究这些样品后发现，这片区域的玄武岩年龄约为二十亿年。",
]
CHINESE_NAME = "长江与茶.pdf"
HOSTILE = (
    "Sea otters hold hands while they sleep so that they do not drift apart. "
    "<script>window.__pwned = 1</script> Read more at [link](javascript:alert(1)) today."
)


def _wrap(pages: list[str], width: int) -> list[str]:
    # Hard-wrapped lines, as real PDFs have them: extraction must join them again.
    return ["\n".join(textwrap.wrap(page, width)) for page in pages]


# --- Driving the app ---------------------------------------------------------------------------


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def open_page(page: Page, url: str, title: str) -> None:
    """Load a URL in a fresh session; wait for the page's title and the end of its first run."""
    page.goto(url)
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    idle(page)


def idle(page: Page) -> None:
    """Wait until no script run is in progress, so a click does not race the page being drawn."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")


def go_to(page: Page, title: str) -> None:
    """Switch page with the sidebar navigation: the session (and its collection) stays."""
    sidebar(page).get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()


def collection_box(page: Page) -> Locator:
    return sidebar(page).get_by_role("combobox", name="Collection")


def choose(page: Page, box: Locator, option: str | re.Pattern[str]) -> None:
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)


def choose_collection(page: Page, name: str) -> None:
    choose(page, collection_box(page), re.compile(rf"^{re.escape(name)} · \d+ docs$"))


def new_collection(page: Page, name: str) -> None:
    """On the Library page: pick "New collection…" and name it."""
    choose(page, collection_box(page), NEW_COLLECTION)
    field = sidebar(page).get_by_label("Name", exact=True)
    field.fill(name)
    field.press("Enter")
    expect(page.get_by_text(f"Add files to {name} (model e5-small)")).to_be_visible()


def result_line(page: Page, name: str) -> Locator:
    """The per-file line of the last indexing job, e.g. 'a.pdf — indexed: 3 pages, 3 chunks'."""
    return (
        page.get_by_test_id("stMarkdownContainer")
        .locator("p")
        .filter(has=page.locator("strong", has_text=re.compile(rf"^{re.escape(name)}$")))
    )


def index_files(page: Page, files: dict[Path, str]) -> None:
    """Upload files on the Library page, index them and wait for each file's result line."""
    page.locator("input[type=file]").set_input_files(list(files))
    button = page.get_by_role("button", name="Index files")
    expect(button).to_be_enabled()
    button.click()
    for path, outcome in files.items():
        line = result_line(page, path.name)
        expect(line).to_be_visible(timeout=INDEX_TIMEOUT_MS)  # drawn once the file is done
        # The line starts with an icon whose ligature text ("check_circle", ...) is not checked.
        expect(line).to_have_text(re.compile(rf"{re.escape(path.name)} — {re.escape(outcome)}$"))


def table_cells(page: Page, column: int) -> Locator:
    """One column of the first table (st.dataframe draws a canvas plus an accessible grid)."""
    grid = page.get_by_test_id("stDataFrame").first
    return grid.locator(f"tbody td[aria-colindex='{column}']")


def expect_documents(page: Page, names: list[str]) -> None:
    """The first table lists exactly these names, in any order; waits for it to be redrawn (a
    table still showing another collection with as many rows must not pass)."""
    cells = table_cells(page, 1)
    expect(cells).to_have_count(len(names))
    for name in names:
        expect(cells.filter(has_text=re.compile(rf"^{re.escape(name)}$"))).to_have_count(1)


def table_row(page: Page, first_cell: str) -> Locator:
    grid = page.get_by_test_id("stDataFrame").first
    key = page.locator("td[aria-colindex='1']", has_text=re.compile(rf"^{re.escape(first_cell)}$"))
    return grid.locator("tbody tr").filter(has=key).locator("td")


def ask(page: Page, question: str) -> None:
    page.get_by_label("Question", exact=True).fill(question)
    page.get_by_role("button", name="Ask", exact=True).click()


def passage(page: Page, rank: int, where: str) -> Locator:
    """The bordered box of one retrieved passage, found by its header '2. a.pdf, p. 3 · score …'."""
    header = re.compile(rf"^{rank}\. {re.escape(where)} · score [01]\.\d{{3}}")
    return page.get_by_test_id("stLayoutWrapper").filter(has_text=header)


def passage_headers(page: Page) -> Locator:
    return (
        page.get_by_test_id("stMarkdownContainer")
        .locator("p")
        .filter(has_text=re.compile(r"^\d+\. .+ · score [01]\.\d{3}$"))
    )


def highlight(box: Locator) -> Locator:
    """The matched sentence in a passage: Streamlit's :yellow-background[...] inline style."""
    return box.locator("span[style*='background-color']")


def citation(page: Page, text: str) -> Locator:
    return page.locator("strong").filter(has_text=re.compile(rf"^{re.escape(text)}$"))


# --- State built through the UI ----------------------------------------------------------------


@pytest.fixture(scope="module")
def papers(browser: Browser, app_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Collection "papers": an English and a Chinese 3-page PDF, uploaded on the Library page."""
    folder = tmp_path_factory.mktemp("papers")
    english = folder / "english.pdf"
    english.write_bytes(pdfs.english_pdf(_wrap(ENGLISH_PAGES, 80)))
    chinese = folder / CHINESE_NAME
    chinese.write_bytes(pdfs.chinese_pdf(_wrap(CHINESE_PAGES, 36)))
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    errors = page_errors(page)
    try:
        open_page(page, f"{app_url}/library", "Library")
        new_collection(page, PAPERS)
        index_files(
            page,
            {english: "indexed: 3 pages, 3 chunks", chinese: "indexed: 3 pages, 3 chunks"},
        )
    finally:
        screenshot(page, "papers_fixture")
        context.close()
        if errors:  # the likely cause of whatever went wrong
            pytest.fail("JavaScript errors in the page:\n" + "\n".join(errors), pytrace=False)
    return PAPERS


@pytest.fixture
def text_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "volcanoes.txt": "Volcanoes erupt when magma rises through cracks in the crust. "
        "Gas dissolved in the magma expands near the surface and blasts out ash and lava. "
        "Lava can flow for many kilometres.",
        "glaciers.txt": "Glaciers carve U-shaped valleys as they slide downhill. "
        "Rocks frozen into the ice scrape the bedrock like sandpaper.",
        "hostile.txt": HOSTILE,
    }
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / name
        paths[name].write_text(text, encoding="utf-8")
    return paths


# --- Tests -------------------------------------------------------------------------------------


def test_library_lists_the_uploaded_pdfs(page: Page, app_url: str, papers: str) -> None:
    open_page(page, f"{app_url}/library", "Library")
    choose_collection(page, papers)
    expect(table_cells(page, 1)).to_have_text(["english.pdf", CHINESE_NAME])
    expect(table_row(page, CHINESE_NAME).nth(1)).to_have_text("3")  # pages
    expect(sidebar(page).get_by_text("Model: e5-small · 2 documents · 6 chunks")).to_be_visible()


@pytest.mark.parametrize(
    ("question", "where", "sentence"),
    [
        pytest.param(
            "Why does sourdough bread taste sour?",
            "english.pdf, p. 2",
            "The bacteria produce lactic and acetic acids, which give sourdough its sour taste "
            "and help the loaf keep for longer.",
            id="english",
        ),
        pytest.param(
            "龙井茶产自哪里？",
            f"{CHINESE_NAME}, p. 2",
            "龙井茶产自浙江杭州西湖一带，是中国最有名的绿茶之一。",
            id="chinese",
        ),
    ],
)
def test_ask_cites_file_and_page_and_highlights_the_sentence(
    page: Page, app_url: str, papers: str, question: str, where: str, sentence: str
) -> None:
    open_page(page, f"{app_url}/ask", "Ask")
    choose_collection(page, papers)
    ask(page, question)
    best = passage(page, 1, where)
    expect(best).to_be_visible()
    expect(highlight(best)).to_have_text(sentence)
    expect(citation(page, f"[{where}]")).to_be_visible()
    answer = (
        page.get_by_test_id("stMarkdownContainer")
        .locator("p")
        .filter(has=citation(page, f"[{where}]"))
    )
    expect(answer).to_have_text(f"{sentence} [{where}]")


def test_the_map_beside_the_answer_shows_the_question_and_its_hits(
    page: Page, app_url: str, papers: str
) -> None:
    open_page(page, f"{app_url}/ask", "Ask")
    choose_collection(page, papers)
    ask(page, "龙井茶产自哪里？")
    expect(passage(page, 1, f"{CHINESE_NAME}, p. 2")).to_be_visible()
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart).to_have_count(1, timeout=120_000)
    legend = chart.locator("g.legend text.legendtext")
    expect(legend.filter(has_text=re.compile(r"^query$"))).to_have_count(1)
    expect(legend.filter(has_text=re.compile(r"^hits$"))).to_have_count(1)
    # WebGL draws the points on a canvas: read what plotly drew from the plot element itself.
    traces = chart.locator(".js-plotly-plot").evaluate(
        "plot => plot._fullData.map(t => ({name: t.name, text: t.text || null, n: t.x.length}))"
    )
    by_name = {trace["name"]: trace for trace in traces}
    assert by_name["query"]["n"] == 1
    assert by_name["hits"]["text"] == ["1", "2", "3", "4", "5"]


def test_a_damaged_pdf_gets_one_clear_line_and_changes_nothing(
    page: Page, app_url: str, papers: str, tmp_path: Path
) -> None:
    broken = tmp_path / "truncated.pdf"
    broken.write_bytes(pdfs.truncated_pdf())
    open_page(page, f"{app_url}/library", "Library")
    choose_collection(page, papers)
    index_files(
        page,
        {broken: "failed: damaged, could not be read (Stream has ended unexpectedly)"},
    )
    expect(table_cells(page, 1)).to_have_text(["english.pdf", CHINESE_NAME])
    expect(page.get_by_text("Traceback")).to_have_count(0)


def test_deleting_a_document_removes_it_from_library_and_answers(
    page: Page, app_url: str, text_files: dict[str, Path]
) -> None:
    open_page(page, f"{app_url}/library", "Library")
    new_collection(page, "t-delete")
    index_files(
        page,
        {
            text_files["volcanoes.txt"]: "indexed: 1 chunk",
            text_files["glaciers.txt"]: "indexed: 1 chunk",
        },
    )
    go_to(page, "Ask")
    ask(page, "Why do volcanoes erupt?")
    expect(passage(page, 1, "volcanoes.txt")).to_be_visible()
    expect(citation(page, "[volcanoes.txt]")).to_be_visible()
    # The passage speaks of eruptions, not of when one happened.
    ask(page, "When did the volcanoes erupt?")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Your documents don't seem to answer this")).to_be_visible()
    expect(
        main.get_by_text("You asked when, and none of the sentences found says when.")
    ).to_be_visible()
    # Nor how far: "many kilometres" is no distance.
    ask(page, "How many kilometres can lava flow?")
    expect(main.get_by_text("Your documents don't seem to answer this")).to_be_visible()
    expect(
        main.get_by_text(
            "You asked for an amount (kilometres), and none of the sentences found gives one."
        )
    ).to_be_visible()

    go_to(page, "Library")
    expect_documents(page, ["glaciers.txt", "volcanoes.txt"])
    choose(page, page.get_by_role("combobox", name="Document"), re.compile(r"^volcanoes\.txt · "))
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(table_cells(page, 1)).to_have_text(["glaciers.txt"])
    expect(collection_box(page)).to_have_value("t-delete · 1 doc")

    go_to(page, "Ask")
    ask(page, "Why do volcanoes erupt?")
    expect(passage(page, 1, "glaciers.txt")).to_be_visible()
    expect(passage_headers(page)).to_have_count(1)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("magma")).to_have_count(0)
    expect(main.get_by_text("volcanoes.txt")).to_have_count(0)
    # Gone from the word index too: the question's words are named as found nowhere.
    expect(main.get_by_text("Missing from your documents: volcanoes, erupt")).to_be_visible()


def test_document_text_is_shown_literally_never_run(
    page: Page, app_url: str, text_files: dict[str, Path]
) -> None:
    open_page(page, f"{app_url}/library", "Library")
    new_collection(page, "t-hostile")
    index_files(page, {text_files["hostile.txt"]: "indexed: 1 chunk"})
    go_to(page, "Ask")
    ask(page, "Why do sea otters hold hands?")
    box = passage(page, 1, "hostile.txt")
    expect(box).to_be_visible()
    expect(highlight(box)).to_have_text(
        "Sea otters hold hands while they sleep so that they do not drift apart."
    )
    expect(box.get_by_text("<script>window.__pwned = 1</script>")).to_be_visible()
    expect(box.get_by_text("[link](javascript:alert(1))")).to_be_visible()
    assert page.evaluate("() => window.__pwned") is None
    expect(page.locator("script", has_text="__pwned")).to_have_count(0)
    expect(page.locator("a[href^='javascript:']")).to_have_count(0)


def test_deep_link_to_ask_in_a_new_browser(page: Page, app_url: str, papers: str) -> None:
    open_page(page, f"{app_url}/ask", "Ask")
    expect(page).to_have_title("Ask · Embedding Explorer")
    expect(sidebar(page).get_by_role("heading", name="Collection")).to_be_visible()
    expect(collection_box(page)).to_have_value(f"{papers} · 2 docs")
    expect(page.get_by_label("Question", exact=True)).to_be_visible()


def test_home_lists_collections_with_document_counts(page: Page, app_url: str, papers: str) -> None:
    open_page(page, app_url, "Embedding Explorer")
    expect(page.get_by_role("heading", name="What is indexed")).to_be_visible()
    expect(table_row(page, papers)).to_have_text([papers, "2", "6", "e5-small", "384"])


def test_sample_corpus_loads_from_home_and_answers(page: Page, app_url: str) -> None:
    samples = sorted(SAMPLES.glob("*/*.md"))
    open_page(page, app_url, "Embedding Explorer")
    page.get_by_role("button", name="Load the sample corpus").click()
    indexed = (
        page.get_by_test_id("stMarkdownContainer")
        .locator("p")
        .filter(has_text=re.compile(r" — indexed: \d+ chunks?$"))
    )
    expect(indexed).to_have_count(len(samples), timeout=INDEX_TIMEOUT_MS)
    expect(table_row(page, "sample").nth(1)).to_have_text(str(len(samples)))

    go_to(page, "Ask")
    expect(collection_box(page)).to_have_value(f"sample · {len(samples)} docs")
    ask(page, "How does FastText handle unseen words?")
    # The first question may measure the new collection (if the job's measuring is not done).
    expect(passage(page, 1, "word-embeddings.md")).to_be_visible(timeout=90_000)
    expect(citation(page, "[word-embeddings.md]").first).to_be_visible()
