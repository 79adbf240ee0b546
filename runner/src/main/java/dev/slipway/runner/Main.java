package dev.slipway.runner;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar runner.jar <command>}: the one entry point; commands return exit codes, nothing calls exit. */
@Command(name = "slipway", mixinStandardHelpOptions = true, versionProvider = Version.class, description = "Fleets as code: validate, plan, build and roll out a fleet declared in Java.", subcommands = {
        ValidateCommand.class, PlanCommand.class, LockCommand.class, BuildCommand.class, ApplyCommand.class,
        RollbackCommand.class, StatusCommand.class, LogsCommand.class, RenderCommand.class, VerifyCommand.class,
        SbomCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** A usage error is one line naming the command and where its help is, exit 2; not the whole usage text. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        String command = failed.getCommandSpec().qualifiedName();
        failed.getErr().println(command + ": " + e.getMessage().replace('\n', ' ').strip() + " (see '" + command
                + " --help')");
        failed.getErr().flush();
        return failed.getCommandSpec().exitCodeOnInvalidInput();
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        cli.setParameterExceptionHandler(Main::usageError);
        return cli;
    }
}
