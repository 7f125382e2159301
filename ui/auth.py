"""An optional shared password in front of every page (EE_APP_PASSWORD); off when unset.

For a team behind a proxy on a trusted network. Real sign-in (OIDC through st.login) is described
in the README; this gate only keeps a shared deployment from being open to anyone who finds it.
"""

from __future__ import annotations

import hmac
import time

import streamlit as st

from core.settings import Settings

SIGNED_IN = "signed_in"
WRONG_DELAY_S = 1.0  # slows guessing; only this session waits


def require_password(settings: Settings) -> None:
    """Show a sign-in form and stop the page until this session has given the password."""
    expected = settings.app_password
    if not expected or st.session_state.get(SIGNED_IN):
        return
    st.title("Embedding Explorer")
    with st.form("sign-in"):
        given = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        # Constant-time comparison: the time taken says nothing about how much was right.
        if hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
            st.session_state[SIGNED_IN] = True
            st.rerun()
        time.sleep(WRONG_DELAY_S)
        st.error("That password is not right.")
    st.stop()
