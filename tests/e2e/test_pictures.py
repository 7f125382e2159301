"""Pictures in a real browser: a CLIP collection, text → picture and picture → picture, the map.

The model is the tiny random CLIP the other tests use (tests/tiny_clip.py), given to the app as a
local folder, exactly as a user types one. Plumbing only: which results appear and how they are
drawn; the one ranking asserted is identity (a picture's nearest neighbour is itself).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, expect

from tests.e2e.test_app import (
    INDEX_TIMEOUT_MS,
    NEW_COLLECTION,
    ask,
    choose,
    collection_box,
    go_to,
    idle,
    open_page,
    result_line,
    sidebar,
)

pytestmark = pytest.mark.browser

OTHER_MODEL = "Other (sentence-transformers)…"
# name → (colour, shape); PNG and JPEG both, each a different picture.
PICTURES = {
    "red-circle.png": ("red", "circle"),
    "blue-square.png": ("blue", "square"),
    "green-triangle.jpg": ("green", "triangle"),
    "orange-stripes.png": ("orange", "stripes"),
    "purple-cross.jpg": ("purple", "cross"),
}
WIDTH, HEIGHT = 96, 72
GRID_LINE = r"(\d+)\. (.+) · score (-?\d\.\d{3})"


def _draw(colour: str, shape: str) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    if shape == "circle":
        draw.ellipse((16, 8, 80, 64), fill=colour)
    elif shape == "square":
        draw.rectangle((16, 8, 80, 64), fill=colour)
    elif shape == "triangle":
        draw.polygon([(48, 6), (86, 66), (10, 66)], fill=colour)
    elif shape == "stripes":
        for x in range(0, WIDTH, 16):
            draw.rectangle((x, 0, x + 7, HEIGHT), fill=colour)
    else:
        draw.rectangle((40, 0, 56, HEIGHT), fill=colour)
        draw.rectangle((0, 28, WIDTH, 44), fill=colour)
    return image


@pytest.fixture
def pictures(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, (colour, shape) in PICTURES.items():
        paths[name] = tmp_path / name
        _draw(colour, shape).save(paths[name], "PNG" if name.endswith(".png") else "JPEG")
    return paths


def new_clip_collection(page: Page, name: str, folder: str) -> None:
    """On the Library page: a new collection whose model is a local CLIP folder."""
    choose(page, collection_box(page), NEW_COLLECTION)
    field = sidebar(page).get_by_label("Name", exact=True)
    field.fill(name)
    field.press("Enter")
    idle(page)
    choose(page, sidebar(page).get_by_role("combobox", name="Model"), OTHER_MODEL)
    model = sidebar(page).get_by_label("Model name or local folder", exact=True)
    model.fill(folder)
    model.press("Enter")
    expect(page.get_by_text(f"Add files to {name} (model {folder})")).to_be_visible()


def grid_lines(page: Page) -> Locator:
    """The captions under the picture thumbnails: '1. red-circle.png · score 0.123'."""
    main = page.get_by_test_id("stMain")
    return (
        main.get_by_test_id("stMarkdownContainer")
        .locator("p")
        .filter(has_text=re.compile(rf"^{GRID_LINE}$"))
    )


def parsed(lines: Locator) -> list[tuple[int, str, float]]:
    rows = []
    for text in lines.all_inner_texts():
        match = re.fullmatch(GRID_LINE, text.strip())
        assert match, text
        rows.append((int(match[1]), match[2], float(match[3])))
    return rows


def thumbnails(page: Page) -> Locator:
    """Pictures drawn by st.image in the main area, loaded (a served file or a data: URI)."""
    return page.get_by_test_id("stMain").get_by_test_id("stImage").locator("img")


def expect_loaded(images: Locator) -> None:
    for image in images.all():
        src = image.get_attribute("src") or ""
        assert src.startswith("data:image/") or "/media/" in src, src
        # Decoded, not a broken image (browsers load pictures after the page is drawn).
        expect(image).to_have_js_property("complete", True)
        expect(image).not_to_have_js_property("naturalWidth", 0)


def test_a_clip_collection_from_upload_to_ask_to_map(
    page: Page, app_url: str, tiny_clip_folder: str, pictures: dict[str, Path]
) -> None:
    open_page(page, f"{app_url}/library", "Library")
    new_clip_collection(page, "pictures", tiny_clip_folder)
    page.locator("input[type=file]").set_input_files(list(pictures.values()))
    button = page.get_by_role("button", name="Index files")
    expect(button).to_be_enabled()
    button.click()
    for name in PICTURES:
        line = result_line(page, name)
        expect(line).to_be_visible(timeout=INDEX_TIMEOUT_MS)
        expect(line).to_contain_text(
            f"{name} — indexed: picture, {WIDTH} x {HEIGHT} pixels", timeout=INDEX_TIMEOUT_MS
        )
    # The job ends by measuring the collection; then the page shows the new documents.
    expect(page.get_by_test_id("stMain").get_by_test_id("stProgress")).to_have_count(
        0, timeout=INDEX_TIMEOUT_MS
    )
    expect(collection_box(page)).to_have_value("pictures · 5 docs")

    # Text → pictures: every picture is a hit (k = 5), drawn as a thumbnail with its rank,
    # file name and score.
    go_to(page, "Ask")
    ask(page, "a red circle")
    lines = grid_lines(page)
    expect(lines).to_have_count(len(PICTURES), timeout=120_000)
    rows = parsed(lines)
    assert [rank for rank, _, _ in rows] == [1, 2, 3, 4, 5]
    assert sorted(name for _, name, _ in rows) == sorted(PICTURES)
    scores = [score for _, _, score in rows]
    assert scores == sorted(scores, reverse=True)
    expect(thumbnails(page)).to_have_count(len(PICTURES))
    expect_loaded(thumbnails(page))

    # Picture → pictures: the query picture itself comes first, with cosine 1.
    idle(page)  # the run that answered is over: its fresh (emptied) picture uploader is the one
    page.locator("input[type=file]").set_input_files(pictures["green-triangle.jpg"])
    expect(page.get_by_role("heading", name="Nearest pictures")).to_be_visible(timeout=120_000)
    expect(page.get_by_text("Query: green-triangle.jpg", exact=True)).to_be_visible()
    expect(lines).to_have_count(len(PICTURES))
    rows = parsed(lines)
    assert rows[0] == (1, "green-triangle.jpg", 1.0)
    assert all(score < 1.0 for _, _, score in rows[1:]), rows
    assert sorted(name for _, name, _ in rows) == sorted(PICTURES)
    expect(thumbnails(page)).to_have_count(1 + len(PICTURES))  # the query, then the hits
    expect_loaded(thumbnails(page))

    # The map: one point per picture, marked as a picture on hover; selecting them all shows
    # their thumbnails with their file names.
    go_to(page, "Map")
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart).to_have_count(1, timeout=120_000)
    idle(page)
    plot = chart.locator(".js-plotly-plot")
    hovers = plot.evaluate(
        "plot => plot._fullData.flatMap(t => [].concat(t.hovertext || t.text || []))"
    )
    shown = sorted(re.sub(r"<[^>]+>", "", text).split(" · ")[0] for text in hovers)
    assert shown == sorted(PICTURES), hovers
    assert all("picture (select it to see it)" in text for text in hovers), hovers
    chart.hover()  # the mode bar shows on hover
    chart.get_by_role("button", name="Box Select").click()
    box = plot.locator(".nsewdrag").first.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] - 2, steps=5)
    page.mouse.up()
    expect(page.get_by_role("heading", name=f"{len(PICTURES)} selected")).to_be_visible(
        timeout=60_000
    )
    images = thumbnails(page)
    expect(images).to_have_count(len(PICTURES))
    expect_loaded(images)
    captions = page.get_by_test_id("stMain").get_by_test_id("stImageCaption")
    assert sorted(text.strip() for text in captions.all_inner_texts()) == sorted(PICTURES)
