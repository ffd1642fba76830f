"""The delegates' app for ``streamlit run app.py``: the page itself is ``unqa_app.streamlit_app``.

``unqa app`` runs the installed ``unqa_app/streamlit_app.py`` directly, so the wheel works without
this file; it stays so that the repository's ``streamlit run app.py`` keeps working.
"""

from unqa_app.streamlit_app import main

main()
