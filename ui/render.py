"""Rendering untrusted text safely: document text and file names never become HTML or links."""

from __future__ import annotations

import re

# Characters with a meaning in Streamlit's Markdown (incl. its :color[...] directives and $ maths).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=\"'^])")


def md_escape(text: str) -> str:
    """Text shown literally by st.markdown: no HTML, links, images, maths or formatting."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # Newlines would start new Markdown blocks (lists, headings); keep line breaks visible.
    return text.replace("\n", "  \n")


def highlighted(text: str, start: int, end: int) -> str:
    """Markdown for text with [start, end) highlighted; everything escaped."""
    before, match, after = text[:start], text[start:end], text[end:]
    # A highlight cannot run over a line break in Markdown: mark each line on its own.
    marked = "  \n".join(
        f":yellow-background[{md_escape(line)}]" if line.strip() else ""
        for line in match.split("\n")
    )
    return md_escape(before) + marked + md_escape(after)
