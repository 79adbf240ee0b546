package dev.slipway.rollout.secrets;

import dev.slipway.model.SecretUse;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.InstancePlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Deploy-time secret values, from a secrets file ({@code NAME=value} lines, as an env file) and the runner's
 * environment; the file wins. Values never leave this class except into a container: {@link #toString()} shows names.
 */
public final class SecretValues {
    public static final SecretValues NONE = new SecretValues(Map.of(), Map.of(), "");

    private final Map<String, String> fromFile;
    private final Map<String, String> environment;
    private final String fileName;

    private SecretValues(Map<String, String> fromFile, Map<String, String> environment, String fileName) {
        this.fromFile = Map.copyOf(fromFile);
        this.environment = Map.copyOf(environment);
        this.fileName = fileName;
    }

    /** Values from the runner's environment only. */
    public static SecretValues fromEnvironment(Map<String, String> environment) {
        return new SecretValues(Map.of(), environment, "");
    }

    /**
     * Values from {@code file} (refused when group- or world-readable, or not an env file) and then the environment.
     *
     * @throws IllegalArgumentException saying what is wrong with the file, never showing a value
     */
    public static SecretValues load(Path file, Map<String, String> environment) {
        Set<PosixFilePermission> permissions;
        List<String> lines;
        try {
            permissions = Files.getPosixFilePermissions(file);
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--secrets " + file + ": cannot read it (" + e.getMessage() + ")");
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("--secrets " + file + ": its file system has no POSIX permissions, "
                    + "so Slipway cannot tell who else can read it");
        }
        Set<PosixFilePermission> others = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
        if (!Collections.disjoint(permissions, others)) {
            throw new IllegalArgumentException("--secrets " + file + ": readable or writable by group or others ("
                    + java.nio.file.attribute.PosixFilePermissions.toString(permissions)
                    + "); expected only its owner (chmod 600 " + file + ")");
        }
        Map<String, String> values = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int equals = line.indexOf('=');
            if (equals <= 0 || !line.substring(0, equals).strip().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                problems.add("line " + (i + 1) + " is not NAME=value"); // the line may hold a value: never shown
                continue;
            }
            values.put(line.substring(0, equals).strip(), unquote(line.substring(equals + 1).strip()));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("--secrets " + file + ": " + String.join("; ", problems));
        }
        return new SecretValues(values, environment, file.toString());
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    public Optional<String> value(String name) {
        String value = fromFile.get(name);
        if (value == null) {
            value = environment.get(name);
        }
        return Optional.ofNullable(value).filter(v -> !v.isEmpty());
    }

    /** Every secret some instance of the plan uses that has no value, as {@code service 'x' secret NAME: ...}. */
    public List<String> missing(FleetPlan plan) {
        Set<String> missing = new LinkedHashSet<>();
        for (InstancePlan instance : plan.instances()) {
            for (SecretUse secret : instance.runtime().secrets()) {
                if (value(secret.name()).isEmpty()) {
                    missing.add("service '" + instance.service() + "' secret " + secret.name() + ": no value; "
                            + "expected it in " + (fileName.isEmpty() ? "--secrets FILE" : fileName)
                            + " or the environment variable " + secret.name());
                }
            }
        }
        return List.copyOf(missing);
    }

    @Override
    public String toString() {
        Set<String> names = new java.util.TreeSet<>(fromFile.keySet());
        return "SecretValues" + names + (fileName.isEmpty() ? "" : " from " + fileName) + " and the environment";
    }
}
