package dev.slipway.rollout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.model.DataSize;
import dev.slipway.model.LogRotation;
import dev.slipway.model.Mount;
import dev.slipway.model.Port;
import dev.slipway.model.SecretUse;
import dev.slipway.model.Ulimit;
import dev.slipway.plan.HealthCheckPlan;
import dev.slipway.plan.RuntimePlan;
import dev.slipway.testkit.BusyboxTiniRootfs;
import dev.slipway.testkit.FreePort;
import dev.slipway.testkit.LocalDockerd;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every runtime setting as a real dockerd shows it on {@code docker inspect} of the container Slipway created. */
class DockerEngineRuntimeTest {
    private static final String IMAGE = "slipway-test/busybox-tini:runtime";
    private static final String SECRET = "s3cr3t-value-for-the-test";

    @TempDir
    static Path dir;
    static LocalDockerd dockerd;
    static DockerEngine engine;

    @BeforeAll
    static void engine() throws Exception {
        dockerd = LocalDockerd.start();
        Path rootfs = BusyboxTiniRootfs.create(dir.resolve("rootfs")).writeTar(dir.resolve("rootfs.tar"));
        dockerd.docker("import", "--change", "USER 10001:10001", "--change",
                "CMD [\"/usr/bin/tini\", \"--\", \"sleep\", \"1000\"]", rootfs.toString(), IMAGE).requireSuccess();
        engine = DockerEngine.connect(new HostEndpoint("mainpc", URI.create(dockerd.dockerHost()), "127.0.0.1",
                Optional.empty()));
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (dockerd != null) {
            dockerd.close();
        }
    }

    @Test
    void gpuRequestsAreWhatDockerRunGpusSends() {
        RuntimePlan named = new RuntimePlan(Optional.of(List.of("0")), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of(), LogRotation.DEFAULT, List.of(), List.of());
        RuntimePlan all = new RuntimePlan(Optional.of(List.of()), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of(), LogRotation.DEFAULT, List.of(), List.of());

        engine.create(spec("gpu-named", named, Map.of(), Map.of(), 18201));
        engine.create(spec("gpu-all", all, Map.of(), Map.of(), 18202));

        assertEquals("nvidia 0 [0] [[gpu]]", inspect("gpu-named", "{{range .HostConfig.DeviceRequests}}"
                + "{{.Driver}} {{.Count}} {{.DeviceIDs}} {{.Capabilities}}{{end}}"));
        assertEquals("nvidia -1 [] [[gpu]]", inspect("gpu-all", "{{range .HostConfig.DeviceRequests}}{{.Driver}} "
                + "{{.Count}} {{.DeviceIDs}} {{.Capabilities}}{{end}}"));
    }

