"""Item2Vec on the bundled sample and on uploaded files: similar items, cold start, formats."""

from __future__ import annotations

import numpy as np
import pytest

from core.classic.item2vec import (
    SAMPLE,
    cold_start,
    config_for,
    item_map,
    load_sample,
    read_sequences,
    similar_items,
    train_items,
)
from core.errors import UserError

BAKING = {
    "flour 面粉",
    "yeast 酵母",
    "butter 黄油",
    "sourdough starter",
    "baking tray",
    "rolling pin",
    "bread knife",
    "oven thermometer",
}
TEA = {
    "龙井茶 Longjing tea",
    "普洱茶 Pu'er tea",
    "乌龙茶 oolong",
    "紫砂壶 clay teapot",
    "茶杯 tea cups",
}


@pytest.fixture(scope="module")
def sessions() -> list[list[str]]:
    return load_sample()


@pytest.fixture(scope="module")
def model(sessions):
    return train_items(sessions, config_for(sessions))


def test_the_sample_is_read_whole(sessions):
    assert SAMPLE.name == "baskets.jsonl"
    assert len(sessions) == 600
    assert sessions[0] == ["yeast 酵母", "oven thermometer", "baking tray", "rolling pin"]


def test_the_window_spans_the_longest_basket(sessions):
    config = config_for(sessions)
    assert config.window == max(len(s) for s in sessions) - 1
    assert config.sample == 0.0 and config.architecture == "skipgram"


def test_similar_items_share_an_interest(model):
    near = [item for item, _ in similar_items(model, "yeast 酵母", 4)]
    assert set(near) <= BAKING
    near = [item for item, _ in similar_items(model, "紫砂壶 clay teapot", 3)]
    assert set(near) <= TEA | {"tea strainer", "茶盘 tea tray"}
    with pytest.raises(UserError, match="'caviar' has no vector"):
        similar_items(model, "caviar")


def test_cold_start_items_borrow_their_companions_vector(model, sessions):
    cold = {c.item: c for c in cold_start(model, sessions)}
    assert set(cold) == {"solar filter 太阳滤镜", "白茶 white tea", "pastry brush"}
    solar = cold["solar filter 太阳滤镜"]
    assert solar.count == 1
    (basket,) = [s for s in sessions if solar.item in s]
    assert solar.companions == tuple(i for i in basket if i != solar.item)
    expected = np.mean([model.wv.get_vector(i, norm=True) for i in solar.companions], axis=0)
    assert np.allclose(solar.vector, expected)
    assert cold["白茶 white tea"].count == 2
    assert cold["白茶 white tea"].neighbours[0][0] in TEA | {"tea strainer", "茶盘 tea tray"}


def test_item_map_places_every_item(model):
    shown = item_map(model)
    assert len(shown.items) == model.vocab_size == shown.points.shape[0]
    assert shown.counts == tuple(sorted(shown.counts, reverse=True))


def test_csv_one_session_per_row():
    data = b"apple,pear, plum\n\nbread,,butter\nlonely\n"
    assert read_sequences(data, "s.csv") == [["apple", "pear", "plum"], ["bread", "butter"]]


def test_csv_events_grouped_by_session():
    data = b"session_id,item_id,when\ns1,a,1\ns2,x,1\ns1,b,2\ns2,y,3\ns1,c,4\n"
    assert read_sequences(data, "log.csv") == [["a", "b", "c"], ["x", "y"]]


def test_jsonl_lists_or_objects():
    data = '["a","b"]\n{"items": ["茶", "杯", 3]}\n\n'.encode()
    assert read_sequences(data, "s.jsonl") == [["a", "b"], ["茶", "杯", "3"]]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"{broken\n", "s.jsonl", "Line 1 is not JSON"),
        (b'{"basket": 1}\n', "s.jsonl", "Line 1 needs a list of items"),
        (b"a\nb\n", "s.csv", "no session with at least two items"),
        (b"\xff\xfe", "s.csv", "must be UTF-8"),
    ],
)
def test_bad_files_are_user_errors(data, name, message):
    with pytest.raises(UserError, match=message):
        read_sequences(data, name)
