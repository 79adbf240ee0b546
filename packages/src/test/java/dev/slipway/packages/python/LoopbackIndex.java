package dev.slipway.packages.python;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A simple repository index over loopback HTTP serving the wheels of one directory: PEP 691 JSON (with hashes and
 * PEP 658/714 core metadata) or PEP 503 HTML (with {@code #sha256=} fragments, or none). Counts wheel downloads.
 */
final class LoopbackIndex implements AutoCloseable {
    enum Style {
        JSON, HTML, HTML_WITHOUT_HASHES
    }

    private final HttpServer server;
    final AtomicInteger wheelDownloads = new AtomicInteger();

    LoopbackIndex(Path dir, Style style) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            try {
                if (path.startsWith("/simple/") && path.endsWith("/")) {
                    String project = path.substring("/simple/".length(), path.length() - 1);
                    List<Path> files;
                    try (Stream<Path> s = Files.list(dir)) {
                        files = s.filter(
                                f -> WheelRequirement.normalise(f.getFileName().toString()).startsWith(project + "-"))
                                .sorted().toList();
                    }
                    if (files.isEmpty()) {
                        send(exchange, 404, "text/plain", new byte[0]);
                        return;
                    }
                    StringBuilder body = new StringBuilder();
                    if (style == Style.JSON) {
                        body.append("{\"meta\": {\"api-version\": \"1.1\"}, \"name\": \"").append(project)
                                .append("\", \"files\": [");
                        for (int i = 0; i < files.size(); i++) {
                            String n = files.get(i).getFileName().toString();
                            body.append(i == 0 ? "" : ",").append("{\"filename\": \"").append(n)
                                    .append("\", \"url\": \"../../files/")
                                    .append(n).append("\", \"hashes\": {\"sha256\": \"")
                                    .append(WheelSource.sha256(files.get(i)))
                                    .append("\"}, \"core-metadata\": {\"sha256\": \"unchecked\"}}");
                        }
                        send(exchange, 200, "application/vnd.pypi.simple.v1+json", body.append("]}").toString()
                                .getBytes(StandardCharsets.UTF_8));
                    } else {
                        body.append("<!DOCTYPE html><html><body>\n");
                        for (Path f : files) {
                            String n = f.getFileName().toString();
                            body.append("<a href=\"../../files/").append(n)
                                    .append(style == Style.HTML ? "#sha256=" + WheelSource.sha256(f) : "").append("\">")
                                    .append(n)
                                    .append("</a><br/>\n");
                        }
                        send(exchange, 200, "text/html",
                                body.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8));
                    }
                } else if (path.startsWith("/files/") && path.endsWith(".whl.metadata")) {
                    Path wheel = dir.resolve(path.substring("/files/".length(), path.length() - ".metadata".length()));
                    send(exchange, 200, "text/plain", WheelLocker.metadataOf(wheel, wheel.getFileName().toString())
                            .getBytes(StandardCharsets.UTF_8));
                } else if (path.startsWith("/files/") && Files.isRegularFile(dir.resolve(path.substring(7)))) {
                    wheelDownloads.incrementAndGet();
                    Path file = dir.resolve(path.substring(7));
                    exchange.sendResponseHeaders(200, Files.size(file));
                    try (OutputStream o = exchange.getResponseBody()) {
                        Files.copy(file, o);
                    }
                } else {
                    send(exchange, 404, "text/plain", new byte[0]);
                }
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/simple/";
    }

    private static void send(com.sun.net.httpserver.HttpExchange exchange, int status, String type, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
