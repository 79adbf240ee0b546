package dev.slipway.validation;

import dev.slipway.dsl.FleetSpec;
import java.util.List;

/** One family of checks over a declared fleet. Rules report problems; they never throw and never stop early. */
interface Rule {
    void check(FleetSpec fleet, List<Problem> problems);
}
