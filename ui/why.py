"""The Ask page's search-mode switch and its "why this result" details for each passage."""

from __future__ import annotations

import streamlit as st

from core.records import Hit
from core.retrieval.answer import Answer, Evidence
from core.retrieval.answerability import closest_label
from core.retrieval.lexical import matched_spans
from core.retrieval.rerank import Reranker
from core.retrieval.search import CANDIDATES, DEFAULT_MODE, DEFAULT_WEIGHT, MODES
from ui import page_view, resources
from ui.render import md_escape

# A passage card's anchor: citations link to it. A fixed tag around a number, never text from a
# document or a model; the margin keeps the card clear of the app's fixed header.
_ANCHOR_TAG = '<a id="{}" style="scroll-margin-top: 4rem"></a>'

MODE_LABELS = {"dense": "Dense", "bm25": "BM25", "hybrid": "Hybrid"}
MODE_HELP = (
    "Dense ranks passages by the meaning of their embeddings; BM25 by the words they share with "
    "the question (exact names and numbers); Hybrid adds both scores, each scaled to 0-1 over "
    f"the {CANDIDATES} best of its ranking: weight x dense + (1 - weight) x BM25, where the best "
    "passage of each ranking counts 1 and dense search's last candidate 0. Each cosine is first "
    "measured from the median of the candidates in its passage's language (English or Chinese): "
    "a question scores passages in its own language higher, whatever they say."
)


def search_controls() -> tuple[str, float, Reranker | None]:
    """The mode switch, the hybrid weight and the optional reranker (call inside the sidebar)."""
    mode = st.radio(
        "Search mode",
        MODES,
        index=MODES.index(DEFAULT_MODE),
        format_func=MODE_LABELS.__getitem__,
        horizontal=True,
        help=MODE_HELP,
        key="search_mode",
    )
    weight = st.slider(
        "Hybrid: weight of dense",
        0.0,
        1.0,
        DEFAULT_WEIGHT,
        0.05,
        disabled=mode != "hybrid",
        help="1 is dense alone, 0 is BM25 alone.",
        key="search_weight",
    )
    name = st.text_input(
        "Reranker (optional)",
        placeholder="cross-encoder folder or hub name",
        help="A sentence-transformers CrossEncoder re-scores the top passages. None is installed "
        "with the app (no reranker weights ship offline): give a local folder, or a hub name "
        "with internet access. Empty: no reranking.",
        key="search_reranker",
    )
    loaded = resources.reranker(name)
    if not name.strip():
        st.caption("No reranker installed: results are not reranked.")
    return str(mode), float(weight), loaded


def ranks_caption(hit: Hit) -> str:
    """'dense #2 · cosine 0.873 · BM25 #1 · 6.16 · fused #1 · 0.871' (plain text)."""
    why = hit.why
    if why is None:
        return f"cosine {hit.score:.3f}"

    def place(rank: int | None) -> str:
        return f"#{rank}" if rank is not None else f"beyond {CANDIDATES}"

    bm25 = (
        f"BM25 {place(why.bm25_rank)} · {why.bm25_score:.2f}" if why.bm25_rank else "BM25: no term"
    )
    line = (
        f"dense {place(why.dense_rank)} · cosine {why.dense_score:.3f} · {bm25} · "
        f"fused {place(why.fused_rank)} · {why.fused_score:.3f}"
    )
    return line + (f" · reranker {why.rerank_score:.3f}" if why.rerank_score is not None else "")


def marked(text: str, sentence: tuple[int, int] | None, terms: tuple[str, ...]) -> str:
    """Markdown of text with the answer sentence on yellow and the matched query terms in bold."""
    spans = matched_spans(text, terms) if terms else []
    if sentence is None:
        return _bold(text, 0, len(text), spans)
    start, end = sentence
    lines = _bold(text, start, end, spans).split("  \n")
    yellow = "  \n".join(f":yellow-background[{line}]" if line.strip() else "" for line in lines)
    return _bold(text, 0, start, spans) + yellow + _bold(text, end, len(text), spans)


def _bold(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """Escaped Markdown of text[start:end], the parts inside spans in bold (never over a line)."""
    out, at = [], start
    for a, b in spans:
        a, b = max(a, start), min(b, end)
        if a >= b:
            continue
        out.append(md_escape(text[at:a]))
        out.append(f"**{md_escape(text[a:b])}**")
        at = b
    out.append(md_escape(text[at:end]))
    return "".join(out)


def card_anchor(rank: int) -> str:
    """The id of the card of the passage ranked rank: what a citation [rank] links to."""
    return f"passage-{int(rank)}"


def cited_link(text: str, rank: int) -> str:
    """Markdown (escaped text) in bold, linking to the card of the passage ranked rank."""
    return f"[**{text}**](#{card_anchor(rank)})"


def answer_lines(result: Answer) -> list[str]:
    """The extractive answer as Markdown lines, each citation a link to its passage's card."""
    first: dict[str, Hit] = {}  # citation -> the best hit it names (a page may hold several chunks)
    for evidence in result.sentences:
        first.setdefault(evidence.citation, evidence.hit)
    lines: list[str] = []
    for sentences, citation in result.cited():
        hit, shown = first[citation], md_escape(citation)
        cite = f"**{shown}**" if hit.chunk.is_image else cited_link(shown, hit.rank)
        lines.append(f"{md_escape(sentences)} {cite}")
    return lines


def cited_chunks(result: Answer) -> tuple[str, ...]:
    """Chunk ids of the passages the extractive answer's sentences came from."""
    return tuple(dict.fromkeys(evidence.hit.chunk.id for evidence in result.sentences))


def passage(evidence: Evidence, result: Answer) -> None:
    """One passage: where it is from, why it was found, its text with the evidence marked, and
    its page (highlighted) with the original file."""
    hit, chunk = evidence.hit, evidence.hit.chunk
    terms = hit.why.matched if hit.why else ()
    with st.container(border=True):
        st.markdown(_ANCHOR_TAG.format(card_anchor(hit.rank)), unsafe_allow_html=True)
        st.markdown(f"**{hit.rank}. {md_escape(chunk.where)}** · score {hit.score:.3f}")
        st.caption(md_escape(ranks_caption(hit)))
        if terms:
            st.caption("Matched terms: " + md_escape(", ".join(terms)))
        if result.used(hit):
            st.markdown(marked(chunk.text, (evidence.start, evidence.end), terms))
        else:
            label = closest_label(result.query) if not result.relevant else "Not quoted"
            st.caption(f"{label}: not used for the answer.")
            st.markdown(marked(chunk.text, None, terms))
        page_view.page_toggle(chunk)  # the cited page, highlighted, and the original file
