package io.tokencost.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Picocli formats every help line with String.format: a bare % (say "% of the ceiling") makes it
 * print a warning and the line unformatted. Every command's, option's and parameter's description
 * must format.
 */
class HelpTextTest {

    @Test
    void everyDescriptionLineFormats() {
        List<String> bad = new ArrayList<>();
        List<CommandSpec> specs = new ArrayList<>();
        collect(Main.commandLine(), specs);
        assertTrue(specs.size() > 10, "commands found: " + specs.size());
        for (CommandSpec spec : specs) {
            List<String> lines = new ArrayList<>(List.of(spec.usageMessage().description()));
            for (ArgSpec arg : spec.args()) {
                lines.addAll(List.of(arg.description()));
            }
            for (String line : lines) {
                try {
                    String.format(line);
                } catch (IllegalFormatException e) {
                    bad.add(spec.qualifiedName() + ": \"" + line + "\" (" + e.getMessage() + ")");
                }
            }
        }
        assertEquals(List.of(), bad);
    }

    private static void collect(CommandLine cl, List<CommandSpec> into) {
        into.add(cl.getCommandSpec());
        cl.getSubcommands().values().forEach(sub -> collect(sub, into));
    }
}
