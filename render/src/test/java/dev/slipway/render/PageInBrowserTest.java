package dev.slipway.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.model.DataSize;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.InstancePlan;
import dev.slipway.testkit.HeadlessChromium;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The seed fleet's page as Chromium renders it, with hosts that differ from the definition and mainpc's GPU
 * promised over its budget: the DOM after load holds every instance and port, the bar is red on screen. The
 * page and screenshot stay under target/pictures/.
 */
class PageInBrowserTest {
    private static final Path PICTURES = Path.of("target", "pictures");

    @Test
    void chromiumShowsEveryPortTheWavesAndAGpuOverBudgetInRed() throws IOException {
        Optional<HeadlessChromium> chromium = HeadlessChromium.find();
        Assumptions.assumeTrue(chromium.isPresent(), "Debian's chromium is not installed (scripts/setup.sh "
                + "installs it); the page was not looked at in a browser");
        FleetPlan plan = SeedFleetPlans.reserving(SeedFleetPlans.seed(), "mainpc", DataSize.ofGiB(9));
        Files.createDirectories(PICTURES);
        Path page = Files.writeString(PICTURES.resolve("seed-fleet-over-budget.html"),
                HtmlPage.render(SeedFleetPlans.picture(plan, Optional.of(SeedFleetPlans.live(plan)))));

        Document dom = Jsoup.parse(chromium.get().dumpDom(page));
        for (InstancePlan instance : plan.instances()) {
            Element row = dom.selectFirst("#machine-" + instance.machine() + " tr[data-service=" + instance.service()
                    + "]");
            assertTrue(row != null, instance.id() + " in the rendered DOM");
            for (var port : instance.ports()) {
                assertTrue(row.select(".port").eachText().contains(Integer.toString(port.number())),
                        instance.id() + " shows port " + port);
            }
            assertEquals(1, dom.select("li.wave .chip.instance[data-service=" + instance.service() + "][title^="
                    + instance.id() + ":]").size(), instance.id() + " in exactly one wave");
        }
        assertTrue(dom.selectFirst(".gpu-budget[data-machine=mainpc]").hasClass("over"));
        assertEquals(plan.rollout().waves().size(), dom.select("li.wave[data-wave]").size());

        Path png = chromium.get().screenshot(page, PICTURES.resolve("seed-fleet-over-budget.png"), 1400, 2400);
        BufferedImage shot = ImageIO.read(png.toFile());
        assertEquals(1400, shot.getWidth());
        assertTrue(countPixels(shot, 0xd32f2f) > 1000, "the over-budget bar is drawn red (#d32f2f)");
    }

    @Test
    void aFilterInTheLinkHidesEveryOtherService() throws IOException {
        Optional<HeadlessChromium> chromium = HeadlessChromium.find();
        Assumptions.assumeTrue(chromium.isPresent(), "Debian's chromium is not installed (scripts/setup.sh "
                + "installs it); the page was not looked at in a browser");
        FleetPlan plan = SeedFleetPlans.seed();
        Files.createDirectories(PICTURES);
        Path page = Files.writeString(PICTURES.resolve("seed-fleet.html"),
                HtmlPage.render(SeedFleetPlans.picture(plan, Optional.empty())));
        Document dom = Jsoup.parse(chromium.get().dumpDom(page, "filter=audio"));
        assertEquals("1 service matches", dom.getElementById("matches").text());
        for (Element element : dom.select("[data-service]:not(rect)")) {
            boolean audio = element.attr("data-service").equals("real_time_audio_pipeline");
            assertEquals(!audio, element.hasAttr("hidden"), element.outerHtml());
        }
        assertEquals(2, dom.select("table.ports tr[data-service]:not([hidden])").size());
    }

    private static int countPixels(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }
}
