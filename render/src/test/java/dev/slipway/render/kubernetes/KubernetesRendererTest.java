package dev.slipway.render.kubernetes;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.service;
import static dev.slipway.machines.MachineProfiles.MAINPC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.Rollout;
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
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
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
}
