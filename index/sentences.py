"""Sentence splitting, shared by the index builder (the sentence lane's pieces) and the answer.

Its own module so that the index fingerprint covers what shapes the pieces, and not the answer's
query-time rules (``index/answer.py``): a change to an answer-type rule leaves every index fresh.
"""

from __future__ import annotations

import re

_SENT_END = re.compile(r"(?<=[。；！？!?;])|(?<=\.)\s+(?=[A-Z(])")


def split_sentences(text: str) -> list[str]:
    parts = [s.strip() for s in _SENT_END.split(text) if s and s.strip()]
    return [s for s in parts if len(s) >= 2] or [text.strip()]
