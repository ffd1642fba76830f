"""Storage and retrieval engines behind the lanes: ``local`` (FAISS + bm25s, in-process, the default)
and ``milvus`` (pymilvus: embedded milvus-lite, a Lite server, or a Milvus cluster).

An engine stores *tables* (dense vector tables and BM25 tables) with a few scalar fields per row,
and answers top-k searches over them, optionally restricted by ``Filters``. It knows nothing about
questions, languages or fusion: that is the lanes' and the searcher's business (``index/lanes``).
"""
