package dev.slipway.render.kubernetes;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.machine;
import static dev.slipway.dsl.Slipway.service;
import static dev.slipway.machines.MachineProfiles.MAINPC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Rollout;
import dev.slipway.model.DataSize;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.FleetPlanner;
import dev.slipway.validation.Fleet;
import dev.slipway.render.ImageDigests;
import dev.slipway.render.RenderRefused;
import dev.slipway.render.RenderedFile;
import dev.slipway.render.Rendering;
import dev.slipway.render.TestPlans;
import dev.slipway.render.Yaml;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KubernetesRendererTest {
    static final String DIGEST = "sha256:" + "ab".repeat(32);
    static final String MOC = "ghcr.io/haymayndzultra/ai_system/model_ops_coordinator";

    private static KubernetesResource parse(RenderedFile file) {
        // the same model reads it back, as kubectl would: kind and apiVersion choose the class
        return Yaml.mapper().readerFor(KubernetesResource.class)
                .with(Yaml.mapper().deserializationConfig().getAttributes())
                .readValue(file.content());
    }

    private static <T> T parse(Rendering rendering, String name, Class<T> type) {
        KubernetesResource resource = parse(rendering.file(name));
        return assertInstanceOf(type, resource, name);
    }

    @Test
    void aDeploymentPerInstanceAServicePerServicePortAndAKustomizationListingThem() {
        Rendering rendering = KubernetesRenderer.render(TestPlans.aiSystem(), ImageDigests.NONE);
        List<String> names = rendering.files().stream().map(RenderedFile::name).toList();
        assertEquals(List.of(
                "deployment-model-ops-coordinator-mainpc.yaml",
                "deployment-real-time-audio-pipeline-mainpc.yaml",
                "deployment-real-time-audio-pipeline-pc2.yaml",
                "deployment-memory-fusion-hub-pc2.yaml",
                "service-memory-fusion-hub.yaml",
                "service-model-ops-coordinator.yaml",
                "service-real-time-audio-pipeline.yaml",
                "kustomization.yaml"), names);
        Kustomization kustomization = Yaml.mapper().readValue(rendering.file("kustomization.yaml").content(),
                Kustomization.class);
        assertEquals("Kustomization", kustomization.kind());
        assertEquals(names.subList(0, names.size() - 1), kustomization.resources());
        for (RenderedFile file : rendering.files().subList(0, names.size() - 1)) {
            assertTrue(parse(file) instanceof Deployment || parse(file) instanceof Service, file.name());
        }
    }

    @Test
    void aDeploymentRunsOneReplicaOnItsMachineAsAppuserWithProbesOnTheHealthPort() {
        Rendering rendering = KubernetesRenderer.render(TestPlans.aiSystem(), ImageDigests.NONE);
        Deployment deployment = parse(rendering, "deployment-real-time-audio-pipeline-pc2.yaml", Deployment.class);

        assertEquals("apps/v1", deployment.getApiVersion());
        assertEquals("real-time-audio-pipeline-pc2", deployment.getMetadata().getName());
        assertEquals(1, deployment.getSpec().getReplicas());
        assertEquals(Map.of("dev.slipway.fleet", "ai_system", "dev.slipway.service", "real_time_audio_pipeline",
                "dev.slipway.machine", "pc2"), deployment.getSpec().getSelector().getMatchLabels());
        assertEquals("2", deployment.getMetadata().getLabels().get("dev.slipway.wave"));
        assertEquals("batch", deployment.getMetadata().getLabels().get("dev.slipway.wave-kind"));
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertTrue(deployment.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                .containsAll(deployment.getSpec().getSelector().getMatchLabels().entrySet()));
        assertEquals(Map.of("dev.slipway.machine", "pc2"), pod.getNodeSelector());
        assertEquals(10001L, pod.getSecurityContext().getRunAsUser());
        assertEquals(10001L, pod.getSecurityContext().getRunAsGroup());
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());

        Container container = pod.getContainers().get(0);
        assertEquals("real-time-audio-pipeline", container.getName());
        assertEquals("ghcr.io/haymayndzultra/ai_system/real_time_audio_pipeline:20261201-0123456-pc2",
                container.getImage());
        assertEquals(List.of(5557, 6557), container.getPorts().stream().map(p -> p.getContainerPort()).toList());
        assertEquals(List.of("service", "health"), container.getPorts().stream().map(p -> p.getName()).toList());
        assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(container.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop());
        assertEquals("/tmp", container.getVolumeMounts().get(0).getMountPath());
        assertEquals("tmp", pod.getVolumes().get(0).getName());

        for (Probe probe : List.of(container.getStartupProbe(), container.getReadinessProbe(),
                container.getLivenessProbe())) {
            assertEquals("/health", probe.getHttpGet().getPath());
            assertEquals(6557, probe.getHttpGet().getPort().getIntVal());
            assertEquals(10, probe.getTimeoutSeconds());
        }
        assertEquals(1, container.getStartupProbe().getPeriodSeconds());
        assertEquals(40, container.getStartupProbe().getFailureThreshold(), "the start period, probed every second");
        assertEquals(30, container.getLivenessProbe().getPeriodSeconds());
        assertEquals(3, container.getLivenessProbe().getFailureThreshold());
        assertEquals(30, container.getReadinessProbe().getPeriodSeconds());

        assertEquals("RollingUpdate", deployment.getSpec().getStrategy().getType());
        assertEquals(1, deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal());
        assertEquals(0, deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
        assertEquals(40 + 30 * 3, deployment.getSpec().getProgressDeadlineSeconds());
    }

    @Test
    void theCanaryMachinesInstancesAreWaveOneAndAHealthPathFromThePlanReachesEveryProbe() {
        Rendering rendering = KubernetesRenderer.render(TestPlans.aiSystem(), ImageDigests.NONE);
        Deployment canary = parse(rendering, "deployment-model-ops-coordinator-mainpc.yaml", Deployment.class);
        assertEquals("1", canary.getMetadata().getLabels().get("dev.slipway.wave"));
        assertEquals("canary", canary.getMetadata().getLabels().get("dev.slipway.wave-kind"));

        Container hub = parse(rendering, "deployment-memory-fusion-hub-pc2.yaml", Deployment.class).getSpec()
                .getTemplate().getSpec().getContainers().get(0);
        assertEquals("/ready", hub.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/ready", hub.getStartupProbe().getHttpGet().getPath());
        assertEquals(6713, hub.getLivenessProbe().getHttpGet().getPort().getIntVal());
        assertEquals(20, hub.getStartupProbe().getFailureThreshold());
    }

    @Test
    void aServiceSelectsItsServiceOnEveryMachineOnTheServicePortOnly() {
        Rendering rendering = KubernetesRenderer.render(TestPlans.aiSystem(), ImageDigests.NONE);
        Service service = parse(rendering, "service-real-time-audio-pipeline.yaml", Service.class);
        assertEquals("v1", service.getApiVersion());
        assertEquals(Map.of("dev.slipway.fleet", "ai_system", "dev.slipway.service", "real_time_audio_pipeline"),
                service.getSpec().getSelector());
        assertEquals(1, service.getSpec().getPorts().size());
        assertEquals(5557, service.getSpec().getPorts().get(0).getPort());
        assertEquals(5557, service.getSpec().getPorts().get(0).getTargetPort().getIntVal());
        assertEquals("ClusterIP", service.getSpec().getType());
    }

    @Test
    void imagesArePinnedByTheBuildsDigestAndAnImageWithoutOneIsNamedInAWarning() {
        FleetPlan plan = TestPlans.aiSystem();
        Rendering rendering = KubernetesRenderer.render(plan,
                new ImageDigests(Map.of(MOC + ":20261201-0123456-mainpc", DIGEST)));
        Container pinned = parse(rendering, "deployment-model-ops-coordinator-mainpc.yaml", Deployment.class)
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(MOC + "@" + DIGEST, pinned.getImage());
        assertEquals(3, rendering.warnings().size(), rendering.warnings().toString());
        assertTrue(rendering.warnings().get(0).startsWith("instance real_time_audio_pipeline@mainpc: no digest for "
                + "ghcr.io/haymayndzultra/ai_system/real_time_audio_pipeline:20261201-0123456-mainpc"),
                rendering.warnings().get(0));
        assertFalse(rendering.warnings().stream().anyMatch(w -> w.contains("model_ops_coordinator")));
    }

    @Test
    void theSamePlanAndDigestsRenderTheSameBytes() {
        ImageDigests digests = new ImageDigests(Map.of(MOC + ":20261201-0123456-mainpc", DIGEST));
        Rendering first = KubernetesRenderer.render(TestPlans.aiSystem(), digests);
        Rendering second = KubernetesRenderer.render(TestPlans.aiSystem(), digests);
        assertEquals(first.files().size(), second.files().size());
        for (int i = 0; i < first.files().size(); i++) {
            assertEquals(first.files().get(i).name(), second.files().get(i).name());
            assertArrayEquals(first.files().get(i).content(), second.files().get(i).content(),
                    first.files().get(i).name());
        }
        String text = first.file("deployment-model-ops-coordinator-mainpc.yaml").text();
        assertTrue(text.startsWith("apiVersion: apps/v1\nkind: Deployment\n"), text);
        assertFalse(text.contains("null"), text);
        assertTrue(text.contains("    dev.slipway.wave: \"1\"\n"), "a label value is a string: " + text);
        assertTrue(text.endsWith("\n"), text);
        assertFalse(text.contains("[]"), text);
        assertFalse(text.contains("{}\n") && !text.contains("emptyDir: {}"), text);
    }

    @Test
    void namesKubernetesWouldRefuseAreAllNamedAtOnce() {
        Family web = family("w").from(Base.scratch());
        var spec = fleet("f").registry("r.example/o").machines(MAINPC).families(web)
                .services(service("a_b").family(web).ports(7000, 8000).on(MAINPC),
                        service("a-b").family(web).ports(7001, 8001).on(MAINPC),
                        service("x".repeat(60)).family(web).ports(7002, 8002).on(MAINPC))
                .rollout(Rollout.canaryOn(MAINPC).batchesOf(1));
        FleetPlan plan = FleetPlanner.plan(Fleet.compile(spec).orThrow(), TestPlans.BUILD);

        RenderRefused refused = assertThrows(RenderRefused.class,
                () -> KubernetesRenderer.render(plan, ImageDigests.NONE));
        assertTrue(refused.problems().contains("instance a-b@mainpc: its Deployment name 'a-b-mainpc' is also "
                + "a_b@mainpc's; rename one of the services"), refused.problems().toString());
        assertTrue(refused.problems().stream().anyMatch(p -> p.startsWith("instance " + "x".repeat(60)
                + "@mainpc: its Deployment name becomes '" + "x".repeat(60) + "-mainpc', 67 characters")),
                refused.problems().toString());
        assertEquals(3, refused.problems().size(), refused.problems().toString());
    }

    // a fleet that uses every runtime setting (TestPlans.everySetting), every file read back with fabric8's model

    private static final String COORDINATOR = "deployment-model-ops-coordinator-mainpc.yaml";

    private static PodSpec pod(Rendering rendering, String name) {
        return parse(rendering, name, Deployment.class).getSpec().getTemplate().getSpec();
    }

    private static Map<String, Volume> volumesByName(PodSpec pod) {
        return pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, Function.identity()));
    }

    private static Map<String, VolumeMount> mountsByPath(Container container) {
        return container.getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getMountPath, Function.identity()));
    }

    @Test
    void everyFileOfAFleetUsingEveryRuntimeSettingParsesBackAndTheKustomizationListsAClaimPerVolumeAndMachine() {
        Rendering rendering = KubernetesRenderer.render(TestPlans.everySetting(), ImageDigests.NONE);
        List<String> names = rendering.files().stream().map(RenderedFile::name).toList();
        assertEquals(List.of(
                "deployment-central-error-bus-mainpc.yaml",
                "deployment-model-ops-coordinator-mainpc.yaml",
                "deployment-central-error-bus-pc2.yaml",
                "deployment-affective-processing-center-pc2.yaml",
                "deployment-affective-processing-center-gpubox.yaml",
                "pvc-ai-system-hf-cache-gpubox.yaml",
                "pvc-ai-system-hf-cache-mainpc.yaml",
                "pvc-ai-system-hf-cache-pc2.yaml",
                "service-affective-processing-center.yaml",
                "service-central-error-bus.yaml",
                "service-model-ops-coordinator.yaml",
                "kustomization.yaml"), names);
        assertEquals(names.subList(0, names.size() - 1), Yaml.mapper()
                .readValue(rendering.file("kustomization.yaml").content(), Kustomization.class).resources());
        for (RenderedFile file : rendering.files().subList(0, names.size() - 1)) {
            KubernetesResource resource = parse(file);
            Class<?> expected = file.name().startsWith("deployment-")
                    ? Deployment.class
                    : file.name().startsWith("pvc-") ? PersistentVolumeClaim.class : Service.class;
            assertInstanceOf(expected, resource, file.name());
            assertFalse(file.text().contains("kind: Secret"), "the Secret is the user's, never rendered: "
                    + file.name());
        }
    }

    @Test
    void gpusAreACountOfNvidiaGpuWithMemoryAndCpuAsLimitsAndAnInstanceHoldingGpusIsRecreated() {
        Rendering rendering = KubernetesRenderer.render(TestPlans.everySetting(), ImageDigests.NONE);
        Deployment coordinator = parse(rendering, COORDINATOR, Deployment.class);
        var resources = coordinator.getSpec().getTemplate().getSpec().getContainers().get(0).getResources();
        assertEquals(Map.of("nvidia.com/gpu", new Quantity("1"), "memory", new Quantity("16", "Gi"), "cpu",
                new Quantity("4500", "m")), resources.getLimits());
        assertEquals(new BigDecimal(16L << 30), Quantity.getAmountInBytes(resources.getLimits().get("memory")));
        assertTrue(resources.getRequests() == null || resources.getRequests().isEmpty(),
                "requests default to the limits, as the Docker hosts reserve nothing else: " + resources);
        assertEquals("Recreate", coordinator.getSpec().getStrategy().getType());
        assertNull(coordinator.getSpec().getStrategy().getRollingUpdate());

        Container twoGpus = pod(rendering, "deployment-affective-processing-center-gpubox.yaml").getContainers()
                .get(0);
        assertEquals(Map.of("nvidia.com/gpu", new Quantity("2")), twoGpus.getResources().getLimits(),
                "gpubox lists devices 0,1");

        Deployment bus = parse(rendering, "deployment-central-error-bus-mainpc.yaml", Deployment.class);
        assertNull(bus.getSpec().getTemplate().getSpec().getContainers().get(0).getResources());
        assertEquals("RollingUpdate", bus.getSpec().getStrategy().getType());
        assertEquals(1, bus.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal());
    }

    @Test
    void shmIsAMemoryBackedEmptyDirOfItsSizeAtDevShm() {
        PodSpec pod = pod(KubernetesRenderer.render(TestPlans.everySetting(), ImageDigests.NONE), COORDINATOR);
        Volume shm = volumesByName(pod).get("dshm");
        assertEquals("Memory", shm.getEmptyDir().getMedium());
        assertEquals(new BigDecimal(2L << 30), Quantity.getAmountInBytes(shm.getEmptyDir().getSizeLimit()));
        assertEquals("dshm", mountsByPath(pod.getContainers().get(0)).get("/dev/shm").getName());
    }

    @Test
    void aNamedVolumeIsThisMachinesClaimAndABindIsAReadOnlyHostPath() {
        Rendering rendering = KubernetesRenderer.render(TestPlans.everySetting(), ImageDigests.NONE);
        PodSpec pod = pod(rendering, COORDINATOR);
        Map<String, VolumeMount> mounts = mountsByPath(pod.getContainers().get(0));
        VolumeMount cache = mounts.get(TestPlans.HF_CACHE);
        assertEquals("ai-system-hf-cache-mainpc", volumesByName(pod).get(cache.getName()).getPersistentVolumeClaim()
                .getClaimName());
        assertTrue(cache.getReadOnly() == null || !cache.getReadOnly());
        VolumeMount models = mounts.get("/models");
        assertTrue(models.getReadOnly());
        assertEquals("/srv/models", volumesByName(pod).get(models.getName()).getHostPath().getPath());
        assertEquals("ai-system-hf-cache-pc2", volumesByName(pod(rendering,
                "deployment-affective-processing-center-pc2.yaml")).get("ai-system-hf-cache-pc2")
                .getPersistentVolumeClaim().getClaimName(), "each machine its own claim, as each host its volume");

        PersistentVolumeClaim claim = parse(rendering, "pvc-ai-system-hf-cache-mainpc.yaml",
                PersistentVolumeClaim.class);
        assertEquals("v1", claim.getApiVersion());
        assertEquals("ai-system-hf-cache-mainpc", claim.getMetadata().getName());
        assertEquals(List.of("ReadWriteOnce"), claim.getSpec().getAccessModes());
        assertEquals(new Quantity("20Gi"), claim.getSpec().getResources().getRequests().get("storage"));
        assertEquals("ai_system-hf-cache", claim.getMetadata().getAnnotations().get("dev.slipway.volume"));
        assertEquals("mainpc", claim.getMetadata().getLabels().get("dev.slipway.machine"));
        assertEquals("1", claim.getMetadata().getLabels().get("dev.slipway.wave"), "applied with the canary");
        assertEquals("3", parse(rendering, "pvc-ai-system-hf-cache-pc2.yaml", PersistentVolumeClaim.class)
                .getMetadata().getLabels().get("dev.slipway.wave"), "the wave of its first user on pc2");
    }

    @Test
    void secretsAreTheFleetsSecretByNameAsFilesAtRunSecretsOrAsEnvNeverAValue() {
        PodSpec pod = pod(KubernetesRenderer.render(TestPlans.everySetting(), ImageDigests.NONE), COORDINATOR);
        Container container = pod.getContainers().get(0);
        Volume secrets = volumesByName(pod).get(mountsByPath(container).get("/run/secrets").getName());
        assertEquals("ai-system-secrets", secrets.getSecret().getSecretName());
        assertEquals(List.of("HF_TOKEN"), secrets.getSecret().getItems().stream().map(i -> i.getKey()).toList());
        assertEquals(List.of("HF_TOKEN"), secrets.getSecret().getItems().stream().map(i -> i.getPath()).toList());
        assertEquals(0440, secrets.getSecret().getDefaultMode(), "readable by the pod's fsGroup, not the world");
        assertTrue(mountsByPath(container).get("/run/secrets").getReadOnly());

        assertEquals(1, container.getEnv().size(), container.getEnv().toString());
        EnvVar key = container.getEnv().get(0);
        assertEquals("OPS_API_KEY", key.getName());
        assertNull(key.getValue());
        assertEquals("ai-system-secrets", key.getValueFrom().getSecretKeyRef().getName());
        assertEquals("OPS_API_KEY", key.getValueFrom().getSecretKeyRef().getKey());
        List<EnvVar> busEnv = pod(KubernetesRenderer.render(TestPlans.everySetting(), ImageDigests.NONE),
                "deployment-central-error-bus-mainpc.yaml").getContainers().get(0).getEnv();
        assertTrue(busEnv == null || busEnv.isEmpty(), "no secret, no env: " + busEnv);
    }

    @Test
    void ulimitsAndAnOwnLogRotationHaveNoPodFieldAndSaySoInAWarningAndUlimitsInAnAnnotation() {
        Rendering rendering = KubernetesRenderer.render(TestPlans.everySetting(), ImageDigests.NONE);
        Deployment coordinator = parse(rendering, COORDINATOR, Deployment.class);
        assertEquals("memlock=-1:-1,stack=67108864:67108864",
                coordinator.getMetadata().getAnnotations().get("dev.slipway.ulimits"));
        assertTrue(rendering.warnings().contains("instance model_ops_coordinator@mainpc: ulimits memlock=-1:-1,"
                + "stack=67108864:67108864 have no field in a Kubernetes pod; the node's container runtime sets them "
                + "(annotation dev.slipway.ulimits on the Deployment keeps them for a reader)"),
                rendering.warnings().toString());
        assertTrue(rendering.warnings().contains("instance model_ops_coordinator@mainpc: log rotation json-file 3 x "
                + "20 MiB has no field in a Kubernetes pod; the kubelet rotates logs by its containerLogMaxSize and "
                + "containerLogMaxFiles"), rendering.warnings().toString());
        assertFalse(rendering.warnings().stream().anyMatch(w -> w.startsWith("instance central_error_bus")
                && !w.contains("no digest")), "the default rotation and no ulimits: nothing to say");
        assertNull(parse(rendering, "deployment-central-error-bus-mainpc.yaml", Deployment.class).getMetadata()
                .getAnnotations().get("dev.slipway.ulimits"));
    }

    @Test
    void aFleetUsingEveryRuntimeSettingRendersTheSameBytesTwice() {
        Rendering first = KubernetesRenderer.render(TestPlans.everySetting(), ImageDigests.NONE);
        Rendering second = KubernetesRenderer.render(TestPlans.everySetting(), ImageDigests.NONE);
        assertEquals(first.files().size(), second.files().size());
        for (int i = 0; i < first.files().size(); i++) {
            assertArrayEquals(first.files().get(i).content(), second.files().get(i).content(),
                    first.files().get(i).name());
            assertFalse(first.files().get(i).text().contains("null"), first.files().get(i).name());
            assertFalse(first.files().get(i).text().contains("[]"), first.files().get(i).name());
        }
        assertEquals(first.warnings(), second.warnings());
    }

    @Test
    void everyGpuOfAMachineWithoutDeviceIdsAndTwoVolumesWithOneClaimNameAreRefusedAtOnce() {
        MachineProfile bare = machine("bare").gpu("NVIDIA GeForce RTX 4090", DataSize.ofGiB(24), "8.9");
        Family web = family("w").from(Base.scratch());
        var spec = fleet("f").registry("r.example/o").machines(bare).families(web)
                .services(service("llm").family(web).ports(7000, 8000).on(bare).gpus()
                        .volume("models_a", "/a").volume("models-a", "/b"))
                .rollout(Rollout.canaryOn(bare).batchesOf(1));
        FleetPlan plan = FleetPlanner.plan(Fleet.compile(spec).orThrow(), TestPlans.BUILD);

        RenderRefused refused = assertThrows(RenderRefused.class,
                () -> KubernetesRenderer.render(plan, ImageDigests.NONE));
        assertEquals(List.of(
                "volume 'models-a' on bare: its PersistentVolumeClaim name 'models-a-bare' is also volume "
                        + "'models_a''s; rename one of them",
                "instance llm@bare: asks for every GPU of bare, whose profile lists no GPU_VISIBLE_DEVICES, so there "
                        + "is no count for nvidia.com/gpu; expected device ids in the machine profile or gpus(\"0\") "
                        + "on the service"),
                refused.problems());
    }
}
