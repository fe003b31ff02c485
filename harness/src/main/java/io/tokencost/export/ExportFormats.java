package io.tokencost.export;

import io.tokencost.export.aiconfigurator.AiConfiguratorFormat090;
import io.tokencost.export.llmanalysis.LlmAnalysisFormatD841e40;
import io.tokencost.export.vidur.VidurFormat001;

import java.util.List;

/** The registry of {@code export --format}: the current adapter of each target. */
public final class ExportFormats {

    private static final List<SimulatorFormat> ALL = List.of(new LlmAnalysisFormatD841e40(), new AiConfiguratorFormat090(), new VidurFormat001());

    private ExportFormats() {
    }

    public static List<SimulatorFormat> all() {
        return ALL;
    }

    public static SimulatorFormat byId(String id) {
        return ALL.stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown export format '" + id + "' (known: " + String.join(", ", ALL.stream().map(SimulatorFormat::id).toList()) + ")"));
    }
}
