"""The delegates' app, minus Streamlit: formatting, highlighting, export, permalinks, judgments.

``app.py`` at the repository root is a thin Streamlit view over these modules; everything here is
plain Python and unit-tested without a browser.
"""

from __future__ import annotations
