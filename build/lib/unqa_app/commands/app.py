"""`unqa app`: serve the delegates' web app (Streamlit) over an index.

The index is loaded once here first, so a missing or stale index is a clear message on the
terminal rather than a broken page; then this process becomes ``python -m streamlit run unqa_app/streamlit_app.py``.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
from pathlib import Path

from index.search import Searcher
from unqa.model import UnqaError
from unqa.paths import DEFAULT_HOST, DEFAULT_INDEX_DIR, DEFAULT_PORT, set_offline

logger = logging.getLogger(__name__)

APP_SCRIPT = Path(__file__).resolve().parent.parent / "streamlit_app.py"  # installed with the wheel
UN_BLUE = "#009edb"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "app",
        help="serve the web app (question box, answers with citations) on http://HOST:PORT",
        description="Serve the delegates' app over the index. Listens on 127.0.0.1 (this machine "
        "only) unless --host says otherwise.",
    )
    p.add_argument("--index", type=Path, default=DEFAULT_INDEX_DIR, help="index folder (default %(default)s)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default %(default)s)")
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help="address to listen on (default %(default)s; 0.0.0.0 exposes the app, which has no "
        "login, to the whole network)",
    )
    p.add_argument("--no-browser-open", action="store_true", help="never open a web browser")
    p.set_defaults(func=run)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def app_url(host: str, port: int) -> str:
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}"


def check_index(index_dir: Path) -> int:
    """Load the index once (``IndexStateError`` with its own message when it cannot be used)."""

    searcher = Searcher.load(index_dir)
    return len(searcher.passages)


def open_browser(no_browser_open: bool) -> bool:
    """Whether Streamlit should open a browser: asked for, and a desktop session to open it in."""
    if no_browser_open:
        return False
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def streamlit_argv(args: argparse.Namespace) -> list[str]:
    headless = "false" if open_browser(args.no_browser_open) else "true"
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
        "--server.port", str(args.port),
        "--server.address", args.host,
        "--server.headless", headless,
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",
        "--theme.primaryColor", UN_BLUE,
    ]  # fmt: skip


def run(args: argparse.Namespace) -> int:
    set_offline()
    index_dir = Path(args.index).resolve()
    if not 0 < args.port < 65536:
        raise UnqaError(f"--port {args.port} is not a TCP port (1-65535)")
    n = check_index(index_dir)  # IndexStateError: printed by the CLI with its hint, exit status 2
    if not is_loopback(args.host):
        print(f"unqa app: WARNING --host {args.host} makes the app reachable from other machines on the "
              "network; it has no login and no encryption. Use it only on a trusted network.",
              file=sys.stderr)  # fmt: skip
    env = dict(os.environ, UNQA_INDEX=str(index_dir))
    print(f"unqa app: {n} passages from {index_dir}", flush=True)
    print(f"unqa app: open {app_url(args.host, args.port)}  (Ctrl+C to stop)", flush=True)
    argv = streamlit_argv(args)
    logger.debug("exec %s", " ".join(argv))
    os.execve(sys.executable, argv, env)
    return 0  # not reached
