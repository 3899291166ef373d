"""The Werkbank demo app: a tiny HTTP server for the course's labs.

Only the standard library, so the image needs nothing but Debian's python3.
"""

import os
import signal
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# One request may burn at most this long, so a typo cannot block a worker for minutes.
MAX_BURN_MS = 5000


def burn(milliseconds: int) -> None:
    deadline = time.monotonic() + milliseconds / 1000
    value = 0
    while time.monotonic() < deadline:
        for i in range(1000):
            value = (value + i * i) % 1_000_003


class Handler(BaseHTTPRequestHandler):
    server_version = "werkbank-demo-app"

    def reply(self, status: int, text: str) -> None:
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path == "/":
            version = os.environ.get("APP_VERSION", "1")
            self.reply(200, f"Werkbank-Demo-App {version} auf {socket.gethostname()}")
        elif url.path == "/healthz":
            self.reply(200, "ok")
        elif url.path == "/burn":
            try:
                milliseconds = int(parse_qs(url.query).get("ms", ["100"])[0])
            except ValueError:
                self.reply(400, "ms muss eine ganze Zahl sein, z. B. /burn?ms=200")
                return
            milliseconds = max(0, min(milliseconds, MAX_BURN_MS))
            burn(milliseconds)
            self.reply(200, f"{milliseconds} ms gerechnet")
        else:
            self.reply(404, f"Nicht gefunden: {url.path}")

    def log_message(self, format: str, *args) -> None:
        # Access log on stdout, where `kubectl logs` finds it.
        sys.stdout.write(f"{self.address_string()} {format % args}\n")


def main() -> None:
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer(("", port), Handler)
    server.daemon_threads = True
    # As PID 1 the process ignores SIGTERM unless it handles it; the pod would then only
    # stop after the grace period, with SIGKILL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Werkbank-Demo-App {os.environ.get('APP_VERSION', '1')} hört auf Port {port}")
    server.serve_forever()


if __name__ == "__main__":
    main()
