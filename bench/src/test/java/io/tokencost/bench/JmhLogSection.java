package io.tokencost.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One case's section of a run's JMH log (the runner heads each case's JMH run with
 * {@code ### <label> on <backend>}): the case's suite/kernel, its measurement iterations, and the
 * samples the profiler counted over them.
 */
record JmhLogSection(String kernel, int iterations, long samples) {

    private static final Pattern MEASUREMENT = Pattern.compile("^# Measurement: (\\d+) iterations");
    private static final Pattern SAMPLES = Pattern.compile("^\\s*kernel_samples:\\s+([0-9.,]+)");

    /** Every section in the order the cases ran. */
    static List<JmhLogSection> read(Path jmhLog) throws IOException {
        List<JmhLogSection> sections = new ArrayList<>();
        String kernel = null;
        int iterations = 0;
        long samples = 0;
        for (String line : Files.readAllLines(jmhLog)) {
            Matcher m;
            if (line.startsWith("### ")) {
                if (kernel != null) {
                    sections.add(new JmhLogSection(kernel, iterations, samples));
                }
                kernel = line.substring(4, line.indexOf(' ', 4));
                iterations = 0;
                samples = 0;
            } else if ((m = MEASUREMENT.matcher(line)).find()) {
                iterations = Integer.parseInt(m.group(1));
            } else if ((m = SAMPLES.matcher(line)).find()) {
                // JMH prints scores in the default locale: 13.000 or 13,000
                samples += Math.round(Double.parseDouble(m.group(1).replace(',', '.')));
            }
        }
        if (kernel != null) {
            sections.add(new JmhLogSection(kernel, iterations, samples));
        }
        return sections;
    }
}
