"""Generated answers on the Ask page: the generator picker, streaming with a stop button, and the
conversation whose follow-up questions are rewritten before retrieval."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import streamlit as st

from core.errors import UserError
from core.retrieval.answer import Answer
from core.retrieval.generate import (
    EXTRACTIVE,
    LOCAL,
    OPENAI,
    GeneratedAnswer,
    Generation,
    bundled_smollm2,
    rewrite_question,
)
from ui import resources, why
from ui.render import md_escape

PRESETS = {
    "Ollama": ("http://localhost:11434/v1", "qwen2.5:7b-instruct"),
    "llama.cpp server": ("http://localhost:8080/v1", "default"),
    "vLLM": ("http://localhost:8000/v1", "Qwen/Qwen2.5-7B-Instruct"),
    "LM Studio": ("http://localhost:1234/v1", "qwen2.5-7b-instruct"),
    "OpenAI": ("https://api.openai.com/v1", "gpt-4o-mini"),
}
CUSTOM = "Custom"
STOP_WAIT_S = 10.0  # how long a rerun waits for an interrupted stream's last piece
KINDS = {
    EXTRACTIVE: "Extractive (best sentences, no model)",
    OPENAI: "OpenAI-compatible endpoint",
    LOCAL: "Local model (GGUF file or folder)",
}

# Markdown that could fetch or link (images, links, :directives[...]), maths, and HTML.
_MODEL_SPECIAL = re.compile(r"([\\\[\]$`])")
# A citation once escaped: \[1\] or \[1, 2\] (the separators those of core's citation parser).
_ESCAPED_CITATION = re.compile(r"\\\[(\d{1,3}(?:\s*[,，、;]\s*\d{1,3})*)\\\]")
_SEPARATOR = re.compile(r"(\s*[,，、;]\s*)")


@dataclass(frozen=True)
class Choice:
    kind: str
    base_url: str | None = None
    model: str | None = None


def model_markdown(
    text: str, cited: frozenset[int] = frozenset(), cards: frozenset[int] = frozenset()
) -> str:
    """Model output as Markdown: HTML escaped, no links, images or maths of its own.

    Each cited [n] is in bold, and a link to passage n's card when n is in cards: the only
    links in the result, and only ever to a card's anchor.
    """
    text = _MODEL_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return _ESCAPED_CITATION.sub(lambda match: _citation(match, cited, cards), text)


def _citation(match: re.Match[str], cited: frozenset[int], cards: frozenset[int]) -> str:
    """One escaped [n] or [n, m]: each number that is a passage given in bold or linked."""
    parts = _SEPARATOR.split(match.group(1))  # numbers at even places, separators between
    if not cited.intersection(int(part) for part in parts[::2]):
        return match.group(0)  # points at no passage given: left as the model wrote it

    def number(text: str, shown: str) -> str:
        n = int(text)
        if n in cards:
            return why.cited_link(shown, n)
        return f"**{shown}**" if n in cited else shown

    if len(parts) == 1:
        return number(parts[0], f"\\[{parts[0]}\\]")
    marked = (part if i % 2 else number(part, part) for i, part in enumerate(parts))
    return f"\\[{''.join(marked)}\\]"


def picker() -> Choice:
    """Who writes the answer: chosen in the sidebar, starting from the EE_LLM_* settings."""
    config = resources.settings()
    kinds = list(KINDS)
    default = kinds.index(config.llm_generator) if config.llm_generator in kinds else 0
    st.subheader("Answer writer")
    kind = st.radio(
        "Answer writer", kinds, default, format_func=KINDS.get, label_visibility="collapsed"
    )
    if kind == OPENAI:
        preset = st.selectbox("Server", [CUSTOM, *PRESETS], help="Fills in the usual address.")
        url, model = PRESETS.get(preset, (config.llm_base_url or "", config.llm_model or ""))
        if preset == CUSTOM or config.llm_base_url is None:
            url = config.llm_base_url or url
        base_url = st.text_input("Base URL", url, key=f"llm_url_{preset}")
        model = st.text_input("Model name", config.llm_model or model, key=f"llm_model_{preset}")
        key_set = resources.llm_api_key() is not None
        st.caption(
            "API key: "
            + ("set (from secrets or the environment)." if key_set else "none set")
            + ("" if key_set else " — local servers need none; for OpenAI set EE_LLM_API_KEY.")
        )
        choice = Choice(OPENAI, base_url.strip(), model.strip())
    elif kind == LOCAL:
        bundled = bundled_smollm2()
        default_path = config.llm_model or (str(bundled) if bundled else "")
        path = st.text_input(
            "GGUF file or model folder",
            default_path,
            help="For Chinese, point to e.g. a Qwen2.5-Instruct GGUF you downloaded.",
        )
        if bundled is not None and path == str(bundled):
            st.caption(
                "Bundled SmolLM2-135M: a teaching demo of generation. It is tiny, English-only "
                "and makes things up."
            )
        choice = Choice(LOCAL, None, path.strip())
    else:
        return Choice(EXTRACTIVE)
    if st.session_state.get("conversation") and st.button(
        "New conversation", help="Follow-up questions are read in the light of earlier ones."
    ):
        st.session_state.conversation = []
        st.session_state.pop("rewritten", None)
    return choice


def standalone(question: str, collection: str, choice: Choice) -> str:
    """The question to retrieve with: a follow-up rewritten from the conversation (and shown)."""
    st.session_state.pop("rewritten", None)
    turns = [
        (turn["question"], turn["answer"])
        for turn in st.session_state.get("conversation", [])
        if turn["collection"] == collection
    ]
    if choice.kind == EXTRACTIVE or not turns:
        return question
    with st.spinner("Rewriting the follow-up into a standalone question…"):
        rewritten = rewrite_question(
            resources.generator(choice.kind, choice.base_url, choice.model), turns, question
        )
    if rewritten != question:
        st.session_state.rewritten = (question, rewritten)
    return rewritten


def answered(result: Answer, choice: Choice, collection: str) -> tuple[str, ...] | None:
    """Write (streaming) or show the generated answer and return the chunk ids it cites (none
    after an error); None for the extractive choice, which the page writes itself."""
    if choice.kind == EXTRACTIVE:
        return None
    _conversation(collection, result.query)
    rewritten = st.session_state.get("rewritten")
    if rewritten and rewritten[1] == result.query:
        st.caption(f"Asked as: {md_escape(rewritten[1])}")
    key = (collection, result.query, choice, tuple(hit.chunk.id for hit in result.hits))
    stored = st.session_state.get("generation")
    if stored is not None and stored[0] == key:
        _, generation, stream = stored
        interrupted = _interrupt(generation, stream)
        done = generation.result()
        if interrupted and done.stopped is None:  # the model obeyed before another piece came
            done = replace(done, stopped="stopped")
        return _show(done)
    config = resources.settings()
    try:
        generator = resources.generator(choice.kind, choice.base_url, choice.model)
        if generator.note:
            st.caption(md_escape(generator.note))
        generation = Generation(
            generator,
            result.query,
            result.hits,
            result.verdict,
            config.llm_max_tokens,
            config.llm_timeout,
        )
        stream = iter(generation)
        st.session_state.generation = (key, generation, stream)
        stop = st.empty()
        stop.button("Stop", icon=":material/stop:", key="stop_generation")
        with st.container(key="answer_stream"), st.empty():
            st.write_stream(model_markdown(piece) for piece in stream)
            stop.empty()
            st.empty()  # the final rendering below replaces the streamed text
    except UserError as error:
        st.session_state.pop("generation", None)
        st.error(str(error))
        return ()
    done = generation.result()
    if done.stopped is None:
        st.session_state.setdefault("conversation", []).append(
            {"collection": collection, "question": result.query, "answer": done.text}
        )
    return _show(done)


def _interrupt(generation: Generation, stream: Iterator[str]) -> bool:
    """End the stream of an answer an earlier run was writing; True when it was cut short.

    A rerun (Stop, a click on the map) starts in a new thread at once, while the old run may
    still wait inside the stream for the model's next piece: the model is told to stop, and
    the stream is closed as soon as that piece came, so the answer is complete (and marked
    stopped) before it is shown. Left to the garbage collector, it would show as finished.
    """
    if generation.done:
        return False
    generation.stop()
    deadline = time.monotonic() + STOP_WAIT_S
    while True:
        try:
            stream.close()
            return True
        except ValueError:  # "generator already executing" in the interrupted run's thread
            if time.monotonic() > deadline:
                return True  # shown as it stands; the old run ends it when the piece comes
            time.sleep(0.05)


def cards(done: GeneratedAnswer) -> frozenset[int]:
    """The cited passages that have a card on the page to link to (pictures are thumbnails)."""
    return frozenset(c.n for c in done.citations if not c.hit.chunk.is_image)


def _show(done: GeneratedAnswer) -> tuple[str, ...]:
    """The finished (or stopped) answer and its notes; returns the chunk ids it cites."""
    cited, linked = frozenset(citation.n for citation in done.citations), cards(done)
    st.container(key="answer_text").markdown(model_markdown(done.text, cited, linked))
    ids = tuple(citation.hit.chunk.id for citation in done.citations)
    if done.stopped:
        st.caption(f"Stopped ({done.stopped}): the answer is incomplete.")
    if done.refused:
        st.caption("Your documents don't seem to answer this, so no model was asked.")
        return ids
    if done.declined:
        st.caption("The model read the passages below and found no answer in them.")
    if done.flagged:
        st.warning("This answer cites none of the passages it was given: treat it as unsupported.")
    if done.invalid:
        numbers = ", ".join(f"\\[{n}\\]" for n in done.invalid)
        st.caption(f"Ignored citations that point at no passage given: {numbers}.")
    if done.citations:
        sources = " · ".join(
            f"{model_markdown(f'[{c.n}]', cited, linked)} {md_escape(c.hit.chunk.where)}"
            for c in done.citations
        )
        st.markdown(f"Sources: {sources}")
    prompt = done.prompt
    sizes = ", ".join(str(tokens) for tokens in prompt.passage_tokens)
    approx = "" if prompt.exact else "≈"
    note = (
        f"Prompt {approx}{prompt.tokens:,} tokens of a {prompt.context_window:,}-token window "
        f"({prompt.max_tokens:,} kept for the answer); passages given: {len(prompt.passages)} "
        f"({approx}{sizes} tokens)"
    )
    if prompt.dropped:
        note += f", {prompt.dropped} left out to fit"
    if prompt.truncated:
        note += ", the last one cut short"
    st.caption(
        note + ". Citations [n] link to the numbered passage cards below, and are ringed on "
        "the map."
    )
    if done.first_token_s is not None:
        st.caption(f"First words after {done.first_token_s:.1f} s, done in {done.seconds:.1f} s.")
    return ids


def _conversation(collection: str, current: str) -> None:
    """The earlier turns of this collection's conversation, oldest first."""
    turns = [
        t
        for t in st.session_state.get("conversation", [])
        if t["collection"] == collection and t["question"] != current
    ]
    if turns:
        with st.expander(f"Earlier in this conversation ({len(turns)})"):
            for turn in turns:
                question, answer = md_escape(turn["question"]), model_markdown(turn["answer"])
                st.markdown(f"**{question}**  \n{answer}")
