package dev.slipway.runner;

import dev.slipway.dsl.MachineProfile;
import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.engine.ConnectedHosts;
import dev.slipway.rollout.engine.HostEndpoint;
import dev.slipway.rollout.engine.HostsFile;
import dev.slipway.validation.Fleet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** {@code --host} and {@code --hosts-file}: how each machine's Docker Engine is reached. Deployment, not definition. */
public final class HostsOptions {
    @Option(names = "--host", paramLabel = "NAME=ENGINE[,address=HOST][,tls=DIR]", description = {
            "A machine's Docker Engine, repeatable: unix:///run/docker.sock or tcp://HOST:2376 with "
                    + "tls=DIR holding ca.pem, cert.pem, key.pem. address= is where its services answer health "
                    + "checks (default 127.0.0.1 for a socket, the tcp host otherwise)."})
    List<String> hosts = new ArrayList<>();

    @Option(names = "--hosts-file", paramLabel = "FILE", description = "Hosts, one NAME=ENGINE[,address=HOST][,tls=DIR] per line; # starts a comment.")
    Path hostsFile;

    boolean configured() {
        return !hosts.isEmpty() || hostsFile != null;
    }

    /** Checks every --host and the hosts file at the edge, before the definition is loaded. */
    void check() {
        if (configured()) {
            endpoints();
        }
    }

    List<HostEndpoint> endpoints() {
        List<HostEndpoint> endpoints = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (hostsFile != null) {
            try {
                endpoints.addAll(HostsFile.read(hostsFile));
            } catch (IOException e) {
                problems.add("--hosts-file: cannot read " + hostsFile + ": " + reason(e));
            } catch (IllegalArgumentException e) {
                problems.add("--hosts-file: " + e.getMessage());
            }
        }
        for (String host : hosts) {
            try {
                endpoints.add(HostEndpoint.parse(host));
            } catch (IllegalArgumentException e) {
                problems.add("--host: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new UserError(problems);
        }
        return endpoints;
    }

    /** Why a file could not be read, once: NIO puts only the path in the message of the common cases. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Connects to every host before anything is touched; each problem is one line of the error. */
    ConnectedHosts connect(Fleet fleet, DesiredFleet desired) {
        Set<String> all = fleet.machines().stream().map(MachineProfile::name)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        try {
            ConnectedHosts connected = ConnectedHosts.connect(endpoints(), desired.machines(), all);
            HostRegistryAuth auth = HostRegistryAuth.fromEnvironment();
            connected.engines().forEach(engine -> engine.useRegistryAuth(auth));
            return connected;
        } catch (ConnectedHosts.HostProblems e) {
            List<String> lines = new ArrayList<>(e.problems());
            lines.add("nothing was changed.");
            throw new UserError(lines);
        }
    }
}
