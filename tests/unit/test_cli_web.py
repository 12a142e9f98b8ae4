"""``cohort web``: its guard, the command it runs per seat, and its one-line errors.
(The browser itself: tests/web/test_browser_seat.py.)"""

from __future__ import annotations

import shlex
import socket
import sys
from pathlib import Path

import pytest

from tests.unit.conftest import CliRunner

pytest.importorskip("textual_serve", reason="the 'web' extra (textual-serve) is not installed")

from aiohttp.test_utils import TestClient, TestServer

from cohort_tui.web.guard import holds_secret
from cohort_tui.web.seat import SeatServer, app_command, is_loopback

SECRET = "s3cret-Secret_s3cret"


def test_the_secret_is_the_first_path_segment() -> None:
    assert holds_secret(f"/{SECRET}/", SECRET)
    assert holds_secret(f"/{SECRET}/ws", SECRET)
    assert not holds_secret(f"/{SECRET}", SECRET)  # the printed address ends in a slash
    assert not holds_secret("/", SECRET)
    assert not holds_secret(f"/{SECRET[:-1]}/", SECRET)
    assert not holds_secret(f"/x/{SECRET}/", SECRET)
    assert not holds_secret("/é/", SECRET)


def test_the_seat_command_survives_any_store_path() -> None:
    store = Path('/tmp/it\'s a "pod" $(rm -rf ~)/store')
    argv = shlex.split(app_command(store, "sam"))
    assert argv == [sys.executable, "-m", "cohort_tui", "--store", str(store), "--as", "sam"]


def test_loopback_hosts() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")


async def test_the_guard_lets_only_the_secret_through() -> None:
    seat = SeatServer("true", host="127.0.0.1", port=0, secret=SECRET, title="t")
    async with TestClient(TestServer(await seat.guarded_app())) as client:
        for path in ("/", "/ws", "/static/js/textual.js", f"/{SECRET}x/", "/nope/ws"):
            response = await client.get(path)
            assert response.status == 403, path
            assert "not the seat's" in await response.text()
        page = await client.get(f"/{SECRET}/")
        assert page.status == 200
        html = await page.text()
        host = f"{client.host}:{client.port}"
        assert f'data-session-websocket-url="ws://{host}/{SECRET}/ws"' in html
        assert f"http://{host}/{SECRET}/static/js/textual.js" in html
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert page.headers["Cache-Control"] == "no-store"
        script = await client.get(f"/{SECRET}/static/js/textual.js")
        assert script.status == 200
        # A page of another site may not open the seat's websocket, even with the secret.
        hijack = await client.get(
            f"/{SECRET}/ws",
            headers={
                "Origin": "http://evil.example",
                "Upgrade": "websocket",
                "Connection": "Upgrade",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version": "13",
            },
        )
        assert hijack.status == 403


def test_errors_are_one_line(cli: CliRunner, demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = cli("web", "--store", str(demo), "--port", "70000")
    assert code == 2 and err == "cohort: --port takes a number from 0 to 65535\n"
    code, _, err = cli("web", "--store", str(demo), "--as", "nobody", "--port", "0")
    assert code == 1 and err.startswith("cohort: ") and err.count("\n") == 1
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = cli("web", "--store", str(demo), "--port", str(port))
    assert code == 1 and out == ""
    assert err.startswith(f"cohort: cannot listen on 127.0.0.1:{port}: ")
    assert err.count("\n") == 1
    monkeypatch.setitem(sys.modules, "cohort_tui.web.seat", None)  # the extra is missing
    code, _, err = cli("web", "--store", str(demo))
    assert code == 1
    assert err == "cohort: the browser seat needs the 'web' extra: pip install 'cohort-tui[web]'\n"
