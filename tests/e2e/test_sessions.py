"""Two browsers on one running app at once never see each other's uploads, progress or answers.

Collections and their documents are shared data by design (a team's library); what a user has in
flight (the files in the upload box, an indexing job's progress and per-file lines, the last
answer) belongs to that browser's session alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import VIEWPORT, page_errors, screenshot
from tests.e2e.test_app import (
    INDEX_TIMEOUT_MS,
    ask,
    choose_collection,
    citation,
    collection_box,
    expect_documents,
    go_to,
    idle,
    new_collection,
    open_page,
    passage,
    passage_headers,
    result_line,
    table_cells,
)

pytestmark = pytest.mark.browser

VOLCANOES = (
    "Volcanoes erupt when magma rises through cracks in the crust. "
    "Gas dissolved in the magma expands near the surface and blasts out ash and lava."
)
GLACIERS = (
    "Glaciers carve U-shaped valleys as they slide downhill. "
    "Rocks frozen into the ice scrape the bedrock like sandpaper."
)
SURVEY_ENTRIES = 300  # ~28 chunks: a job that runs for seconds, so its progress is drawn
BIRDS = ["herons", "cranes", "storks", "egrets", "ibises", "pelicans", "cormorants", "grebes"]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    survey = " ".join(
        f"On day {day} the wardens counted {(day * 37) % 211} {BIRDS[day % len(BIRDS)]} "
        f"at pond {day % 23}."
        for day in range(1, SURVEY_ENTRIES + 1)
    )
    texts = {"volcanoes.txt": VOLCANOES, "glaciers.txt": GLACIERS, "bird-survey.txt": survey}
    paths = {}
    for name, text in texts.items():
        paths[name] = tmp_path / name
        paths[name].write_text(text, encoding="utf-8")
    return paths


@pytest.fixture
def two(browser: Browser, request: pytest.FixtureRequest) -> Iterator[tuple[Page, Page]]:
    """Browsers A and B: separate contexts (cookies, storage, sessions) open at the same time."""
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(2)]
    tabs = [context.new_page() for context in contexts]
    errors = [page_errors(tab) for tab in tabs]
    yield tabs[0], tabs[1]
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    try:
        for who, tab in zip("ab", tabs, strict=True):
            screenshot(tab, f"{name}_{who}")
    finally:
        for context in contexts:
            context.close()
    found = [f"{who}: {error}" for who, e in zip("AB", errors, strict=True) for error in e]
    if found:
        pytest.fail("JavaScript errors in the pages:\n" + "\n".join(found), pytrace=False)


def upload_box(page: Page) -> Locator:
    """The names of the files waiting in the page's upload box."""
    return page.get_by_test_id("stFileChipName")


def progress(page: Page) -> Locator:
    return page.get_by_test_id("stMain").get_by_test_id("stProgress")


def start_indexing(page: Page, paths: list[Path]) -> None:
    page.locator("input[type=file]").set_input_files(paths)
    expect(upload_box(page)).to_have_text([path.name for path in paths])
    button = page.get_by_role("button", name="Index files")
    expect(button).to_be_enabled()
    button.click()


def expect_nothing_of(page: Page, names: list[str]) -> None:
    """No progress bar, no per-file result line for names, nothing in the upload box."""
    idle(page)
    expect(progress(page)).to_have_count(0)
    for name in names:
        expect(result_line(page, name)).to_have_count(0)
    expect(upload_box(page)).to_have_count(0)


def rerun_library(page: Page) -> None:
    """A fresh run of the Library page in the same session: away and back."""
    go_to(page, "Ask")
    go_to(page, "Library")
    idle(page)


