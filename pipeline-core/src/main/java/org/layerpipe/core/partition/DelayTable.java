package org.layerpipe.core.partition;

import java.util.ArrayList;
import java.util.List;

/**
 * A text table of the delay each block gets from a partition under a schedule, for logs and
 * reports. The delays come from {@code ScheduleKind.stageDelays(partition)} (LayerPipe2
 * {@code Delay(l) = 2·S(l)}, 1F1B {@code S(l)}, SEQUENTIAL and GPipe 0); LayerPipe2 at
 * partition {@code [2,1]}:
 *
 * <pre>
 * block         | stage | S | delay
 * 0 dense(256)  | 0     | 1 | 2
 * 1 dense(128)  | 0     | 1 | 2
 * 2 softmax(10) | 1     | 0 | 0
 * </pre>
 */
public final class DelayTable {

    private DelayTable() {
    }

    /** The table with names {@code block 0}, {@code block 1}, ... */
    public static String render(Partition partition, int[] stageDelays) {
        List<String> names = new ArrayList<>();
        for (int block = 0; block < partition.numBlocks(); block++) {
            names.add("block " + block);
        }
        return render(partition, names, stageDelays);
    }

    /**
     * The table for a schedule whose stage {@code s} has nominal delay {@code stageDelays[s]},
     * one row per block, its index and name in the first column; columns are aligned and lines
     * carry no trailing spaces.
     *
     * @throws PartitionException when there is not exactly one name per block or one delay per stage
     */
    public static String render(Partition partition, List<String> blockNames, int[] stageDelays) {
        if (stageDelays == null || stageDelays.length != partition.numStages()) {
            throw new PartitionException("partition " + partition + " has "
                    + PartitionException.count(partition.numStages(), "stage") + " but got "
                    + (stageDelays == null ? "no delays" : PartitionException.count(stageDelays.length, "delay"))
                    + ": pass one delay per stage");
        }
        if (blockNames == null || blockNames.size() != partition.numBlocks()) {
            throw new PartitionException("partition " + partition + " has "
                    + PartitionException.count(partition.numBlocks(), "block") + " but got "
                    + (blockNames == null ? "no block names" : PartitionException.count(blockNames.size(), "block name"))
                    + ": pass one name per block");
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"block", "stage", "S", "delay"});
        for (int block = 0; block < partition.numBlocks(); block++) {
            rows.add(new String[] {
                block + " " + blockNames.get(block),
                String.valueOf(partition.stageOf(block)),
                String.valueOf(partition.stagesAfter(block)),
                String.valueOf(stageDelays[partition.stageOf(block)]),
            });
        }
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int col = 0; col < widths.length; col++) {
                widths[col] = Math.max(widths[col], row[col].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int col = 0; col < widths.length; col++) {
                if (col > 0) {
                    line.append(" | ");
                }
                line.append(row[col]).append(" ".repeat(widths[col] - row[col].length()));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
