"""Streamlit pages of the app (the delegates' page is ``unqa_app.streamlit_app``) and their shared resources."""

from __future__ import annotations
