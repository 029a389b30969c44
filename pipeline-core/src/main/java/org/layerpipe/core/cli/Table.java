package org.layerpipe.core.cli;

import java.util.ArrayList;
import java.util.List;

/** A text table with right-aligned numeric columns, for terminal output. */
final class Table {

    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    Table row(String... cells) {
        rows.add(cells);
        return this;
    }

    String header() {
        return render().lines().limit(2).reduce("", (a, b) -> a + b + "\n");
    }

    /** The row at {@code index} (0 = header) as it appears in the full table. */
    String line(int index) {
        return render().lines().skip(index == 0 ? 0 : index + 1).findFirst().orElse("");
    }

    String render() {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            String[] r = rows.get(k);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == 0 ? "" : "  ").append(" ".repeat(w[i] - r[i].length())).append(r[i]);
            }
            sb.append(line).append('\n');
            if (k == 0) {
                int total = 0;
                for (int x : w) {
                    total += x;
                }
                sb.append("-".repeat(total + 2 * (w.length - 1))).append('\n');
            }
        }
        return sb.toString();
    }
}
