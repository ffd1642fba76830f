"""unqa: semantic search and question answering over UN programme and resolution texts, Chinese first.

The texts searched are United Nations documents; the United Nations is their source.
"""

from __future__ import annotations

__version__ = "0.1.0"

UN_SOURCE_NOTE_ZH = "资料来源：联合国（United Nations）正式文件。"
UN_SOURCE_NOTE_EN = "Source of the texts: United Nations official documents."