    @Test
    void limitsMountsLogsAndSecretsAreOnTheContainerAndSecretsOnlyInsideIt() throws Exception {
        Path weights = Files.createDirectories(dir.resolve("weights"));
        Files.writeString(weights.resolve("model.bin"), "weights");
        RuntimePlan runtime = new RuntimePlan(Optional.empty(), Optional.of(DataSize.ofMiB(512)),
                Optional.of(DataSize.ofMiB(256)), Optional.of(1.5), List.of(new Ulimit("nofile", 4096, 8192)),
                List.of(new Mount.Volume("rt-hf-cache", "/home/appuser/.cache/huggingface"),
                        new Mount.ReadOnlyBind(weights.toString(), "/models")),
                new LogRotation(DataSize.ofMiB(1), 2), List.of(new SecretUse("HF_TOKEN", SecretUse.Delivery.FILE)),
                List.of());
        int port = FreePort.onLoopback();
        String id = engine.create(spec("full", runtime, Map.of(),
                Map.of("/run/secrets/HF_TOKEN", SECRET.getBytes(StandardCharsets.UTF_8)), port));
        engine.start(id);

        assertEquals("10001:10001", inspect("full", "{{.Config.User}}"));
        assertEquals(Long.toString(DataSize.ofMiB(512).bytes()), inspect("full", "{{.HostConfig.ShmSize}}"));
        assertEquals(Long.toString(DataSize.ofMiB(256).bytes()), inspect("full", "{{.HostConfig.Memory}}"));
        assertEquals("1500000000", inspect("full", "{{.HostConfig.NanoCpus}}"));
        assertEquals("nofile 4096 8192", inspect("full", "{{range .HostConfig.Ulimits}}{{.Name}} {{.Soft}} {{.Hard}}"
                + "{{end}}"));
        assertEquals("json-file max-file=2 max-size=1048576", inspect("full", "{{.HostConfig.LogConfig.Type}} "
                + "max-file={{index .HostConfig.LogConfig.Config \"max-file\"}} "
                + "max-size={{index .HostConfig.LogConfig.Config \"max-size\"}}"));
        assertEquals(java.util.Set.of("volume rt-hf-cache /home/appuser/.cache/huggingface true",
                "bind " + weights + " /models false"),
                java.util.Set.of(inspect("full", "{{range .Mounts}}{{.Type}} "
                        + "{{if eq .Type \"volume\"}}{{.Name}}{{else}}{{.Source}}{{end}} {{.Destination}} {{.RW}};{{end}}")
                        .split(";")));
        assertEquals("4096 8192", proc(id, "awk '/Max open files/ {print $4, $5}' /proc/1/limits"),
                "the service's own process has the limits; an exec'd shell may not (opencontainers/runc#4195)");
        assertTrue(proc(id, "df -k /dev/shm").contains("524288"), proc(id, "df -k /dev/shm"));
        assertEquals(SECRET, proc(id, "cat /run/secrets/HF_TOKEN"));
        assertEquals("-r-------- 10001", proc(id, "ls -ln /run/secrets/HF_TOKEN | awk '{print $1, $3}'"));
        assertEquals("written", proc(id, "echo x > /home/appuser/.cache/huggingface/f && echo written"));
        assertEquals("written", proc(id, "echo x > /home/appuser/.cache/torch-hub && echo written"),
                "the home directory above a volume is appuser's too");
        assertEquals("weights", proc(id, "cat /models/model.bin"));
        String readOnly = proc(id, "(echo x > /models/other) 2>&1; echo exit $?");
        assertTrue(readOnly.contains("Read-only file system") && !readOnly.endsWith("exit 0"), readOnly);
        String inspected = dockerd.docker("inspect", "rt-full").requireSuccess().stdout();
        assertFalse(inspected.contains(SECRET), "the secret value is on docker inspect");
    }

    @Test
    void aContainerWithoutSettingsGetsOnlyBoundedLogs() {
        engine.create(spec("plain", RuntimePlan.DEFAULT, Map.of(), Map.of(), 18203));

        assertEquals("json-file 10485760 5", inspect("plain", "{{.HostConfig.LogConfig.Type}} "
                + "{{index .HostConfig.LogConfig.Config \"max-size\"}} {{index .HostConfig.LogConfig.Config \"max-file\"}}"));
        assertEquals("0 0 <no value> []", inspect("plain", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} "
                + "{{.HostConfig.DeviceRequests}} {{.Mounts}}"));
    }

    private static ContainerSpec spec(String name, RuntimePlan runtime, Map<String, String> env,
            Map<String, byte[]> files, int healthPort) {
        HealthCheckPlan check = new HealthCheckPlan(List.of("NONE"), Port.of(healthPort), "/health", 30, 10, 5, 3);
        return new ContainerSpec("rt-" + name, IMAGE, "10001:10001", List.of(Port.of(healthPort)), check,
                Map.of(Labels.FLEET, "rt"), runtime, env, files);
    }

    private static String inspect(String name, String format) {
        return dockerd.docker("inspect", "--format", format, "rt-" + name).requireSuccess().stdout().strip();
    }

    private static String proc(String container, String shell) {
        return dockerd.docker("exec", container, "sh", "-c", shell).requireSuccess().stdout().strip();
    }
}
