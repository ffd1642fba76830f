"""The top floor of unqa: the command line (``unqa_app.cli``) and the app's view code (``unqa_app.ui``).

Nothing below (``unqa``, ``ingest``, ``index``, ``eval``, ``bench``) imports this package.
"""
