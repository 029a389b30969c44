package org.layerpipe.jobs.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The report's one table renderer: a GitHub-markdown table whose columns are padded, so the
 * same text reads in a terminal, in MLflow's run note and in {@code report.md}.
 */
public final class Table {

    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
        rows.add(header.clone());
    }

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
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(Math.max(w[i], r[i].length()), 3);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            line(sb, rows.get(k), w);
            if (k == 0) {
                String[] sep = new String[w.length];
                for (int i = 0; i < w.length; i++) {
                    sep[i] = "-".repeat(w[i]);
                }
                line(sb, sep, w);
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        sb.append('|');
        for (int i = 0; i < w.length; i++) {
            // a '|' inside a cell would end it in markdown
            String c = cells[i].replace("|", "\\|");
            sb.append(' ').append(c).append(" ".repeat(Math.max(0, w[i] - c.length()))).append(" |");
        }
        sb.append('\n');
    }
}
