"""Embedding Explorer, the Home page: what is indexed, the sample corpus, where to go next."""

from pathlib import Path

import streamlit as st

from core.retrieval.chunking import ChunkConfig
from ingest.queue import Upload
from ui import jobs, resources
from ui.layout import page

SAMPLES = Path(__file__).parent / "samples"
SAMPLE_COLLECTION = "sample"


page("Home")
st.title("Embedding Explorer")
st.markdown(
    "Ask questions of your PDFs and notes with cited answers, see the embedding space as a "
    "map, and compare static word vectors with contextual embeddings — in English and 中文."
)
collections = resources.store().collections()
if collections:
    st.subheader("What is indexed")
    st.dataframe(
        [
            {
                "Collection": c.name,
                "Documents": c.documents,
                "Chunks": c.chunks,
                "Model": c.model,
                "Dimensions": c.dimension,
            }
            for c in collections
        ],
        hide_index=True,
    )
else:
    st.info("Nothing is indexed yet. Load the sample corpus or add your own files.")

st.subheader("Try it in seconds")
st.markdown(
    "The sample corpus: 14 short articles written for this project, in English and Chinese "
    "(word embeddings, transformers, rivers, banking, astronomy, 苹果, 长江, 茶, 航天 …)."
)
if st.button("Load the sample corpus", type="primary", disabled=jobs.running()):
    uploads = [Upload(path.name, path.read_bytes()) for path in sorted(SAMPLES.glob("*/*.md"))]
    jobs.start(SAMPLE_COLLECTION, resources.settings().model, uploads, ChunkConfig())
jobs.progress_panel()

st.subheader("Next steps")
st.page_link(
    "pages/library.py",
    label="Add your own PDFs, text or Markdown files",
    icon=":material/library_books:",
)
st.page_link(
    "pages/ask.py", label="Ask a question and get cited passages", icon=":material/question_answer:"
)
