package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.bench.GeneratedFleet;
import dev.slipway.testkit.HeadlessChromium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan --html/--dot} as a user runs them, and the page as Chromium renders it: the seed fleet (its screenshot
 * is README's picture, docs/seed-fleet.png) and a generated fleet of 200 services. Pages and screenshots stay
 * under target/pictures/.
 */
class PlanPictureTest {
    private static final Path PICTURES = Path.of("target", "pictures");
    private static final String TAG = "20261201-495ba93";

    @Test
    void theSeedFleetsPageInChromiumHoldsEveryServiceAndPort() throws IOException {
        HeadlessChromium chromium = chromium();
        Files.createDirectories(PICTURES);
        Path page = PICTURES.resolve("seed-fleet.html");
        CliRun run = CliRun.of("plan", "--dir", "../fleet-definition", "--tag", TAG, "--html",
                page.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("Wrote " + page.toAbsolutePath().normalize() + "\n", run.out());

        Document dom = Jsoup.parse(chromium.dumpDom(page));
        // SPEC's known rows: service, service port, health port, machine(s)
        String[][] known = {{"model_ops_coordinator", "7212", "8212", "mainpc"},
                {"affective_processing_center", "5560", "6560", "mainpc"},
                {"real_time_audio_pipeline", "5557", "6557", "mainpc"},
                {"real_time_audio_pipeline", "5557", "6557", "pc2"},
                {"unified_observability_center", "9100", "9110", "pc2"},
                {"self_healing_supervisor", "7009", "9008", "pc2"},
                {"central_error_bus", "7150", "8150", "pc2"}, {"memory_fusion_hub", "5713", "6713", "pc2"}};
        for (String[] row : known) {
            Element tr = dom.selectFirst("#machine-" + row[3] + " tr[data-service=" + row[0] + "]");
            assertTrue(tr != null, row[0] + " on " + row[3]);
            assertEquals(row[1], tr.selectFirst(".service-port").text());
            assertEquals(row[2], tr.selectFirst(".health-port").text());
        }
        assertEquals(8, dom.select("table.ports tbody tr").size());
        assertEquals(2, dom.select(".gpu-budget").size());
        assertEquals(2, dom.select("li.wave[data-wave]").size());
        chromium.screenshot(page, PICTURES.resolve("seed-fleet.png"), 1400, 2400);
    }

    @Test
    void aGeneratedFleetOf200ServicesIsWholeOnThePageAndInTheGraph(@TempDir Path dir) throws IOException {
        HeadlessChromium chromium = chromium();
        Path fleet = dir.resolve("fleet");
        Path baseTarball = Files.writeString(dir.resolve("base.tar"), "only `build` reads the base");
        GeneratedFleet.main(new String[]{fleet.toString(), "200", baseTarball.toString()});
        Files.createDirectories(PICTURES);
        Path page = PICTURES.resolve("generated-200.html");
        Path dot = dir.resolve("generated-200.dot");
        CliRun run = CliRun.of("plan", "--fleet", fleet.resolve("BenchFleet.java").toString(), "--tag", TAG,
                "--html", page.toString(), "--dot", dot.toString(), "--batch-size", "10",
                "--cache", dir.resolve("cache").toString());
        assertEquals(0, run.exitCode(), run.err());

        Document dom = Jsoup.parse(chromium.dumpDom(page));
        int instances = 0;
        for (int i = 0; i < 200; i++) {
            String service = String.format(Locale.ROOT, "svc_%03d", i);
            var rows = dom.select("table.ports tr[data-service=" + service + "]");
            assertTrue(!rows.isEmpty(), service + " has a row");
            for (Element row : rows) {
                assertEquals(Integer.toString(10000 + i), row.selectFirst(".service-port").text(), service);
                assertEquals(Integer.toString(20000 + i), row.selectFirst(".health-port").text(), service);
            }
            instances += rows.size();
            assertEquals(rows.size(), dom.select("li.wave .chip.instance[data-service=" + service + "]").size(),
                    service + " is in one wave per machine");
        }
        assertEquals(instances, dom.select("table.ports tbody tr").size());
        // every 13th service runs on both machines: 200 + 15 instances; the canary is mainpc's, pc2's in tens
        assertEquals(215, instances);
        int onMainpc = dom.select("#machine-mainpc tbody tr").size();
        int onPc2 = dom.select("#machine-pc2 tbody tr").size();
        assertEquals(onMainpc, dom.select("li.wave[data-wave=1] .chip.instance").size());
        assertEquals(1 + (onPc2 + 9) / 10, dom.select("li.wave[data-wave]").size());

        chromium.screenshot(page, PICTURES.resolve("generated-200.png"), 1400, 2400);
        String graph = Files.readString(dot);
        assertTrue(graph.contains("\"svc_199@pc2\""), "the graph has every instance");
    }

    @Test
    void thePageAndGraphAreTheSameBytesForTheSameDefinition(@TempDir Path dir) throws IOException {
        for (String name : new String[]{"a", "b"}) {
            CliRun run = CliRun.of("plan", "--dir", "../fleet-definition", "--tag", TAG, "--html",
                    dir.resolve(name + ".html").toString(), "--dot", dir.resolve(name + ".dot").toString());
            assertEquals(0, run.exitCode(), run.err());
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.html")), Files.readAllBytes(dir.resolve("b.html")));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.dot")), Files.readAllBytes(dir.resolve("b.dot")));
    }

    @Test
    void aBuildOutputGivesEachFamilyItsLayerSizes(@TempDir Path dir) throws IOException {
        Path definition = writeTinyFleet(dir);
        Path out = dir.resolve("out");
        CliRun build = CliRun.of("build", "--fleet", definition.toString(), "--out", out.toString(),
                "--tag", "t1", "--cache", dir.resolve("cache").toString());
        assertEquals(0, build.exitCode(), build.err());
        Path page = dir.resolve("page.html");
        CliRun run = CliRun.of("plan", "--fleet", definition.toString(), "--tag", "t1", "--html",
                page.toString(), "--build-output", out.toString(), "--cache", dir.resolve("cache").toString());
        assertEquals(0, run.exitCode(), run.err());
        Document html = Jsoup.parse(Files.readString(page));
        String built = html.selectFirst("#family-tiny-base dt:contains(built) + dd").text();
        assertTrue(built.matches("adds 1 layer, [0-9]+ B \\(image [0-9]+ B\\)"), built);
        assertTrue(html.selectFirst("#family-tiny-base .digest").text().matches("sha256:[0-9a-f]{12}"));
        assertTrue(
                html.selectFirst("#machine-box tr[data-service=web] td.image-size").text().matches("[0-9.]+ (B|KiB)"),
                html.selectFirst("#machine-box").outerHtml());
    }

    @Test
    void aMissingBuildOutputIsNamedAndNothingIsWritten(@TempDir Path dir) {
        Path page = dir.resolve("page.html");
        CliRun run = CliRun.of("plan", "--dir", "../fleet-definition", "--tag", TAG, "--html",
                page.toString(), "--build-output", dir.resolve("nowhere").toString());
        assertEquals(1, run.exitCode());
        assertEquals("--build-output: " + dir.resolve("nowhere/images.json") + " does not exist: expected the output "
                + "of `build --out " + dir.resolve("nowhere") + "`\n", run.err());
        assertTrue(Files.notExists(page));
    }

    @Test
    void aPageIntoAMissingDirectoryOrABuildOutputWithoutAPictureIsRefused(@TempDir Path dir) {
        CliRun missing = CliRun.of("plan", "--dir", "../fleet-definition", "--tag", TAG, "--html",
                dir.resolve("no/such/page.html").toString());
        assertEquals(1, missing.exitCode());
        assertEquals("--html: cannot write " + dir.resolve("no/such/page.html") + ": directory "
                + dir.resolve("no/such") + " does not exist\n", missing.err());
        CliRun alone = CliRun.of("plan", "--dir", "../fleet-definition", "--tag", TAG, "--build-output",
                dir.toString());
        assertEquals(1, alone.exitCode());
        assertEquals("--build-output: only used with --html or --dot\n", alone.err());
    }

    /** A scratch family with one file and one service: builds without any base image or network. */
    private static Path writeTinyFleet(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("app/www"));
        Files.writeString(dir.resolve("app/www/health"), "{\"status\":\"ok\"}");
        Files.writeString(dir.resolve("motd"), "hello\n");
        return Files.writeString(dir.resolve("TinyFleet.java"), """
                import static dev.slipway.dsl.Slipway.*;
                import dev.slipway.dsl.*;

                public final class TinyFleet implements FleetDefinitionSource {
                    static final Family BASE = family("tiny-base").from(Base.scratch()).files("motd", "/etc/motd");

                    @Override
                    public FleetSpec define() {
                        MachineProfile box = machine("box");
                        return fleet("tiny").registry("registry.example/acme").machines(box)
                                .services(service("web").family(BASE).ports(7100, 8100).on(box).app("app")
                                        .command("httpd", "-f", "-p", "8100", "-h", "/app/www"));
                    }
                }
                """);
    }

    private static HeadlessChromium chromium() {
        Optional<HeadlessChromium> chromium = HeadlessChromium.find();
        Assumptions.assumeTrue(chromium.isPresent(), "Debian's chromium is not installed (scripts/setup.sh "
                + "installs it); the page was not looked at in a browser");
        return chromium.get();
    }
}
