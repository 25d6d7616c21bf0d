package dev.lookout.app.config;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The checks options share, and their errors: each names the option and the environment variable
 * that sets it, so a start-up failure says what to change wherever the value came from.
 */
final class OptionChecks {

    private final CommandSpec spec;

    OptionChecks(final CommandSpec spec) {
        this.spec = spec;
    }

    ParameterException invalid(final String option, final Object value, final String problem) {
        return new ParameterException(spec.commandLine(), "Invalid value '" + value + "' for " + option + " ("
                + ConfigSources.environmentName(option) + "): " + problem);
    }

    ParameterException problem(final String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    void require(final String value, final String option, final String when) {
        if (value == null || value.isBlank()) {
            throw problem(option + " (" + ConfigSources.environmentName(option) + ") is required " + when);
        }
    }

    void port(final int value, final String option) {
        if (value < 0 || value > 65_535) {
            throw invalid(option, value, "must be a port number (0-65535)");
        }
    }

    void positive(final int value, final String option) {
        if (value <= 0) {
            throw invalid(option, value, "must be positive");
        }
    }
}
