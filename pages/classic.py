"""Classic: train Word2Vec and FastText on a collection, then explore and judge static vectors."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from core.classic import figures as classic_figures
from core.classic import storage as classic_store
from core.classic.corpus import Corpus, build_corpus
from core.classic.evaluation import (
    analogy_map,
    average_vector_search,
    compare_objectives,
    evaluate,
    example_words,
    one_hot_vs_dense,
    polysemy_demo,
    word_map,
)
from core.classic.training import (
    EpochReport,
    TrainConfig,
    TrainedModel,
    char_ngrams,
    neighbours,
    train,
)
from core.errors import UserError
from core.retrieval.search import search
from ui import resources
from ui.layout import page
from ui.render import md_escape
from ui.sidebar import existing_collection

ALGORITHMS = {"word2vec": "Word2Vec", "fasttext": "FastText"}
ARCHITECTURES = {"skipgram": "Skip-gram", "cbow": "CBOW"}
OBJECTIVES = {"negative": "Negative sampling", "hierarchical": "Hierarchical softmax"}
SAMPLES = [0.0, 1e-5, 1e-4, 1e-3, 1e-2]
VECTOR_SIZES = [16, 25, 32, 50, 64, 100, 128, 200, 300]
TABS = [
    "Train",
    "Compare",
    "Explore",
    "Unseen words",
    "Evaluate",
    "Static vs contextual",
    "Retrieval",
]
OURS = "Loss per example (verified)"
GENSIM = "gensim running loss per epoch (biased)"  # no quote: Vega-Lite field names


# --- Cached work: shared by sessions, keyed on the state of what it was computed from ------


@st.cache_resource(max_entries=4, show_spinner="Reading and tokenising the collection…")
def _corpus(collection: str, state: tuple) -> Corpus:
    return build_corpus(resources.store().chunks(collection))


@st.cache_resource(max_entries=6, show_spinner="Loading the trained model…")
def _saved(data_dir: str, collection: str, algorithm: str, state: str):
    return classic_store.load_model(Path(data_dir), collection, algorithm)


@st.cache_data(max_entries=20, show_spinner=False)
def _evaluation(state: str, _model: TrainedModel):
    return evaluate(_model)


@st.cache_data(max_entries=20, show_spinner="Placing the words…")
def _word_map(state: str, n: int, method: str, skip: bool, _model: TrainedModel):
    notes: list[str] = []
    return word_map(_model, n, method, skip, notes.append), notes


@st.cache_data(max_entries=20, show_spinner="Encoding every sentence with the word…")
def _polysemy(state: str, corpus: str, encoder: str, word: str, _texts, _model, _encoder):
    return polysemy_demo(_texts, word, _model, _encoder)


@st.cache_data(max_entries=20, show_spinner="Averaging word vectors…")
def _average_search(state: str, corpus: str, question: str, k: int, _model, _texts):
    return average_vector_search(_model, _texts, question, k)


# --- Pieces of the page ---------------------------------------------------------------------


def _settings(key: str, defaults: TrainConfig, objective: bool, vocab: int | None) -> TrainConfig:
    """The training settings widgets (inside a form); the config they describe.

    vocab: the vocabulary size of the current model, to put a number on log2(V).
    """
    left, middle, right = st.columns(3)
    values = {
        "algorithm": left.radio(
            "Algorithm",
            list(ALGORITHMS),
            format_func=ALGORITHMS.get,
            horizontal=True,
            key=f"{key}_algorithm",
            persist_state="page",
            help="FastText adds character n-grams to every word, so it has vectors for unseen "
            "words too.",
        ),
        "architecture": middle.radio(
            "Architecture",
            list(ARCHITECTURES),
            format_func=ARCHITECTURES.get,
            horizontal=True,
            key=f"{key}_architecture",
            persist_state="page",
            help="Skip-gram predicts each context word from the centre word (better for rare "
            "words, small corpora); CBOW predicts the centre from the averaged context (faster).",
        ),
    }
    if objective:
        values["objective"] = right.radio(
            "Objective",
            list(OBJECTIVES),
            format_func=OBJECTIVES.get,
            horizontal=True,
            key=f"{key}_objective",
            persist_state="page",
        )
    left, right = st.columns(2)
    values["negative"] = left.slider(
        "Negative samples per example",
        1,
        25,
        defaults.negative,
        key=f"{key}_negative",
        persist_state="page",
    )
    values["ns_exponent"] = right.slider(
        "Noise distribution exponent",
        0.0,
        1.0,
        defaults.ns_exponent,
        0.05,
        key=f"{key}_exponent",
        persist_state="page",
    )
    st.caption(
        "**Negative sampling** scores the true word against a few random *noise* words instead "
        "of the whole vocabulary. Noise words are drawn from word frequencies raised to the "
        "exponent: 1 draws by frequency, 0 uniformly; **0.75 flattens the distribution, so rare "
        "words are drawn as negatives more often than their frequency** (and *the* less). "
        "**Hierarchical softmax** uses neither: it puts the vocabulary in a Huffman tree "
        "(frequent words near the root) and predicts a word by about log2(V) binary decisions "
        "along its path"
        + (f" (≈{math.log2(vocab):.0f} for the current model's {vocab:,} words)." if vocab else ".")
    )
    left, middle, right = st.columns(3)
    values["vector_size"] = left.select_slider(
        "Vector size", VECTOR_SIZES, defaults.vector_size, key=f"{key}_size", persist_state="page"
    )
    values["window"] = middle.slider(
        "Window",
        1,
        15,
        defaults.window,
        key=f"{key}_window",
        persist_state="page",
        help="How many words on each side count as context.",
    )
    values["min_count"] = right.slider(
        "Min count",
        1,
        20,
        defaults.min_count,
        key=f"{key}_min_count",
        persist_state="page",
        help="Words rarer than this get no vector (and are dropped from training).",
    )
    left, middle, right = st.columns(3)
    values["epochs"] = left.slider(
        "Epochs",
        1,
        100,
        defaults.epochs,
        key=f"{key}_epochs",
        persist_state="page",
        help="Passes over the corpus. A small corpus needs many.",
    )
    values["sample"] = middle.select_slider(
        "Downsampling threshold (sample)",
        SAMPLES,
        defaults.sample,
        key=f"{key}_sample",
        persist_state="page",
        format_func=lambda v: "0 (off)" if v == 0 else f"{v:g}",
        help="Words more frequent than this share of the corpus are randomly skipped. Helps on "
        "millions of words; on a small corpus 0 keeps every word, which works better.",
    )
    values["min_n"], values["max_n"] = right.slider(
        "Character n-gram lengths (FastText)",
        1,
        8,
        (defaults.min_n, defaults.max_n),
        key=f"{key}_ngrams",
        persist_state="page",
    )
    return TrainConfig(**{**defaults.__dict__, **values})


def _loss_charts(reports, initial: float | None = None) -> None:
    """The verified loss and gensim's own figure per epoch, side by side."""
    rows = [{"Epoch": 0, OURS: initial}] if initial is not None else []
    rows += [{"Epoch": r.epoch, OURS: r.loss, GENSIM: r.gensim_loss} for r in reports]
    frame = pd.DataFrame(rows)
    left, right = st.columns(2)
    left.line_chart(frame, x="Epoch", y=OURS, y_label="Verified loss per example", height=260)
    left.caption(
        "The training objective evaluated exactly, with the current weights, on a fixed sample "
        "of training examples (mean per example)."
    )
    if frame.get(GENSIM) is not None and frame[GENSIM].notna().any():
        right.line_chart(
            frame.dropna(subset=[GENSIM]),
            x="Epoch",
            y=GENSIM,
            y_label="gensim loss (biased)",
            height=260,
        )
        right.caption(
            "gensim's own tally (Word2Vec only): a sum over the epoch, taken while the weights "
            "move, from a coarse log-sigmoid table that overstates it and skips clipped scores."
        )
    else:
        right.caption("gensim keeps no loss for FastText; the verified loss is on the left.")


