"""A loopback HTTP proxy that breaks its first connections, for "the connection reset" faults.

pytest-httpserver always answers; a real network also resets connections. This
proxy closes the first ``drops`` requests without a byte of answer, then forwards
every later request to ``target`` unchanged (method, path, headers, body).
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FlakyProxy:
    """``url`` in front of ``target``; the first ``drops`` requests are cut off."""

    def __init__(self, target: str, drops: int = 1) -> None:
        self.target = target.rstrip("/")
        self.drops = drops
        self.dropped = 0
        self.forwarded = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                with proxy._lock:
                    drop = proxy.dropped < proxy.drops
                    proxy.dropped += drop
                if drop:
                    self.close_connection = True
                    self.connection.close()
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                request = urllib.request.Request(
                    proxy.target + self.path, data=body, headers=headers, method=self.command
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, data, reply = response.status, response.read(), response.headers
                except urllib.error.HTTPError as exc:
                    status, data, reply = exc.code, exc.read(), exc.headers
                proxy.forwarded += 1
                self.send_response(status)
                for key, value in reply.items():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        return Handler
