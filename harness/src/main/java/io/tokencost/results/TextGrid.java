package io.tokencost.results;

import java.io.PrintWriter;
import java.util.List;

/** A table of cells as text: aligned columns for a terminal, or a Markdown table. The first row is the header. */
public final class TextGrid {

    private TextGrid() {
    }

    /** Columns as wide as their widest cell, two spaces apart; the first two (names) left-aligned, the others (figures) right-aligned. */
    public static void printAligned(List<List<String>> grid, PrintWriter out, String indent) {
        int[] width = new int[grid.get(0).size()];
        for (List<String> line : grid) {
            for (int i = 0; i < line.size(); i++) {
                width[i] = Math.max(width[i], line.get(i).length());
            }
        }
        for (List<String> line : grid) {
            StringBuilder sb = new StringBuilder(indent);
            for (int i = 0; i < line.size(); i++) {
                String cell = line.get(i);
                sb.append(i < 2 ? String.format("%-" + width[i] + "s", cell) : String.format("%" + width[i] + "s", cell)).append("  ");
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    /** A Markdown table, {@code |} in cells escaped. */
    public static void printMarkdown(List<List<String>> grid, PrintWriter out) {
        for (int n = 0; n < grid.size(); n++) {
            out.println("| " + String.join(" | ", grid.get(n).stream().map(s -> s.replace("|", "\\|")).toList()) + " |");
            if (n == 0) {
                out.println("|" + "---|".repeat(grid.get(0).size()));
            }
        }
    }
}
