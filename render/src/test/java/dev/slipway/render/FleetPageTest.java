package dev.slipway.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.model.DataSize;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.InstancePlan;
import dev.slipway.plan.Wave;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page and the graph as files: what they hold, that they hold the same bytes for the same plan. */
class FleetPageTest {

    @Test
    void theSamePlanAndLiveStateDrawTheSameBytes() {
        FleetPlan first = SeedFleetPlans.seed();
        FleetPlan second = SeedFleetPlans.seed();
        var a = SeedFleetPlans.picture(first, Optional.of(SeedFleetPlans.live(first)));
        var b = SeedFleetPlans.picture(second, Optional.of(SeedFleetPlans.live(second)));
        assertEquals(HtmlPage.render(a), HtmlPage.render(b));
        assertEquals(DotGraph.render(a), DotGraph.render(b));
        assertFalse(HtmlPage.render(a).equals(HtmlPage.render(SeedFleetPlans.picture(first, Optional.empty()))),
                "the live plan changes the page");
    }

    @Test
    void thePageFetchesNothing() {
        String html = HtmlPage.render(SeedFleetPlans.picture(SeedFleetPlans.seed(), Optional.empty()));
        Document page = Jsoup.parse(html);
        assertTrue(page.select("link, img, iframe, script[src], [href^=http], [src]").isEmpty(), html);
        assertFalse(html.contains("@import") || html.contains("url("), "no CSS import or url()");
    }

    @Test
    void everyInstanceIsInItsMachinesPortMapWithItsServiceAndHealthPort() {
        FleetPlan plan = SeedFleetPlans.seed();
        Document page = Jsoup.parse(HtmlPage.render(SeedFleetPlans.picture(plan, Optional.empty())));
        assertEquals(8, plan.instances().size());
        for (InstancePlan instance : plan.instances()) {
            Element row = page.selectFirst("#machine-" + instance.machine() + " tr[data-service="
                    + instance.service() + "]");
            assertTrue(row != null, instance.id() + " has a row on its machine");
            int health = instance.healthCheck().port().number();
            assertEquals(Integer.toString(health), row.selectFirst(".health-port").text());
            List<String> servicePorts = instance.ports().stream().filter(p -> p.number() != health)
                    .map(p -> Integer.toString(p.number())).toList();
            assertEquals(servicePorts, row.select(".service-port").eachText());
        }
        // SPEC's rows, as a reviewer reads them
        Element row = page.selectFirst("#machine-mainpc tr[data-service=model_ops_coordinator]");
        assertEquals("model_ops_coordinator family-llm-cu121 7212 8212 GET /health", row.select("td").subList(0, 4)
                .stream().map(Element::text).collect(java.util.stream.Collectors.joining(" ")));
        // the runtime settings: every GPU of mainpc (its profile's ids), the model cache volumes
        assertEquals("device 0", row.selectFirst("td.gpu").text());
        assertEquals(List.of("volume ai_system-hf-cache -> /home/appuser/.cache/huggingface",
                "volume ai_system-models -> /home/appuser/models"), row.select("td.volumes .mount").eachText());
    }

    @Test
    void theFamilyTreeLinksEveryFamilyToItsParentAndListsItsServices() {
        Document page = Jsoup.parse(HtmlPage.render(SeedFleetPlans.picture(SeedFleetPlans.seed(), Optional.empty())));
        assertEquals(9, page.select("svg.family-tree g.node.family").size());
        assertEquals(List.of("base-python", "base-utils", "base-cpu-pydeps", "family-web", "base-gpu-cu121",
                "family-torch-cu121", "family-llm-cu121", "family-vision-cu121", "legacy-py310-cpu"),
                page.select(".family-card h3").eachText());
        Element web = page.getElementById("family-family-web");
        assertEquals("base-cpu-pydeps", web.selectFirst("dt:contains(parent) + dd").text());
        assertEquals(List.of("unified_observability_center", "self_healing_supervisor", "central_error_bus",
                "memory_fusion_hub"), web.select(".chip.service").eachText());
        // read from locks/family-web.debian.lock: the packages it adds over its parents
        assertTrue(web.selectFirst("dt:contains(installs) + dd").text().matches("[0-9]+ packages"),
                web.outerHtml());
    }

