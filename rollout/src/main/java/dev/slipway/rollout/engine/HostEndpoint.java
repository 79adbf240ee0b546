package dev.slipway.rollout.engine;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach one machine: its Docker Engine ({@code unix:///run/docker.sock} or {@code tcp://host:2376}, with a
 * TLS directory holding {@code ca.pem}, {@code cert.pem}, {@code key.pem}) and the address its services answer on,
 * where health gates probe them. Written {@code NAME=ENGINE[,address=HOST][,tls=DIR]}; the address defaults to
 * 127.0.0.1 for a unix socket and to the engine's host for tcp.
 */
public record HostEndpoint(String machine, URI engine, String address, Optional<Path> tlsDirectory) {
    private static final Pattern MACHINE = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:\\[\\]-]+");

    public HostEndpoint {
        if (!MACHINE.matcher(machine).matches()) {
            throw new IllegalArgumentException("'" + machine + "' is not a machine name");
        }
        String scheme = engine.getScheme();
        if (!"unix".equals(scheme) && !"tcp".equals(scheme)) {
            throw new IllegalArgumentException(
                    machine + ": engine '" + engine + "' must be unix:///PATH or tcp://HOST:PORT");
        }
        if ("unix".equals(scheme) && (engine.getPath() == null || engine.getPath().isEmpty())) {
            throw new IllegalArgumentException(machine + ": engine '" + engine + "' names no socket path");
        }
        if ("tcp".equals(scheme) && (engine.getHost() == null || engine.getPort() < 1)) {
            throw new IllegalArgumentException(machine + ": engine '" + engine + "' needs a host and port");
        }
        if ("tcp".equals(scheme) && engine.getPort() > 65535) {
            throw new IllegalArgumentException(machine + ": engine '" + engine + "' has port " + engine.getPort()
                    + "; expected 1-65535");
        }
        if ("unix".equals(scheme) && tlsDirectory.isPresent()) {
            throw new IllegalArgumentException(machine + ": tls= only applies to a tcp:// engine");
        }
        if (!ADDRESS.matcher(address).matches()) {
            throw new IllegalArgumentException(machine + ": '" + address + "' is not a host address");
        }
    }

    /** Parses {@code NAME=ENGINE[,address=HOST][,tls=DIR]}. */
    public static HostEndpoint parse(String text) {
        int equals = text.indexOf('=');
        if (equals <= 0) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not NAME=ENGINE, e.g. mainpc=unix:///run/docker.sock");
        }
        String machine = text.substring(0, equals).strip();
        String[] parts = text.substring(equals + 1).strip().split(",");
        URI engine;
        try {
            engine = URI.create(parts[0].strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(machine + ": '" + parts[0] + "' is not a URI");
        }
        String address = null;
        Path tls = null;
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].strip();
            if (part.startsWith("address=")) {
                address = part.substring("address=".length());
            } else if (part.startsWith("tls=")) {
                tls = Path.of(part.substring("tls=".length()));
            } else {
                throw new IllegalArgumentException(
                        machine + ": unknown setting '" + part + "'; expected address=HOST or tls=DIR");
            }
        }
        if (address == null) {
            address = "tcp".equals(engine.getScheme()) && engine.getHost() != null ? engine.getHost() : "127.0.0.1";
        }
        return new HostEndpoint(machine, engine, address, Optional.ofNullable(tls));
    }

    @Override
    public String toString() {
        return machine + " (" + engine + ")";
    }
}
