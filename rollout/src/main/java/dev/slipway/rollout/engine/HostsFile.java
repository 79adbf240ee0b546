package dev.slipway.rollout.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A hosts file: one {@code NAME=ENGINE[,address=HOST][,tls=DIR]} per line, as {@code --host} takes it; blank lines
 * and lines starting with {@code #} are ignored. A relative tls directory resolves against the file's directory.
 */
public final class HostsFile {
    private HostsFile() {
    }

    public static List<HostEndpoint> read(Path file) throws IOException {
        List<HostEndpoint> hosts = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                HostEndpoint host = HostEndpoint.parse(line);
                Path base = file.toAbsolutePath().getParent();
                hosts.add(host.tlsDirectory().filter(dir -> !dir.isAbsolute())
                        .map(dir -> new HostEndpoint(host.machine(), host.engine(), host.address(),
                                java.util.Optional.of(base.resolve(dir))))
                        .orElse(host));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return hosts;
    }
}
