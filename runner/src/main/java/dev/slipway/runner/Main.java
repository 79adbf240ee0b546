package dev.slipway.runner;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar runner.jar <command>}: the one entry point; commands return exit codes, nothing calls exit. */
@Command(name = "slipway",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Fleets as code: validate, plan, build and roll out a fleet declared in Java.",
        subcommands = {ValidateCommand.class, PlanCommand.class, LockCommand.class, BuildCommand.class, ApplyCommand.class,
                RollbackCommand.class, StatusCommand.class,
                VerifyCommand.class,
                SbomCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        return cli;
    }
}
