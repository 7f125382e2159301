"""The Classic page in headless Chromium: train Word2Vec on the sample corpus, then explore it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import ROOT, screenshot

pytestmark = pytest.mark.browser

SAMPLE = "sample"
# Two articles of the sample corpus keep indexing short: English (with king, man, woman and
# queen) and Chinese. When the whole sample corpus is already loaded, they are skipped.
ARTICLES = [
    ROOT / "samples" / "en" / "word-embeddings.md",
    ROOT / "samples" / "zh" / "apple-fruit.md",
]
INDEX_TIMEOUT_MS = 240_000  # the worker process loads the model first
TRAIN_TIMEOUT_MS = 60_000


def _sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def _heading(page: Page, title: str) -> Locator:
    return page.get_by_role("heading", name=title, level=1)


def _sample_collection(page: Page, url: str) -> None:
    """On the Library page: pick collection "sample", creating it if it does not exist yet."""
    page.goto(f"{url}/library")
    expect(_heading(page, "Library")).to_be_visible()
    _sidebar(page).get_by_role("combobox", name="Collection").click()
    existing = page.get_by_role("option", name=re.compile(rf"^{SAMPLE} · \d+ docs$"))
    new = page.get_by_role("option", name="➕ New collection…", exact=True)
    expect(new).to_be_visible()
    if existing.count():
        existing.click()
    else:
        new.click()
        name = _sidebar(page).get_by_label("Name", exact=True)
        name.fill(SAMPLE)
        name.press("Enter")
    expect(page.get_by_text(f"Add files to {SAMPLE} (model e5-small)")).to_be_visible()


def _index(page: Page) -> None:
    page.locator("input[type=file]").set_input_files(ARTICLES)
    page.get_by_role("button", name="Index files").click()
    for path in ARTICLES:
        line = (
            page.get_by_test_id("stMarkdownContainer")
            .locator("p")
            .filter(
                has_text=re.compile(
                    rf"{re.escape(path.name)} — (indexed: \d+ chunks|skipped: already indexed)$"
                )
            )
        )
        expect(line).to_be_visible(timeout=INDEX_TIMEOUT_MS)


def _grid_column(table: Locator, column: int) -> Locator:
    """One column of an st.dataframe (a canvas plus an accessible grid)."""
    return table.locator(f"tbody td[aria-colindex='{column}']")


def test_train_word2vec_on_the_sample_then_neighbours_and_analogy(page: Page, app_url: str):
    _sample_collection(page, app_url)
    _index(page)

    # The sidebar navigation keeps the session, and with it the collection.
    _sidebar(page).get_by_role("link", name="Classic", exact=True).click()
    expect(_heading(page, "Classic: Word2Vec and FastText")).to_be_visible()
    expect(_sidebar(page).get_by_role("combobox", name="Collection")).to_have_value(
        re.compile(rf"^{SAMPLE} · \d+ docs$")
    )
    expect(page.get_by_role("tab", name="Train", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text(re.compile(r"^Trained Word2Vec in \d+\.\d s"))).to_be_visible(
        timeout=TRAIN_TIMEOUT_MS
    )
    # The loss curves: the verified loss and gensim's own figure, both drawn.
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts.nth(0)).to_contain_text("Verified loss per example")
    expect(charts.nth(1)).to_contain_text("gensim loss (biased)")
    screenshot(page, "classic_trained")

    page.get_by_role("tab", name="Explore", exact=True).click()
    expect(page).to_have_url(re.compile(r"/classic\?tab=Explore$"))
    expect(page.get_by_role("heading", name="Nearest neighbours")).to_be_visible()
    tables = page.get_by_test_id("stDataFrame")
    neighbours, answers = tables.nth(0), tables.nth(1)
    expect(_grid_column(neighbours, 1)).to_have_count(10)
    expect(_grid_column(answers, 1)).to_have_count(5)
    found = _grid_column(answers, 1).all_inner_texts()
    assert all(found) and not {"king", "man", "woman"} & set(found), found
    # The analogy map: a, b, c and the answers, with the two offsets drawn as arrows.
    analogy_map = page.get_by_test_id("stPlotlyChart").first
    expect(analogy_map.locator("g.annotation-arrow-g")).to_have_count(2)
    expect(analogy_map.get_by_text("king", exact=True)).to_be_attached()
    expect(page.get_by_text("Traceback")).to_have_count(0)
