"""The Milvus engine: the dense, sentence and BM25 tables in Milvus collections, through pymilvus.

One ``uri`` reaches every deployment with the same code:
  - ``./data/milvus.db`` (a path ending in ``.db``): embedded milvus-lite, in this process;
  - ``http://127.0.0.1:19530``: a ``milvus-lite server --data-dir D --host 127.0.0.1 --port 19530``,
    or a Milvus Standalone / Distributed cluster (``https://`` for TLS).
Credentials never enter the manifest: ``token`` or ``user`` + ``password`` in ``options`` at write
time, and ``UNQA_MILVUS_TOKEN`` or ``UNQA_MILVUS_USER`` + ``UNQA_MILVUS_PASSWORD`` at open time (the
environment is also read at write time when ``options`` has none). ``db_name`` picks the database.
TLS: an ``https://`` URI; for a private CA also UNQA_MILVUS_SERVER_PEM (and UNQA_MILVUS_SERVER_NAME).

Each table of a build is one collection ``<prefix>_<build>_<table>``; the alias ``<prefix>_<table>``
(``prefix`` option; default ``unqa_<index folder name>_<6 hex of its path>``, one namespace per index)
is moved to it only once every table of the build is written, flushed and counted, so a writer
killed half-way leaves the previous build serving. A searcher opens the collections named in its
manifest entry (not the aliases), so it never mixes rows of two builds; the collections of the
previous aliased build are kept (searchers still holding it keep working), older ones are dropped.

Dense tables: ``FLAT`` (exact, inner product) up to ``hnsw_threshold`` rows, ``HNSW`` above. BM25
tables: ``SPARSE_FLOAT_VECTOR`` rows holding bm25s's per-(token, row) scores, computed here from our
jieba tokens with bm25s (k1, b of ``BM25_PARAMS``, its idf), searched by sparse inner product with the
query weights, so scores equal the local engine's; Milvus's own analyzer and per-segment IDF are not
used. Scalar fields document / kind / subprogramme / lang (a sentence row carries its parent's, plus
``parent``) turn ``Filters`` into boolean expressions. The token vocabulary (and idf) of each BM25
table is kept in the build folder (``<table>.milvus-vocab.json``): queries are weighted on the client.

Usage (the index builder and the searcher call these)::

    from index.engines.milvus import MilvusEngine
    entry = MilvusEngine.write(build_dir, fields, dense_tables, sparse_tables,
                               {"uri": "./data/milvus.db", "prefix": "unqa"})
    manifest["engine"] = entry                       # engine, uri, collections, aliases...
    engine = MilvusEngine.open(build_dir, manifest["engine"], fields)
    engine.search_dense("passages", query_vector, 100, Filters(documents=("A/RES/80/46",)))
    engine.search_dense("sentences", query_vector, 200)   # sentence rows; parents via the table
    engine.search_sparse("bm25_zh", dict(Counter(query_tokens)), 100)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import scipy.sparse
from milvus_lite.server_manager import server_manager_instance
from pymilvus import DataType, MilvusClient

from index import sparse
from index.config import Filters
from index.engines.base import BM25_PARAMS, DenseTable, RowFields, SparseTable
from index.engines.local import idf_of
from unqa.model import IndexStateError
from unqa.paths import REPO_ROOT

logger = logging.getLogger(__name__)

NAME = "milvus"
DEFAULT_URI = str(REPO_ROOT / "data" / "milvus.db")
DEFAULT_PREFIX = "unqa"
HNSW_THRESHOLD = 200_000  # rows; FLAT (exact) up to here, like the local engine's FlatIP
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 200
HNSW_EF = 128  # search-time ef (raised to the depth asked for when deeper)
MAX_TOPK = 16_384  # Milvus's limit on one search's top-k
INSERT_BATCH = 2_000
VARCHAR_MAX = 65_535
FILTER_FIELDS = (("document", "documents"), ("kind", "kinds"), ("subprogramme", "subprogrammes"), ("lang", "langs"))
VOCAB_SUFFIX = ".milvus-vocab.json"
_NAME_OK = re.compile(r"[^A-Za-z0-9_]")


# ---- connection ---------------------------------------------------------------------------------
def public_uri(uri: str) -> str:
    """``uri`` without credentials (what the manifest records); a Lite path made absolute."""
    if is_lite(uri):
        return str(Path(uri).expanduser().resolve())
    parts = urlsplit(uri)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def credentials(options: dict[str, Any]) -> dict[str, str]:
    """token, or user + password: from ``options``, else from UNQA_MILVUS_TOKEN / _USER / _PASSWORD."""
    token = options.get("token") or os.environ.get("UNQA_MILVUS_TOKEN", "")
    user = options.get("user") or os.environ.get("UNQA_MILVUS_USER", "")
    password = options.get("password") or os.environ.get("UNQA_MILVUS_PASSWORD", "")
    if token:
        return {"token": str(token)}
    return {"user": str(user), "password": str(password)} if user else {}


def tls_options() -> dict[str, Any]:
    """One-way TLS with a private CA: UNQA_MILVUS_SERVER_PEM (the server's certificate) and optionally
    UNQA_MILVUS_SERVER_NAME (its certificate's name); a public CA needs nothing beyond an https URI."""
    pem = os.environ.get("UNQA_MILVUS_SERVER_PEM", "")
    if not pem:
        return {}
    name = os.environ.get("UNQA_MILVUS_SERVER_NAME", "")
    return {"secure": True, "server_pem_path": pem, **({"server_name": name} if name else {})}


def connect(uri: str, db_name: str = "", secrets: dict[str, str] | None = None) -> MilvusClient:
    if is_lite(uri):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    try:
        extra = {
            **(secrets or {}),
            **({"db_name": db_name} if db_name else {}),
            **({} if is_lite(uri) else tls_options()),
        }
        client = MilvusClient(uri=uri, **extra)
    except Exception as exc:
        raise IndexStateError(f"cannot reach Milvus at {public_uri(uri)}: {exc}") from exc
    return client


def is_lite(uri: str) -> bool:
    return uri.endswith(".db") and "://" not in uri


def release(uri: str) -> None:
    """Stop this process's embedded Lite server for ``uri`` (it holds the data folder's lock until then)."""
    if is_lite(uri):
        server_manager_instance.release_server(uri)


# ---- names --------------------------------------------------------------------------------------
def safe_name(text: str) -> str:
    """A Milvus collection-name part: letters, digits and ``_`` only."""
    cleaned = _NAME_OK.sub("_", text).strip("_")
    return cleaned or "x"


def build_id(build_dir: Path) -> str:
    """``b<YYYYmmddTHHMMSS>_<8 hex>`` from the build folder's name, else a fresh one."""
    stamp = re.match(r"(\d{8}T\d{6})-([0-9a-f]{8})", Path(build_dir).name)
    if stamp:
        return f"b{stamp.group(1)}_{stamp.group(2)}"
    return f"b{time.strftime('%Y%m%dT%H%M%S')}_{uuid.uuid4().hex[:8]}"


def default_prefix(build_dir: Path) -> str:
    """``unqa_<index folder>_<6 hex of its path>``: two indexes sharing one Milvus never touch each
    other's collections (a build folder is ``<index>/builds/<build>.partial``)."""
    index_dir = Path(build_dir).resolve().parent.parent
    digest = hashlib.sha1(str(index_dir).encode()).hexdigest()[:6]
    return f"{DEFAULT_PREFIX}_{safe_name(index_dir.name)[:32]}_{digest}"


def collection_name(prefix: str, build: str, table: str) -> str:
    return f"{prefix}_{build}_{table}"


def alias_name(prefix: str, table: str) -> str:
    return f"{prefix}_{table}"


# ---- filters ------------------------------------------------------------------------------------
def quote(value: str) -> str:
    """A Milvus string literal: double quotes, backslash and quote escaped (JSON string syntax)."""
    return json.dumps(value, ensure_ascii=False)


def filter_expression(filters: Filters | None) -> str:
    """``Filters`` as a Milvus boolean expression over the scalar fields ("" when unrestricted)."""
    if filters is None or filters.is_empty():
        return ""
    clauses = []
    for field, attr in FILTER_FIELDS:
        values = getattr(filters, attr)
        if values:
            clauses.append(f"{field} in [{', '.join(quote(str(v)) for v in values)}]")
    return " and ".join(clauses)


# ---- BM25 weights (client side) -----------------------------------------------------------------
def bm25_rows(tokens: list[list[str]]) -> tuple[scipy.sparse.csr_matrix, list[str], np.ndarray]:
    """(row x token BM25 scores, vocabulary in id order, document frequencies): bm25s's index,
    over the same tokens as the local engine (``sparse.build``), read row by row."""
    model = sparse.build(tokens)
    matrix = model.scores
    n_docs, n_vocab = int(matrix["num_docs"]), len(matrix["indptr"]) - 1
    csc = scipy.sparse.csc_matrix((matrix["data"], matrix["indices"], matrix["indptr"]), shape=(n_docs, n_vocab))
    vocab = [""] * n_vocab  # bm25s also maps "" to an id past the matrix's columns: left out
    for token, i in model.vocab_dict.items():
        if i < n_vocab:
            vocab[i] = token
    return csc.tocsr(), vocab, np.diff(matrix["indptr"])


def _sparse_row(csr: scipy.sparse.csr_matrix, row: int) -> dict[int, float]:
    start, end = csr.indptr[row], csr.indptr[row + 1]
    return {int(i): float(v) for i, v in zip(csr.indices[start:end], csr.data[start:end], strict=True)}


# ---- schema and loading -------------------------------------------------------------------------
def _schema(client: MilvusClient, vector_field: tuple[str, DataType, int | None], with_parent: bool) -> Any:
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("row", DataType.INT64, is_primary=True)
    name, dtype, dim = vector_field
    schema.add_field(name, dtype, **({"dim": dim} if dim else {}))
    for field, _ in FILTER_FIELDS:
        schema.add_field(field, DataType.VARCHAR, max_length=VARCHAR_MAX)
    if with_parent:
        schema.add_field("parent", DataType.INT64)
    return schema


def dense_index(n: int, threshold: int) -> dict[str, Any]:
    if n > threshold:
        return {
            "index_type": "HNSW",
            "metric_type": "IP",
            "params": {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION},
        }
    return {"index_type": "FLAT", "metric_type": "IP", "params": {}}


def _create(client: MilvusClient, name: str, schema: Any, field: str, index: dict[str, Any]) -> None:
    params = client.prepare_index_params()
    params.add_index(field, index_type=index["index_type"], metric_type=index["metric_type"], params=index["params"])
    if client.has_collection(name):  # left by a writer killed with the same build id
        client.drop_collection(name)
    client.create_collection(name, schema=schema)
    client.create_index(name, params, sync=False)  # built on flush / load; sync would poll every 0.5 s


def _scalars(f: RowFields) -> dict[str, str]:
    return {"document": f.document, "kind": f.kind, "subprogramme": f.subprogramme, "lang": f.lang}


def _insert(client: MilvusClient, name: str, n: int, make_row: Any, batch: int) -> None:
    for start in range(0, n, batch):
        client.insert(name, [make_row(i) for i in range(start, min(n, start + batch))])
    client.flush(name)  # Lite searches crawl over unflushed rows
    count = int(client.get_collection_stats(name)["row_count"])
    if count != n:
        raise IndexStateError(f"Milvus collection {name} holds {count} rows after the load, not {n}")


def write_dense_table(
    client: MilvusClient, name: str, table: DenseTable, fields: list[RowFields], options: dict[str, Any]
) -> dict[str, Any]:
    n, dim = table.vectors.shape
    index = dense_index(n, int(options.get("hnsw_threshold", HNSW_THRESHOLD)))
    _create(
        client,
        name,
        _schema(client, ("vector", DataType.FLOAT_VECTOR, dim), table.parents is not None),
        "vector",
        index,
    )
    vectors = np.ascontiguousarray(table.vectors, dtype=np.float32)

    def make_row(i: int) -> dict[str, Any]:
        if table.parents is None:
            return {"row": i, "vector": vectors[i], **_scalars(fields[i])}
        parent = int(table.parents[i])
        return {"row": i, "vector": vectors[i], "parent": parent, **_scalars(fields[parent])}

    _insert(client, name, n, make_row, int(options.get("batch", INSERT_BATCH)))
    return {"type": "dense", "collection": name, "rows": n, "dim": dim, "index": index}


def write_sparse_table(
    client: MilvusClient, build_dir: Path, name: str, table: SparseTable, fields: list[RowFields], options: dict
) -> dict[str, Any]:
    csr, vocab, df = bm25_rows(table.tokens)
    index = {"index_type": "SPARSE_INVERTED_INDEX", "metric_type": "IP", "params": {}}
    _create(client, name, _schema(client, ("sparse", DataType.SPARSE_FLOAT_VECTOR, None), False), "sparse", index)

    def make_row(i: int) -> dict[str, Any]:
        return {"row": i, "sparse": _sparse_row(csr, i), **_scalars(fields[i])}

    _insert(client, name, csr.shape[0], make_row, int(options.get("batch", INSERT_BATCH)))
    vocab_file = table.name + VOCAB_SUFFIX
    doc = {"vocab": vocab, "df": df.tolist(), "num_docs": csr.shape[0], **BM25_PARAMS}
    (Path(build_dir) / vocab_file).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return {"type": "sparse", "collection": name, "rows": csr.shape[0], "vocab_file": vocab_file, "index": index}


# ---- aliases ------------------------------------------------------------------------------------
def aliased(client: MilvusClient, alias: str) -> str | None:
    """The collection behind ``alias``, or None."""
    if alias not in client.list_aliases().get("aliases", []):
        return None
    return client.describe_alias(alias).get("collection_name") or None


def switch_aliases(client: MilvusClient, aliases: dict[str, str]) -> dict[str, str | None]:
    """Point each alias at its new collection; return what each pointed at before."""
    before = {alias: aliased(client, alias) for alias in aliases}
    for alias, collection in aliases.items():
        if before[alias] is None:
            client.create_alias(collection, alias)
        else:
            client.alter_alias(collection, alias)
    return before


def drop_stale(client: MilvusClient, prefix: str, keep: set[str]) -> list[str]:
    """Drop the collections of this prefix's builds other than ``keep`` (the new and the previous one)."""
    pattern = re.compile(rf"^{re.escape(prefix)}_(b\d{{8}}T\d{{6}}_[0-9a-f]{{8}})_")
    dropped = []
    for name in client.list_collections():
        found = pattern.match(name)
        if found and found.group(1) not in keep:
            client.drop_collection(name)
            dropped.append(name)
    if dropped:
        logger.info("dropped %d collections of older builds: %s", len(dropped), ", ".join(dropped))
    return dropped


def _build_of(collection: str | None, prefix: str) -> str | None:
    found = re.match(rf"^{re.escape(prefix)}_(b\d{{8}}T\d{{6}}_[0-9a-f]{{8}})_", collection or "")
    return found.group(1) if found else None


# ---- the engine ---------------------------------------------------------------------------------
class MilvusEngine:
    """Milvus collections of one build; read-only once opened; pymilvus clients are thread-safe."""

    name = NAME

    def __init__(self, client: MilvusClient, entry: dict[str, Any], vocab: dict[str, dict[str, Any]]) -> None:
        self.client = client
        self.entry = entry
        self._tables: dict[str, dict[str, Any]] = entry["tables"]
        self._vocab = vocab  # table -> {"ids": {token: id}, "df": [...], "num_docs": n}

    @classmethod
    def write(
        cls,
        build_dir: Path,
        fields: list[RowFields],
        dense: list[DenseTable],
        sparse: list[SparseTable],
        options: dict[str, Any],
    ) -> dict[str, Any]:
        """Write every table to new collections, then move the aliases; return the manifest entry."""
        uri = str(options.get("uri") or DEFAULT_URI)
        prefix = safe_name(str(options.get("prefix") or default_prefix(Path(build_dir))))
        build = safe_name(str(options.get("build_id") or build_id(Path(build_dir))))
        db_name = str(options.get("db_name") or "")
        client = connect(uri, db_name, credentials(options))
        t0 = time.perf_counter()
        tables = {
            t.name: write_dense_table(client, collection_name(prefix, build, t.name), t, fields, options) for t in dense
        }
        for t in sparse:
            tables[t.name] = write_sparse_table(
                client, build_dir, collection_name(prefix, build, t.name), t, fields, options
            )
        aliases = {alias_name(prefix, name): t["collection"] for name, t in tables.items()}
        before = switch_aliases(client, aliases)
        previous = {b for b in (_build_of(c, prefix) for c in before.values()) if b and b != build}
        dropped = drop_stale(client, prefix, {build, *previous})
        entry = {
            "engine": NAME,
            "uri": public_uri(uri),
            "lite": is_lite(uri),
            "db_name": db_name,
            "prefix": prefix,
            "build": build,
            "rows": len(fields),
            "tables": tables,
            "aliases": {name: alias_name(prefix, name) for name in tables},
            "previous_build": sorted(previous)[0] if previous else None,
            "dropped": dropped,
            "seconds": round(time.perf_counter() - t0, 2),
        }
        logger.info("Milvus build %s written to %s (%d tables)", build, entry["uri"], len(tables))
        return entry

    @classmethod
    def open(cls, build_dir: Path, entry: dict[str, Any], fields: list[RowFields]) -> MilvusEngine:
        client = connect(entry["uri"], entry.get("db_name", ""), credentials({}))
        vocab = {}
        for name, table in entry["tables"].items():
            if not client.has_collection(table["collection"]):
                raise IndexStateError(
                    f"Milvus collection {table['collection']} of this index is missing at {entry['uri']}; "
                    "rebuild the index with unqa ingest --engine milvus"
                )
            client.load_collection(table["collection"])
            if table["type"] == "sparse":
                doc = json.loads((Path(build_dir) / table["vocab_file"]).read_text(encoding="utf-8"))
                vocab[name] = {"ids": {t: i for i, t in enumerate(doc["vocab"]) if t}, **doc}
        if entry.get("rows") not in (None, len(fields)):
            raise IndexStateError(
                f"Milvus build {entry.get('build')} has {entry.get('rows')} rows, the index {len(fields)}"
            )
        return cls(client, entry, vocab)

    def tables(self) -> set[str]:
        return set(self._tables)

    def close(self) -> None:
        """Close the connection (and an embedded Lite server, so another process may open its folder)."""
        self.client.close()
        release(self.entry["uri"])

    def _search(
        self, table: str, data: Any, field: str, depth: int, filters: Filters | None, params: dict
    ) -> dict[int, float]:
        info = self._tables[table]
        limit = max(1, min(depth, info["rows"], MAX_TOPK))
        if depth > MAX_TOPK:
            logger.debug("depth %d cut to Milvus's top-k limit %d", depth, MAX_TOPK)
        found = self.client.search(
            info["collection"],
            data=[data],
            anns_field=field,
            limit=limit,
            filter=filter_expression(filters),
            search_params={"metric_type": "IP", "params": params},
            output_fields=["row"],
        )
        return {int(hit["row"]): float(hit["distance"]) for hit in found[0]}

    def search_dense(
        self, table: str, vector: np.ndarray, depth: int, filters: Filters | None = None
    ) -> dict[int, float]:
        params = (
            {"ef": max(HNSW_EF, min(depth, MAX_TOPK))} if self._tables[table]["index"]["index_type"] == "HNSW" else {}
        )
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(-1).tolist()
        return self._search(table, query, "vector", depth, filters, params)

    def search_sparse(
        self, table: str, weights: dict[str, float], depth: int, filters: Filters | None = None
    ) -> dict[int, float]:
        ids = self._vocab[table]["ids"]
        query = {ids[t]: float(w) for t, w in weights.items() if t in ids and w}
        if not query:
            return {}
        return {r: s for r, s in self._search(table, query, "sparse", depth, filters, {}).items() if s > 0}

    def bm25_idf(self, table: str) -> dict[str, float]:
        v = self._vocab[table]
        return idf_of(v["ids"], np.asarray(v["df"]), int(v["num_docs"]))
