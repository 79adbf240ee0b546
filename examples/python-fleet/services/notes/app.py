"""notes: keeps notes in memory on its service port (GET lists, POST adds); GET /health on its health port answers {"status":"ok"}."""
import json
from importlib import metadata
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVICE_PORT = int(os.environ["SERVICE_PORT"])
HEALTH_PORT = int(os.environ["HEALTH_PORT"])
with open("/etc/machine-profile.json") as f:
    PROFILE = json.load(f)


class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/health":
            self.send_error(404)
            return
        body = b'{"status":"ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


NOTES = []
LOCK = threading.Lock()


class Notes(BaseHTTPRequestHandler):
    def reply(self, document):
        body = json.dumps(document).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with LOCK:
            listed = list(NOTES)
        # the family's Debian Python packages are importable: report what family-web provides
        self.reply({"notes": listed, "machine": PROFILE.get("machine", ""),
                    "fastapi": metadata.version("fastapi"), "uvicorn": metadata.version("uvicorn")})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        text = self.rfile.read(length).decode("utf-8", "replace")
        with LOCK:
            NOTES.append(text)
            count = len(NOTES)
        self.reply({"stored": count})


if __name__ == "__main__":
    health = ThreadingHTTPServer(("0.0.0.0", HEALTH_PORT), Health)
    threading.Thread(target=health.serve_forever, daemon=True).start()
    ThreadingHTTPServer(("0.0.0.0", SERVICE_PORT), Notes).serve_forever()