def _summary(saved: classic_store.SavedModel) -> str:
    c = saved.model.config
    objective = (
        f"{OBJECTIVES[c.objective].lower()} ({c.negative} negatives, exponent {c.ns_exponent:g})"
        if c.objective == "negative"
        else OBJECTIVES[c.objective].lower()
    )
    return (
        f"{ARCHITECTURES[c.architecture]}, {objective}, {c.vector_size} dimensions, window "
        f"{c.window}, min count {c.min_count}, sample {c.sample:g}, {c.epochs} epochs · trained "
        f"{saved.trained_at.replace('T', ' ').replace('+00:00', ' UTC')}"
    )


def _metrics(model: TrainedModel) -> None:
    columns = st.columns(5)
    columns[0].metric("Vocabulary", f"{model.vocab_size:,}")
    columns[1].metric("Corpus words", f"{model.corpus_words:,}")
    columns[2].metric("Train time", f"{model.seconds:.1f} s")
    columns[3].metric("Words/s", f"{model.words_per_second:,.0f}")
    final = model.epochs[-1].loss if model.epochs else model.initial_loss
    columns[4].metric(
        "Final loss", f"{final:.3f}", f"{final - model.initial_loss:.3f}", delta_color="inverse"
    )


def _snippet(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _show_hits(found) -> None:
    """(chunk, score) pairs, best first, as cards; document text is escaped."""
    for rank, (chunk, score) in enumerate(found, start=1):
        with st.container(border=True):
            st.markdown(f"**{rank}. {md_escape(chunk.where)}** · score {score:.3f}")
            st.caption(md_escape(_snippet(chunk.text)))


def _score(result) -> str:
    score = "—" if result.score is None else f"{result.score:.3f}"
    return f"{score} (OOV {result.oov_share:.1%}, {result.pairs_used:,} used)"


def _word_list(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,，、;；]+", text) if w]


# --- The page -------------------------------------------------------------------------------

page("Classic")
st.title("Classic: Word2Vec and FastText")
st.markdown(
    "Train the static word vectors that came before transformers on your own documents, watch "
    "them learn, and see what they can and cannot do — in English and 中文."
)
selection = existing_collection()
settings = resources.settings()
data_dir = str(settings.data_dir)
info = next((i for i in resources.store().collections() if i.name == selection.collection), None)
if info is None:  # deleted meanwhile
    st.info("This collection no longer exists.")
    st.stop()
corpus = _corpus(
    selection.collection, (data_dir, settings.chroma_host, info.documents, info.chunks)
)
if not corpus.words:
    st.info("The documents of this collection have no words to train on.")
    st.stop()
stamps = {a: classic_store.saved_state(data_dir, selection.collection, a) for a in ALGORITHMS}
saved = {}
for algorithm, state in stamps.items():
    try:
        loaded = None if state is None else _saved(data_dir, selection.collection, algorithm, state)
    except UserError as error:
        st.warning(md_escape(f"{ALGORITHMS[algorithm]}: {error}"))
    else:
        if loaded is not None:
            saved[algorithm] = loaded

if "classic_next" in st.session_state:  # a model just trained: explore it
    st.session_state.classic_model = st.session_state.pop("classic_next")
if st.session_state.get("classic_model") not in saved:
    st.session_state.pop("classic_model", None)
with st.sidebar:
    st.subheader("Word vectors")
    if saved:
        chosen = st.radio(
            "Model to explore", list(saved), format_func=ALGORITHMS.get, key="classic_model"
        )
        current = saved[chosen]
        stamp = stamps[chosen]
        model = current.model
        st.caption(f"{model.vocab_size:,} words × {model.wv.vector_size} dimensions")
        if current.fingerprint != corpus.fingerprint:
            st.warning(
                "Trained on an older state of this collection (documents were added or removed "
                "since): train again to include them."
            )
    else:
        current = stamp = model = None
        st.caption("No model trained on this collection yet.")

st.caption(
    f"Corpus: {len(corpus.texts)} documents · {len(corpus.sentences):,} sentences · "
    f"{corpus.words:,} words · {corpus.vocabulary:,} distinct (jieba segments Chinese)"
)
defaults = classic_store.suggested_config(corpus.words)
tabs = dict(zip(TABS, st.tabs(TABS, key="tab", on_change="rerun", bind="query-params")))

with tabs["Train"]:
    if tabs["Train"].open:
        with st.form("train"):
            config = _settings("train", defaults, True, model and model.vocab_size)
            submitted = st.form_submit_button("Train", type="primary", icon=":material/play_arrow:")
        if submitted:
            progress = st.progress(0.0, text="Building the vocabulary…")
            live = st.empty()
            reports: list[EpochReport] = []

            def on_epoch(report: EpochReport) -> None:
                reports.append(report)
                progress.progress(
                    report.epoch / config.epochs,
                    text=f"Epoch {report.epoch}/{config.epochs} · loss {report.loss:.3f} · "
                    f"{report.words_per_second:,.0f} words/s · {report.elapsed:.1f} s",
                )
                with live.container():
                    _loss_charts(reports)

            try:
                trained = train(corpus.sentences, config, on_epoch)
            except UserError as error:
                progress.empty()
                st.warning(md_escape(str(error)))
            else:
                classic_store.save_model(
                    data_dir, selection.collection, trained, corpus.fingerprint
                )
                st.session_state.classic_next = config.algorithm
                st.session_state.classic_flash = (
                    f"Trained {ALGORITHMS[config.algorithm]} in {trained.seconds:.1f} s and saved "
                    f"it for **{md_escape(selection.collection)}**: explore it in the other tabs."
                )
                st.rerun()
        flash = st.session_state.pop("classic_flash", None)
        if flash:
            st.success(flash)
        for algorithm, entry in saved.items():
            with st.expander(f"Latest {ALGORITHMS[algorithm]} model", expanded=entry is current):
                st.caption(_summary(entry))
                _metrics(entry.model)
                _loss_charts(entry.model.epochs, entry.model.initial_loss)

with tabs["Compare"]:
    if tabs["Compare"].open:
        st.markdown(
            "Negative sampling or hierarchical softmax? Both are trained here with the same "
            "settings on the same corpus, then timed and evaluated side by side."
        )
        with st.form("compare"):
            config = _settings("compare", defaults, False, model and model.vocab_size)
            submitted = st.form_submit_button("Train both and compare", type="primary")
        if submitted:
            progress = st.progress(0.0, text="Building the vocabulary…")

            def on_compare_epoch(objective: str, report: EpochReport) -> None:
                done = (objective == "hierarchical") * config.epochs + report.epoch
                progress.progress(
                    done / (2 * config.epochs),
                    text=f"{OBJECTIVES[objective]}: epoch {report.epoch}/{config.epochs}",
                )

            try:
                runs = compare_objectives(corpus.sentences, config, on_compare_epoch)
            except UserError as error:
                st.warning(md_escape(str(error)))
            else:
                st.session_state.classic_compare = (selection.collection, corpus.fingerprint, runs)
            progress.empty()
        compared = st.session_state.get("classic_compare")
        if compared and compared[0] == selection.collection:
            runs = compared[2]
            table = {
                "Train seconds": [f"{r.seconds:.2f}" for r in runs],
                "Words/s": [f"{r.words_per_second:,.0f}" for r in runs],
                "Final loss (per example)": [f"{r.final_loss:.3f}" for r in runs],
                "Vocabulary": [f"{r.vocab_size:,}" for r in runs],
            }
            for i, result in enumerate(runs[0].evaluation):
                table[f"{result.name}: {result.metric}"] = [_score(r.evaluation[i]) for r in runs]
            st.dataframe(
                pd.DataFrame(table, index=[OBJECTIVES[r.objective] for r in runs]).T,
                width="stretch",
            )
            st.caption(
                "The two final losses are different objectives (negative sampling's true-vs-noise "
                "loss, hierarchical softmax's path loss), so they are not comparable with each "
                "other, only across epochs. Quality: analogy accuracy and Spearman correlation "
                "with human similarity scores, on the questions whose words are all in the "
                "vocabulary (OOV: share skipped). On a small corpus few questions can be asked "
                "and the scores are noisy."
            )

with tabs["Explore"]:
    if tabs["Explore"].open:
        if model is None:
            st.info("No model yet: train one on the Train tab.")
        else:
            st.subheader("Nearest neighbours")
            with st.form("neighbours", border=False):
                left, right = st.columns([3, 1], vertical_alignment="bottom")
                word = left.text_input(
                    "Word",
                    (example_words(model, ["bank", "river", "苹果"], 1) or [""])[0],
                    key="explore_word",
                    persist_state="page",
                )
                right.form_submit_button("Find neighbours")
            if word.strip():
                try:
                    found = neighbours(model, word, 10)
                except UserError as error:
                    st.info(md_escape(str(error)))
                else:
                    st.dataframe(
                        pd.DataFrame(found, columns=["Word", "Cosine"]), hide_index=True, width=480
                    )

            st.subheader("Analogy: a − b + c")
            st.caption(
                f"king − man + woman ≈ queen: the offset from b to a, added to c. This corpus has "
                f"{corpus.words:,} words (the sample corpus about 14,000), so only relations its "
                "text states often come out; the famous analogies came from billions of words. "
                "中文: try 苹果 − 水果 + 公司 on your own documents."
            )
            with st.form("analogy", border=False):
                cols = st.columns([2, 2, 2, 1], vertical_alignment="bottom")
                a = cols[0].text_input("a", "king", key="analogy_a", persist_state="page")
                b = cols[1].text_input("− b", "man", key="analogy_b", persist_state="page")
                c = cols[2].text_input("+ c", "woman", key="analogy_c", persist_state="page")
                cols[3].form_submit_button("Solve")
            if not (a.strip() and b.strip() and c.strip()):
                st.info("Fill in all three words.")
            else:
                try:
                    solved = analogy_map(model, a, b, c, 5)
                except UserError as error:
                    st.warning(md_escape(str(error)))
                else:
                    left, right = st.columns([1, 2])
                    left.dataframe(
                        pd.DataFrame(solved.results, columns=["Answer", "Cosine"]),
                        hide_index=True,
                    )
                    left.caption(
                        "Arrows: b → a (blue), and c → the best answer (orange). × marks "
                        "a − b + c itself; the answers are the words nearest to it."
                    )
                    right.plotly_chart(classic_figures.analogy_figure(solved), key="analogy_map")

            st.subheader("Word map")
            with st.form("word_map", border=False):
                cols = st.columns([3, 2, 2, 1], vertical_alignment="bottom")
                n = cols[0].slider(
                    "Most frequent words", 20, 300, 100, 10, key="map_n", persist_state="page"
                )
                method = cols[1].radio(
                    "Projection",
                    ["pca", "umap"],
                    format_func=str.upper,
                    horizontal=True,
                    key="map_method",
                    persist_state="page",
                )
                skip = cols[2].checkbox(
                    "Hide function words", True, key="map_skip", persist_state="page"
                )
                cols[3].form_submit_button("Draw")
            try:
                placed, notes = _word_map(stamp, n, method, skip, model)
            except UserError as error:
                st.warning(md_escape(str(error)))
            else:
                for note in notes:
                    st.caption(note)
                st.plotly_chart(classic_figures.word_map_figure(placed), key="word_map")
                st.caption(
                    "Each word's vector squeezed to 2-D; marker size grows with its count. PCA "
                    "keeps global directions (with English and Chinese in one corpus, the first "
                    "one often just separates the languages); UMAP keeps neighbourhoods."
                )

with tabs["Unseen words"]:
    if tabs["Unseen words"].open:
        st.markdown(
            "Word2Vec has one vector per vocabulary word and nothing for any other word. FastText "
            "also learns vectors for character n-grams, and builds a vector for any word from "
            "its n-grams."
        )
        with st.form("unseen", border=False):
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            unseen = left.text_input(
                "A word the corpus never uses",
                "riverbanks",
                key="unseen_word",
                persist_state="page",
            )
            right.form_submit_button("Look up")
        st.caption("中文: try 苹果汁 or 长江水 on the sample corpus.")
        for column, algorithm in zip(st.columns(2), ALGORITHMS):
            with column:
                st.subheader(ALGORITHMS[algorithm])
                entry = saved.get(algorithm)
                if entry is None:
                    st.info(f"No {ALGORITHMS[algorithm]} model yet: train one on the Train tab.")
                    continue
                if not unseen.strip():
                    continue
                key = unseen.strip().lower()
                known = key in entry.model.wv.key_to_index
                st.caption(f"'{md_escape(key)}' is {'in' if known else 'not in'} the vocabulary.")
                if algorithm == "fasttext":
                    grams = char_ngrams(entry.model, key)
                    st.markdown("**Character n-grams** (< and > mark the word's edges)")
                    st.markdown(" ".join(f":blue-background[{md_escape(g)}]" for g in grams))
                try:
                    found = neighbours(entry.model, key, 8)
                except UserError as error:
                    st.warning(md_escape(str(error)))
                else:
                    st.markdown("**Nearest vocabulary words**")
                    st.dataframe(pd.DataFrame(found, columns=["Word", "Cosine"]), hide_index=True)

with tabs["Evaluate"]:
    if tabs["Evaluate"].open:
        if model is None:
            st.info("No model yet: train one on the Train tab.")
        else:
            st.caption(f"{ALGORITHMS[model.config.algorithm]}: {_summary(current)}")
            results = _evaluation(stamp, model)
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Benchmark": r.name,
                            "Metric": r.metric,
                            "Score": None if r.score is None else round(r.score, 3),
                            "OOV share": f"{r.oov_share:.1%}",
                            "Items used": f"{r.pairs_used:,} of {r.total:,}",
                        }
                        for r in results
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
            st.caption(
                "Analogies: share of a : b :: c : ? questions answered exactly. Word pairs: "
                "Spearman correlation of cosine similarity with human ratings. Only items whose "
                "words are all in the vocabulary count (OOV share: the rest). Quality is driven by "
                "corpus size: a few documents cover a small share of the benchmarks and give noisy "
                "scores; millions of words are needed for the published numbers."
            )

