package dev.slipway.runner;

import dev.slipway.images.supplychain.CosignSignatures;
import dev.slipway.images.supplychain.OciRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true, description = {
        "Check that each image carries a cosign signature (sha256-<digest>.sig, simple-signing "
                + "payload, ECDSA P-256) by the key, over the digest its tag points at now and naming its repository.",
        "Exit codes: 0 every image verified, 1 refused (an image unsigned or wrongly signed, each one named; "
                + "a bad option value), 2 usage error."})
final class VerifyCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "HOST[:PORT]/REPOSITORY:TAG or …@sha256:DIGEST")
    List<String> images;

    @Option(names = "--key", required = true, paramLabel = "PUB", description = "The public key (PEM 'PUBLIC KEY', as cosign.pub or openssl ec -pubout write it): a file "
            + "or env://VARIABLE.")
    String key;

    @Option(names = "--insecure", description = "Allow plain HTTP; only for a registry on loopback.")
    boolean insecure;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ECPublicKey publicKey = RegistryAccess.publicKey("--key", key);
        OciRegistry registry = RegistryAccess.client(images, insecure);
        CosignSignatures signatures = new CosignSignatures(registry);
        PrintWriter out = spec.commandLine().getOut();
        List<String> problems = new ArrayList<>();
        for (String image : images) {
            try {
                CosignSignatures.Verified verified = signatures.verify(image, publicKey);
                out.printf("%s  %s  verified (%s)%n", image, verified.digest(), verified.signatureTag());
                out.flush();
            } catch (CosignSignatures.SignatureProblem e) {
                problems.add(e.getMessage());
            } catch (IOException e) {
                problems.add(image + ": cannot check its signature: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            problems.add(problems.size() + " of " + images.size() + " image(s) not signed by " + key + ".");
            throw new UserError(problems);
        }
        return 0;
    }
}
