package org.layerpipe.core.text;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The project's one text-table renderer, in two styles: {@link #markdown()} (a GitHub-markdown
 * table with padded columns, readable in a terminal, an MLflow run note and a {@code .md} file) and
 * {@link #aligned()} (right-aligned columns under a dashed rule, for numbers in a terminal; its
 * {@link #alignedHeader()} and {@link #alignedLine(int)} let a command print rows as they come),
 * {@link #piped(int)} (columns between {@code |}, e.g. a schedule's tick × stage grid) and
 * {@link #plain()} (a listing).
 */
public final class Table {

    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
        rows.add(header.clone());
    }

    /** Adds a row of exactly as many cells as the header. */
    public Table row(String... cells) {
        if (cells.length != rows.get(0).length) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + rows.get(0).length + " columns");
        }
        rows.add(cells.clone());
        return this;
    }

    /** Rows without the header. */
    public int size() {
        return rows.size() - 1;
    }

    public String markdown() {
        int[] w = widths(3);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            markdownLine(sb, rows.get(k), w);
            if (k == 0) {
                String[] sep = new String[w.length];
                for (int i = 0; i < w.length; i++) {
                    sep[i] = "-".repeat(w[i]);
                }
                markdownLine(sb, sep, w);
            }
        }
        return sb.toString();
    }

    public String aligned() {
        int[] w = widths(0);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            sb.append(alignedRow(rows.get(k), w)).append('\n');
            if (k == 0) {
                sb.append(rule(w)).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Columns separated by {@code " | "}, the header as the first line with no rule under it, the
     * first {@code leftAligned} columns padded on the right (names), the rest on the left (numbers);
     * no line ends in spaces.
     */
    public String piped(int leftAligned) {
        return columns(" | ", i -> i < leftAligned);
    }

    /** {@link #piped(int)} with the columns {@code leftAligned} says padded on the right, the others on the left. */
    public String piped(IntPredicate leftAligned) {
        return columns(" | ", leftAligned);
    }

    /** Left-aligned columns two spaces apart, the header as the first line: a listing; no line ends in spaces. */
    public String plain() {
        return columns("  ", i -> true);
    }

    private String columns(String separator, IntPredicate leftAligned) {
        int[] w = widths(0);
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                String pad = " ".repeat(w[i] - r[i].length());
                line.append(i == 0 ? "" : separator).append(leftAligned.test(i) ? r[i] + pad : pad + r[i]);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /** The header and its rule as {@link #aligned()} prints them now (widths so far). */
    public String alignedHeader() {
        int[] w = widths(0);
        return alignedRow(rows.get(0), w) + "\n" + rule(w) + "\n";
    }

    /** Row {@code index} (1 = the first after the header) as {@link #aligned()} prints it now. */
    public String alignedLine(int index) {
        return alignedRow(rows.get(index), widths(0));
    }

    private int[] widths(int min) {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(Math.max(w[i], r[i].length()), min);
            }
        }
        return w;
    }

    private static String alignedRow(String[] r, int[] w) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < r.length; i++) {
            line.append(i == 0 ? "" : "  ").append(" ".repeat(w[i] - r[i].length())).append(r[i]);
        }
        return line.toString();
    }

    private static String rule(int[] w) {
        int total = 0;
        for (int x : w) {
            total += x;
        }
        return "-".repeat(total + 2 * (w.length - 1));
    }

    private static void markdownLine(StringBuilder sb, String[] cells, int[] w) {
        sb.append('|');
        for (int i = 0; i < w.length; i++) {
            // a '|' inside a cell would end it in markdown
            String c = cells[i].replace("|", "\\|");
            sb.append(' ').append(c).append(" ".repeat(Math.max(0, w[i] - c.length()))).append(" |");
        }
        sb.append('\n');
    }
}
