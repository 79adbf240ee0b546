package dev.slipway.runner;

import dev.slipway.validation.Fleet;
import dev.slipway.validation.FleetNotes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true, description = {
        "Check the fleet against every rule; print all problems at once or a summary.",
        "Exit codes: 0 valid, 1 refused (an invalid fleet, every problem printed; a bad option value), 2 usage error."})
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    FleetOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Fleet fleet = options.load().compile();
        spec.commandLine().getOut().println("fleet " + fleet.name() + " is valid: " + fleet.services().size()
                + " services, " + fleet.families().size() + " families, " + fleet.machines().size() + " machines");
        FleetNotes.of(fleet).forEach(note -> spec.commandLine().getOut().println("note: " + note));
        return 0;
    }
}
