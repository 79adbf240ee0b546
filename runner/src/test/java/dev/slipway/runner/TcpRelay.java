package dev.slipway.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Forwards TCP connections from one address to another: how the registry on the host's loopback becomes reachable
 * from inside the machines' network namespaces. Runs in-process, or as {@code main} under {@code nsenter}.
 */
final class TcpRelay implements AutoCloseable {
    private final ServerSocket server;

    private TcpRelay(ServerSocket server) {
        this.server = server;
    }

    static TcpRelay start(String bindHost, int bindPort, String targetHost, int targetPort) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(bindHost), bindPort));
        TcpRelay relay = new TcpRelay(server);
        Thread acceptor = new Thread(() -> relay.acceptLoop(targetHost, targetPort), "relay-" + bindPort);
        acceptor.setDaemon(true);
        acceptor.start();
        return relay;
    }

    private void acceptLoop(String targetHost, int targetPort) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(targetHost, targetPort);
                pump(client, target);
                pump(target, client);
            } catch (IOException e) {
                // a failed connection affects only that connection
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread copier = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the other side closed
            } finally {
                try {
                    to.shutdownOutput();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "relay-pump");
        copier.setDaemon(true);
        copier.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    public static void main(String[] args) throws Exception {
        start(args[0], Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]));
        System.out.println("relaying");
        System.out.flush();
        Thread.currentThread().join();
    }
}
