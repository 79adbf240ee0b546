"""greeter: says hello on its service port; GET /health on its health port answers {"status":"ok"}."""
import json
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


class Greeter(BaseHTTPRequestHandler):
    def do_GET(self):
        name = self.path.strip("/") or "world"
        body = json.dumps({"greeting": f"hello, {name}", "machine": PROFILE.get("machine", "")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    health = ThreadingHTTPServer(("0.0.0.0", HEALTH_PORT), Health)
    threading.Thread(target=health.serve_forever, daemon=True).start()
    ThreadingHTTPServer(("0.0.0.0", SERVICE_PORT), Greeter).serve_forever()
