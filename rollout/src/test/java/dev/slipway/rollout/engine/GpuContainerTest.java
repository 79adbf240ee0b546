package dev.slipway.rollout.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.model.LogRotation;
import dev.slipway.model.Port;
import dev.slipway.plan.HealthCheckPlan;
import dev.slipway.plan.RuntimePlan;
import dev.slipway.testkit.BusyboxTiniRootfs;
import dev.slipway.testkit.FreePort;
import dev.slipway.testkit.LocalDockerd;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where this machine has an NVIDIA GPU (nvidia-smi works) and Docker's NVIDIA hook: a container Slipway creates with
 * the GPU request sees its GPU. Elsewhere the test reports itself skipped and why.
 */
class GpuContainerTest {
    @TempDir
    Path dir;

    @Test
    void aContainerWithTheGpuRequestSeesTheGpu() throws Exception {
        String smi = nvidiaSmi();
        assumeTrue(smi.contains("GPU "), "skipped: no NVIDIA GPU here (nvidia-smi -L: " + smi + ")");
        assumeTrue(onPath("nvidia-container-runtime-hook"),
                "skipped: nvidia-smi works but nvidia-container-runtime-hook (nvidia-container-toolkit), which "
                        + "Docker's GPU requests run, is not on PATH");
        try (LocalDockerd dockerd = LocalDockerd.start()) {
            Path rootfs = BusyboxTiniRootfs.create(dir.resolve("rootfs")).writeTar(dir.resolve("rootfs.tar"));
            dockerd.docker("import", "--change", "CMD [\"/usr/bin/tini\", \"--\", \"sleep\", \"1000\"]",
                    rootfs.toString(), "slipway-test/gpu:1").requireSuccess();
            try (DockerEngine engine = DockerEngine.connect(new HostEndpoint("gpubox", URI.create(dockerd.dockerHost()),
                    "127.0.0.1", Optional.empty()))) {
                RuntimePlan gpus = new RuntimePlan(Optional.of(List.of()), Optional.empty(), Optional.empty(),
                        Optional.empty(), List.of(), List.of(), LogRotation.DEFAULT, List.of(), List.of());
                int port = FreePort.onLoopback();
                String id = engine.create(new ContainerSpec("gpu-probe", "slipway-test/gpu:1", "10001:10001",
                        List.of(Port.of(port)), new HealthCheckPlan(List.of("NONE"), Port.of(port), "/health", 30,
                                10, 5, 3),
                        Map.of(), gpus, Map.of(), Map.of()));
                engine.start(id);

                String gpusSeen = dockerd.docker("exec", id, "ls", "/proc/driver/nvidia/gpus").requireSuccess()
                        .stdout().strip();
                assertFalse(gpusSeen.isEmpty(), "the container sees no GPU under /proc/driver/nvidia/gpus");
            }
        }
    }

    /** What {@code nvidia-smi -L} printed, or why it did not run. */
    private static String nvidiaSmi() throws InterruptedException {
        if (!onPath("nvidia-smi")) {
            return "not installed";
        }
        try {
            Process process = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            return process.waitFor() == 0 ? output : "exited " + process.exitValue() + ": " + output.strip();
        } catch (java.io.IOException e) {
            return "cannot run: " + e.getMessage();
        }
    }

    private static boolean onPath(String binary) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String directory : path.split(":")) {
            if (Files.isExecutable(Path.of(directory, binary))) {
                return true;
            }
        }
        return false;
    }
}
