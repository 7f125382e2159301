"""The upload limit users see and the one the app enforces: one number, EE_MAX_FILE_MB."""

from __future__ import annotations

import streamlit as st

from core.settings import Settings


def upload_limit_mb(settings: Settings) -> int:
    """Megabytes per file: the app's setting, capped by the server's own upload ceiling.

    EE_MAX_FILE_MB leads; scripts/start.sh and scripts/serve.sh raise Streamlit's
    server.maxUploadSize to it. Started some other way, the server's ceiling may be lower, and
    then the uploader must say that lower number, since the server refuses anything above it.
    """
    return max(1, min(settings.max_file_mb, int(st.get_option("server.maxUploadSize"))))
