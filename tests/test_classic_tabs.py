"""The Classic page's tabs before any model is trained: each says what to do first."""

from __future__ import annotations

import pytest

from tests.test_classic_page import _page, _texts, app_env, data_dir  # noqa: F401 (fixtures)

NO_MODEL = "No model yet: train one on the Train tab."


@pytest.mark.parametrize("tab", ["Explore", "Evaluate", "Static vs contextual", "Retrieval"])
def test_a_tab_that_needs_a_model_says_to_train_one(app_env, tab):  # noqa: F811
    app = _page(tab)
    assert [info.value for info in app.info] == [NO_MODEL]
    assert not app.dataframe and not app.text_input


def test_unseen_words_without_models_names_both(app_env):  # noqa: F811
    app = _page("Unseen words")
    assert [info.value for info in app.info] == [
        "No Word2Vec model yet: train one on the Train tab.",
        "No FastText model yet: train one on the Train tab.",
    ]
    assert app.text_input(key="unseen_word").value == "riverbanks"
    assert "No model trained on this collection yet." in _texts(app.caption)
