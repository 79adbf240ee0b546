package dev.slipway.runner;

import dev.slipway.validation.InvalidFleetException;
import dev.slipway.validation.Problem;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** The edge where errors stop being values: each problem on its own line, exit 1, and no stack trace. */
final class UserErrorHandler implements IExecutionExceptionHandler {
    static final int FAILED = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof UserError userError) {
            userError.lines().forEach(err::println);
        } else if (e instanceof InvalidFleetException invalid) {
            invalid.problems().stream().map(Problem::toString).forEach(err::println);
            err.println(invalid.problems().size() + " problem(s); nothing was changed.");
        } else {
            err.println("slipway: internal error: " + e);
            if (System.getenv("SLIPWAY_DEBUG") != null) {
                e.printStackTrace(err);
            } else {
                err.println("(set SLIPWAY_DEBUG=1 for details)");
            }
        }
        err.flush();
        return FAILED;
    }
}
