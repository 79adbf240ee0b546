package dev.slipway.runner;

import dev.slipway.images.supplychain.AttachedSboms;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sbom", mixinStandardHelpOptions = true, description = {
        "Print the CycloneDX SBOM that build pushed beside an image (tag sha256-<digest>.sbom of the "
                + "digest the image's tag points at now): the image, its base (with digest), the layers Slipway added, "
                + "and every Debian package and wheel of a packaged lineage.",
        "Exit codes: 0 printed (or written to --out), 1 refused (no SBOM attached, registry unreachable, "
                + "bad option value), 2 usage error."})
final class SbomCommand implements Callable<Integer> {

    @Parameters(paramLabel = "IMAGE", description = "HOST[:PORT]/REPOSITORY:TAG or …@sha256:DIGEST")
    String image;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the SBOM here instead of printing it.")
    Path out;

    @Option(names = "--insecure", description = "Allow plain HTTP; only for a registry on loopback.")
    boolean insecure;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Optional<AttachedSboms.Attached> attached;
        try {
            attached = new AttachedSboms(RegistryAccess.client(List.of(image), insecure)).read(image);
        } catch (IOException e) {
            throw new UserError("sbom: " + e.getMessage());
        }
        if (attached.isEmpty()) {
            throw new UserError(image + ": no SBOM is attached (no sha256-<digest>.sbom tag for its digest); "
                    + "images pushed by build carry one");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (out != null) {
            try {
                Files.write(out, attached.get().sbom());
            } catch (IOException e) {
                throw new UserError("--out " + out + ": " + e.getMessage());
            }
            stdout.printf("%s  %s  SBOM (%s) written to %s%n", image, attached.get().digest(), attached.get().tag(),
                    out);
        } else {
            stdout.println(new String(attached.get().sbom(), StandardCharsets.UTF_8));
        }
        stdout.flush();
        return 0;
    }
}