def test_same_collection_two_browsers_keep_their_own_uploads_progress_and_answers(
    two: tuple[Page, Page], app_url: str, files: dict[str, Path]
) -> None:
    a, b = two
    open_page(a, f"{app_url}/library", "Library")
    open_page(b, f"{app_url}/library", "Library")
    new_collection(a, "together")
    names = list(files)

    a.locator("input[type=file]").set_input_files(list(files.values()))
    expect(upload_box(a)).to_have_text(names)
    rerun_library(b)
    expect(upload_box(b)).to_have_count(0)  # A's files are not in B's box

    a.get_by_role("button", name="Index files").click()
    expect(progress(a)).to_be_visible(timeout=60_000)
    rerun_library(b)  # while A's job runs (most likely: it takes seconds)
    expect_nothing_of(b, names)

    for name in names:
        expect(result_line(a, name)).to_be_visible(timeout=INDEX_TIMEOUT_MS)
    expect(progress(a)).to_have_count(0, timeout=INDEX_TIMEOUT_MS)  # then it measures

    # The documents are shared: B sees them in the collection, but not A's job.
    rerun_library(b)
    choose_collection(b, "together")
    idle(b)
    expect(collection_box(b)).to_have_value("together · 3 docs")
    expect_documents(b, names)
    expect_nothing_of(b, names)

    go_to(a, "Ask")
    ask(a, "Why do volcanoes erupt?")
    expect(passage(a, 1, "volcanoes.txt")).to_be_visible(timeout=60_000)
    expect(citation(a, "[volcanoes.txt]")).to_be_visible()

    # B, on the same page and collection, has asked nothing: no answer, no passages.
    go_to(b, "Ask")
    idle(b)
    expect(collection_box(b)).to_have_value("together · 3 docs")
    expect(b.get_by_label("Question", exact=True)).to_have_value("")
    main = b.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Answer", exact=True)).to_have_count(0)
    expect(passage_headers(b)).to_have_count(0)
    expect(citation(b, "[volcanoes.txt]")).to_have_count(0)

    ask(b, "How do glaciers carve valleys?")
    expect(passage(b, 1, "glaciers.txt")).to_be_visible(timeout=60_000)
    expect(citation(b, "[glaciers.txt]")).to_be_visible()

    # A's answer, drawn again from A's session, is still A's.
    go_to(a, "Library")
    go_to(a, "Ask")
    # Drawn before the map beside it, which can take long on a busy machine: no idle() here.
    expect(passage(a, 1, "volcanoes.txt")).to_be_visible(timeout=60_000)
    expect(passage(a, 1, "glaciers.txt")).to_have_count(0)
    expect(citation(a, "[volcanoes.txt]")).to_be_visible()
    expect(citation(a, "[glaciers.txt]")).to_have_count(0)


def test_two_browsers_indexing_at_once_into_two_collections_see_only_their_own(
    two: tuple[Page, Page], app_url: str, files: dict[str, Path]
) -> None:
    a, b = two
    open_page(a, f"{app_url}/library", "Library")
    open_page(b, f"{app_url}/library", "Library")
    new_collection(a, "apart-a")
    new_collection(b, "apart-b")
    start_indexing(a, [files["bird-survey.txt"], files["volcanoes.txt"]])
    # Once A's job has created its collection, every other session's collection box is drawn
    # with new options: B, still naming its own, must stay on it.
    created = progress(a).filter(
        has_text=re.compile(r"· (encoding|storing|measuring)|[12]/2 files")
    )
    expect(created.or_(result_line(a, "volcanoes.txt"))).to_be_visible(timeout=INDEX_TIMEOUT_MS)
    start_indexing(b, [files["glaciers.txt"]])

    expect(result_line(b, "glaciers.txt")).to_be_visible(timeout=INDEX_TIMEOUT_MS)
    for name in ("bird-survey.txt", "volcanoes.txt"):
        expect(result_line(a, name)).to_be_visible(timeout=INDEX_TIMEOUT_MS)
        expect(result_line(b, name)).to_have_count(0)
    expect(result_line(a, "glaciers.txt")).to_have_count(0)
    expect(result_line(b, "glaciers.txt")).to_have_text(re.compile(r"glaciers\.txt — indexed: "))
    # Each job ends by measuring its collection; the page then shows the new documents.
    expect(progress(a)).to_have_count(0, timeout=INDEX_TIMEOUT_MS)
    expect(progress(b)).to_have_count(0, timeout=INDEX_TIMEOUT_MS)

    expect(collection_box(a)).to_have_value("apart-a · 2 docs")
    expect(collection_box(b)).to_have_value("apart-b · 1 doc")
    expect(table_cells(b, 1)).to_have_text(["glaciers.txt"])
    expect_documents(a, ["bird-survey.txt", "volcanoes.txt"])
