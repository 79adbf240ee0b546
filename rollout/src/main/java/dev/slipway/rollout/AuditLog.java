package dev.slipway.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Appends one JSON line per run: time, user, fleet revision, and per instance from, to, result and downtime. */
public final class AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public AuditLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public void append(RolloutReport report, LockHolder who) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        byte[] line = (line(report, who) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
                FileLock ignored = channel.lock()) {
            channel.write(java.nio.ByteBuffer.wrap(line));
        }
    }

    static String line(RolloutReport report, LockHolder who) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("time", report.finished().toString());
        entry.put("started", report.started().toString());
        entry.put("user", who.holder());
        entry.put("pid", who.pid());
        entry.put("command", report.command());
        entry.put("fleet", report.fleet());
        entry.put("tag", report.tag());
        entry.put("revision", report.revision());
        entry.put("result", report.result().name().toLowerCase(java.util.Locale.ROOT));
        entry.put("why", report.why());
        List<Map<String, Object>> instances = new ArrayList<>();
        for (InstanceOutcome outcome : report.instances()) {
            Map<String, Object> instance = new LinkedHashMap<>();
            instance.put("instance", outcome.id().toString());
            instance.put("action", outcome.action().name().toLowerCase(java.util.Locale.ROOT));
            instance.put("from", outcome.from().orElse(null));
            instance.put("to", outcome.to().orElse(null));
            instance.put("result", outcome.result().name().toLowerCase(java.util.Locale.ROOT));
            instance.put("downtime_ms", outcome.downtimeMillis().orElse(null));
            instance.put("detail", outcome.detail());
            instances.add(instance);
        }
        entry.put("instances", instances);
        entry.put("leftovers", report.leftovers());
        try {
            return JSON.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit entry is plain data", e);
        }
    }
}