    @Test
    void wavesListEveryInstanceInRolloutOrderColouredByTheLivePlan() {
        FleetPlan plan = SeedFleetPlans.seed();
        Document page = Jsoup.parse(HtmlPage.render(SeedFleetPlans.picture(plan,
                Optional.of(SeedFleetPlans.live(plan)))));
        List<Wave> waves = plan.rollout().waves();
        assertEquals(waves.size(), page.select("li.wave[data-wave]").size());
        assertTrue(page.selectFirst("li.wave[data-wave=1]").hasClass("canary"));
        for (Wave wave : waves) {
            assertEquals(wave.instances().stream().map(i -> i.service() + "@" + i.machine()).toList(),
                    page.select("li.wave[data-wave=" + wave.number() + "] .chip.instance").eachText());
        }
        assertEquals(1, page.select("li.wave .chip.action-update").size());
        assertEquals(1, page.select("li.wave .chip.action-create").size());
        assertEquals(plan.instances().size() - 2, page.select("li.wave .chip.action-unchanged").size());
        assertEquals("retired_service@pc2", page.selectFirst("li.wave.removals .chip.action-remove").text());
    }

    @Test
    void aGpuMachineOverItsBudgetIsMarkedAndSaysByHowMuch() {
        FleetPlan plan = SeedFleetPlans.reserving(SeedFleetPlans.seed(), "mainpc", DataSize.ofGiB(8));
        Document page = Jsoup.parse(HtmlPage.render(SeedFleetPlans.picture(plan, Optional.empty())));
        Element mainpc = page.selectFirst(".gpu-budget[data-machine=mainpc]");
        assertTrue(mainpc.hasClass("over"), mainpc.outerHtml());
        assertEquals("GPU memory promised: 24 GiB of a 21.6 GiB budget (90% of 24 GiB, 111% used) — over budget by "
                + "2.4 GiB", mainpc.selectFirst(".gpu-figures").text());
        assertEquals(3, mainpc.select("rect.reserved").size());
        assertTrue(page.selectFirst(".gpu-budget[data-machine=pc2]").hasClass("ok"));
    }

    @Test
    void buildOutputProblemsAreNamed(@TempDir Path dir) throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> BuildOutput.read(dir));
        assertEquals(dir.resolve("images.json") + " does not exist: expected the output of `build --out " + dir + "`",
                missing.getMessage());
        Files.writeString(dir.resolve("images.json"), "{}");
        Files.writeString(dir.resolve("broken.tar"), "not a tarball");
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> BuildOutput.read(dir));
        assertTrue(broken.getMessage().startsWith(dir.resolve("broken.tar") + " is not a docker-load tarball"),
                broken.getMessage());
    }

    @Test
    void graphvizDrawsTheDotFile(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dot")),
                "Graphviz's dot is not installed (scripts/setup.sh installs graphviz)");
        FleetPlan plan = SeedFleetPlans.seed();
        Path dot = Files.writeString(dir.resolve("seed.dot"),
                DotGraph.render(SeedFleetPlans.picture(plan, Optional.of(SeedFleetPlans.live(plan)))));
        Process process = new ProcessBuilder("/usr/bin/dot", "-Tsvg", dot.toString())
                .redirectError(dir.resolve("dot.err").toFile()).start();
        String svg = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), Files.readString(dir.resolve("dot.err")));
        assertEquals("", Files.readString(dir.resolve("dot.err")), "dot warns about nothing");
        List<String> texts = Jsoup.parse(svg).select("text").eachText();
        for (InstancePlan instance : plan.instances()) {
            assertTrue(texts.contains(instance.id().toString()), instance.id() + " drawn: " + texts);
        }
        assertTrue(texts.contains("family-llm-cu121"), texts.toString());
        for (Wave wave : plan.rollout().waves()) {
            assertTrue(texts.contains("wave " + wave.number() + " (" + wave.kind().name().toLowerCase() + ")"),
                    texts.toString());
        }
    }
}