with tabs["Static vs contextual"]:
    if tabs["Static vs contextual"].open:
        if model is None:
            st.info("No model yet: train one on the Train tab.")
        else:
            st.markdown(
                "A static model gives a word **one** vector whatever the sentence; a transformer "
                "gives every occurrence its own. Try a word with two senses."
            )
            with st.form("polysemy", border=False):
                left, right = st.columns([3, 1], vertical_alignment="bottom")
                word = left.text_input(
                    "Word",
                    (example_words(model, ["bank", "苹果"], 1) or [""])[0],
                    key="polysemy_word",
                    persist_state="page",
                )
                right.form_submit_button("Compare")
            st.caption("中文: try 苹果 (the fruit and the company) on the sample corpus.")
            if word.strip():
                encoder = resources.encoder(selection.model)
                try:
                    shown = _polysemy(
                        stamp,
                        corpus.fingerprint,
                        encoder.name,
                        word.strip().lower(),
                        corpus.texts,
                        model,
                        encoder,
                    )
                except UserError as error:
                    st.warning(md_escape(str(error)))
                else:
                    static_fig, contextual_fig = classic_figures.polysemy_figures(shown)
                    left, right = st.columns(2)
                    left.markdown(f"**{ALGORITHMS[model.config.algorithm]}: one point**")
                    left.plotly_chart(static_fig, key="static_map")
                    right.markdown(
                        f"**{selection.model}: one point per occurrence ({len(shown.sentences)})**"
                    )
                    right.plotly_chart(contextual_fig, key="contextual_map")
                    st.caption(
                        "Each map is its own PCA: the two spaces are unrelated. Right: colours are "
                        "a 2-way k-means split of the contextual vectors; hover to read the "
                        "sentence."
                    )

            st.subheader("One-hot vs dense")
            with st.form("one_hot", border=False):
                left, right = st.columns([3, 1], vertical_alignment="bottom")
                listed = left.text_input(
                    "Words",
                    ", ".join(example_words(model, ["king", "queen", "bank", "river"], 4)),
                    key="one_hot_words",
                    persist_state="page",
                )
                right.form_submit_button("Show")
            try:
                contrast = one_hot_vs_dense(model, _word_list(listed))
            except UserError as error:
                st.warning(md_escape(str(error)))
            else:
                left, right = st.columns(2)
                labels = list(contrast.words)
                left.markdown(
                    f"**One-hot**: {contrast.one_hot_dimension:,} dimensions, "
                    f"{contrast.one_hot_sparsity:.2%} zeros; every pair is orthogonal."
                )
                left.dataframe(pd.DataFrame(contrast.one_hot_cosine, labels, labels).round(2))
                right.markdown(
                    f"**Dense**: {contrast.dense_dimension} dimensions, no zeros; similar words "
                    "have similar vectors."
                )
                right.dataframe(pd.DataFrame(contrast.dense_cosine, labels, labels).round(2))
                st.caption("Cosine similarity between the words' vectors.")

