package dev.slipway.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** A plain HTTP/1.0 GET over a unix socket (JDK 16+), so probing the Engine API needs no client library. */
final class UnixSocketHttp {

    record Answer(int status, String body) {
    }

    private UnixSocketHttp() {
    }

    static Answer get(Path socket, String path, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer request = ByteBuffer.wrap(
                    ("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            while (request.hasRemaining()) {
                channel.write(request);
            }
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (true) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (System.nanoTime() > deadline) {
                    throw new IOException("no complete answer from " + socket + " within " + timeout);
                }
                selector.select(left);
                selector.selectedKeys().clear();
                buffer.clear();
                int read = channel.read(buffer);
                if (read < 0) {
                    break;
                }
                response.write(buffer.array(), 0, read);
            }
            return parse(response.toString(StandardCharsets.UTF_8), socket);
        }
    }

    private static Answer parse(String raw, Path socket) throws IOException {
        int headerEnd = raw.indexOf("\r\n\r\n");
        String[] statusLine = raw.lines().findFirst().orElse("").split(" ", 3);
        if (headerEnd < 0 || statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP answer from " + socket + ": " + raw);
        }
        try {
            return new Answer(Integer.parseInt(statusLine[1]), raw.substring(headerEnd + 4));
        } catch (NumberFormatException e) {
            throw new IOException("bad status line from " + socket + ": " + raw, e);
        }
    }
}
