"""The Ask page's answer in a real browser: a citation link takes the reader to its passage's
card, and the Stop button stops the bundled SmolLM2 while it streams an answer in-process."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import VIEWPORT, page_errors, screenshot
from tests.e2e.test_app import (
    ask,
    choose_collection,
    index_files,
    new_collection,
    open_page,
    sidebar,
)

pytestmark = pytest.mark.browser

COLLECTION = "t-answers"
DOCS = {
    "bread.txt": "Sourdough bread rises because wild yeasts and lactic acid bacteria ferment the "
    "flour. The yeasts release carbon dioxide, which is trapped by the gluten network of the "
    "dough and makes it swell. A long, cool fermentation develops more flavour.",
    "rivers.txt": "Rivers carve meanders. A flood can cut through the narrow neck of land "
    "between two bends, and the abandoned loop becomes an oxbow lake.",
    "printing.txt": "Johannes Gutenberg built a printing press with movable metal type around "
    "1440 in Mainz, casting letters from an alloy of lead, tin and antimony.",
}
QUESTION = "Why does sourdough bread rise?"
FIRST_ANSWER_MS = 240_000  # a collection's first question measures its baseline first
LOCAL = "Local model (GGUF file or folder)"
MODEL_TIMEOUT_MS = 600_000  # loading SmolLM2 and its first words: minutes on busy shared cores
# True once the streamed answer shows text: polled on every animation frame, so Stop is clicked
# within a frame or two of the first words, however fast the model writes.
FIRST_WORDS_JS = """() => {
    const stream = document.querySelector('.st-key-answer_stream');
    return stream !== null && stream.innerText.trim().length > 0;
}"""
SCROLL_TOP_JS = "() => document.querySelector('[data-testid=stMain]').scrollTop"


@pytest.fixture(scope="module")
def collection(browser: Browser, app_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Three one-chunk text files, uploaded on the Library page."""
    folder = tmp_path_factory.mktemp("answers")
    files = {}
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
        files[folder / name] = "indexed: 1 chunk"
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    errors = page_errors(page)
    try:
        open_page(page, f"{app_url}/library", "Library")
        new_collection(page, COLLECTION)
        index_files(page, files)
    finally:
        screenshot(page, "answers_fixture")
        context.close()
        if errors:
            pytest.fail("JavaScript errors in the page:\n" + "\n".join(errors), pytrace=False)
    return COLLECTION


def _ask_page(page: Page, app_url: str, collection: str) -> None:
    open_page(page, f"{app_url}/ask", "Ask")
    choose_collection(page, collection)


def _card(page: Page, rank: int, where: str) -> Locator:
    header = re.compile(rf"^{rank}\. {re.escape(where)} · score [01]\.\d{{3}}")
    return page.get_by_test_id("stLayoutWrapper").filter(has_text=header)


def test_a_citation_link_takes_the_reader_to_its_passage_card(
    page: Page, app_url: str, collection: str
) -> None:
    _ask_page(page, app_url, collection)
    ask(page, QUESTION)
    card = _card(page, 1, "bread.txt")
    expect(card).to_be_visible(timeout=FIRST_ANSWER_MS)
    link = page.get_by_role("link", name="[bread.txt]", exact=True)
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("href", "#passage-1")
    target = page.locator("#passage-1")
    expect(target).to_have_count(1)
    expect(card.locator("#passage-1")).to_have_count(1)  # the anchor is on that very card
    # Short window: the card starts below it, so following the link must scroll.
    page.set_viewport_size({"width": VIEWPORT["width"], "height": 420})
    page.get_by_test_id("stMain").evaluate("main => main.scrollTo(0, 0)")
    expect(card.get_by_text(re.compile(r"^1\. bread\.txt · score"))).not_to_be_in_viewport()
    link.click()
    expect(page).to_have_url(re.compile(r"#passage-1$"))
    expect(card.get_by_text(re.compile(r"^1\. bread\.txt · score"))).to_be_in_viewport()
    assert page.evaluate(SCROLL_TOP_JS) > 0
    top = target.bounding_box()
    assert top is not None and 0 <= top["y"] <= 120  # at the top, clear of the app's header
    # The cited passage is ringed on the map beside the answer, with its number.
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart).to_have_count(1, timeout=120_000)
    expect(chart.locator("g.legend text.legendtext", has_text="cited in the answer")).to_have_count(
        1
    )
    traces = chart.locator(".js-plotly-plot").evaluate(
        "plot => plot._fullData.map(t => ({name: t.name, text: t.text || null}))"
    )
    assert [t["text"] for t in traces if t["name"] == "cited in the answer"] == [["[1]"]]


def test_stop_ends_a_streaming_answer_of_the_local_model(
    page: Page, app_url: str, collection: str
) -> None:
    _ask_page(page, app_url, collection)
    sidebar(page).get_by_text(LOCAL, exact=True).click()
    expect(
        sidebar(page).get_by_text(re.compile(r"^Bundled SmolLM2-135M: a teaching demo"))
    ).to_be_visible()
    ask(page, QUESTION)
    stop = page.locator(".st-key-stop_generation").get_by_role("button")
    page.wait_for_function(FIRST_WORDS_JS, polling="raf", timeout=MODEL_TIMEOUT_MS)
    stop.click()
    stopped = page.get_by_text("Stopped (stopped): the answer is incomplete.", exact=True)
    expect(stopped).to_be_visible(timeout=120_000)
    expect(stop).to_have_count(0)
    answer = page.locator(".st-key-answer_text")
    expect(answer).to_have_count(1)
    text = answer.inner_text()
    assert text.strip()
    page.wait_for_timeout(5_000)  # a model still writing would add words by now
    expect(answer).to_have_text(text)
    expect(stopped).to_be_visible()
    expect(page.locator(".st-key-answer_stream")).to_have_count(0)  # the rerun draws no stream