with tabs["Retrieval"]:
    if tabs["Retrieval"].open:
        if model is None:
            st.info("No model yet: train one on the Train tab.")
        else:
            with st.form("retrieval", border=False):
                left, right = st.columns([4, 1], vertical_alignment="bottom")
                question = left.text_input(
                    "Question",
                    "How does FastText handle words it has never seen?",
                    key="retrieval_question",
                    persist_state="page",
                )
                right.form_submit_button("Search", type="primary")
            if question.strip():
                left, right = st.columns(2)
                with left:
                    st.markdown(f"**Average of {ALGORITHMS[model.config.algorithm]} vectors**")
                    texts = [chunk.text for chunk in corpus.chunks]
                    try:
                        rows = _average_search(stamp, corpus.fingerprint, question, 5, model, texts)
                    except UserError as error:
                        st.warning(md_escape(str(error)))
                    else:
                        found = [(corpus.chunks[row], score) for row, score in rows]
                        _show_hits(found)
                with right:
                    st.markdown(f"**Transformer encoder `{selection.model}`**")
                    try:
                        hits = search(
                            resources.store(),
                            resources.encoder(selection.model),
                            selection.collection,
                            question,
                            5,
                        )
                    except UserError as error:
                        st.warning(md_escape(str(error)))
                    else:
                        _show_hits([(h.chunk, h.score) for h in hits])
                st.caption(
                    "Averaging word vectors loses word order and blurs the question into its "
                    "frequent words; the encoder reads the whole sentence. The two scores are "
                    "cosines in different spaces: compare rankings, not numbers."
                )
