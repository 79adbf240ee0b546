package dev.slipway.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Debian's Chromium, headless, for tests that look at a page as a browser renders it: the DOM after scripts ran
 * ({@code --dump-dom}) and a screenshot. Each run gets a fresh profile directory and never reaches the network.
 */
public final class HeadlessChromium {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

    private final Path executable;

    private HeadlessChromium(Path executable) {
        this.executable = executable;
    }

    /** The installed browser ({@code scripts/setup.sh} installs Debian's {@code chromium}), if any. */
    public static Optional<HeadlessChromium> find() {
        return CANDIDATES.stream().map(Path::of).filter(Files::isExecutable).findFirst().map(HeadlessChromium::new);
    }

    /** The page's DOM as the browser serialises it once loaded. */
    public String dumpDom(Path page) {
        return dumpDom(page, "");
    }

    /** The same, for the page opened at {@code #fragment}. */
    public String dumpDom(Path page, String fragment) {
        return run(page, fragment, List.of("--dump-dom")).stdout();
    }

    /** A PNG of the page's top {@code width} x {@code height} pixels. */
    public Path screenshot(Path page, Path png, int width, int height) {
        run(page, "", List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars"));
        if (!Files.isRegularFile(png)) {
            throw new IllegalStateException("chromium wrote no screenshot to " + png);
        }
        return png;
    }

    private CommandResult run(Path page, String fragment, List<String> action) {
        ScratchDirectory profile = ScratchDirectory.createTemporary("chromium-profile-");
        try {
            List<String> argv = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-extensions",
                    "--user-data-dir=" + profile.path()));
            argv.addAll(action);
            argv.add(page.toAbsolutePath().toUri() + (fragment.isEmpty() ? "" : "#" + fragment));
            return CommandLine.of(argv).run(TIMEOUT).requireSuccess();
        } finally {
            ScratchDirectory.deleteTree(profile.path());
        }
    }
}
