"""Offline: ingest, search and the app's search path never open a network connection.

The network is blocked in a fresh Python process (so the encoder is really loaded from disk there):
``socket.socket.connect``/``connect_ex``, ``socket.create_connection`` and ``socket.getaddrinfo`` raise
and record the attempt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from unqa.paths import REPO_ROOT, set_offline

_GUARDED = r"""
import json, socket, sys
attempts = []

def _refuse(what):
    def refuse(*args, **kwargs):
        attempts.append(f"{what}{args[1:] if what.endswith('connect') else args}"[:200])
        raise OSError(f"network blocked by test_offline: {what}")
    return refuse

socket.socket.connect = _refuse("socket.connect")
socket.socket.connect_ex = _refuse("socket.connect_ex")
socket.create_connection = _refuse("create_connection")
socket.getaddrinfo = _refuse("getaddrinfo")
try:  # the guard itself works
    socket.create_connection(("127.0.0.1", 9), timeout=1)
    sys.exit("guard not installed")
except OSError:
    assert attempts, "guard did not record"
    attempts.clear()

docs, index = sys.argv[1], sys.argv[2]
from unqa_app.cli import main
codes = {"ingest": main(["ingest", docs, "--index", index, "--no-progress"]),
         "search": main(["search", "裁军事务厅负责什么？", "--index", index, "--json"])}
from unqa_app.ui import permalink, service
searcher = service.open_searcher(index)
response, ms = service.run_query(searcher, permalink.from_params({"q": ["小武器"]}))
import os
print("RESULT " + json.dumps({"codes": codes, "attempts": attempts, "app_hits": len(response.hits),
      "offline": {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}}))
"""


def test_set_offline_sets_the_hub_variables(monkeypatch) -> None:
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    set_offline()
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert os.environ["HF_DATASETS_OFFLINE"] == "1"


def test_ingest_search_and_app_path_make_no_network_connection(tmp_path: Path, real_index) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text("裁军事务厅负责小武器和轻武器问题。\n\n第二段：区域裁军中心。\n", encoding="utf-8")
    env = {
        k: v
        for k, v in __import__("os").environ.items()
        if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")
    }  # set_offline must set them
    env["TQDM_DISABLE"] = "1"
    proc = subprocess.run(
        [sys.executable, "-c", _GUARDED, str(docs), str(tmp_path / "index")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    assert result["attempts"] == [], result["attempts"]
    assert result["codes"] == {"ingest": 0, "search": 0}, proc.stderr[-3000:]
    assert result["app_hits"] > 0
    assert result["offline"] == {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
