package org.layerpipe.core.partition;

import java.util.ArrayList;
import java.util.List;

import org.layerpipe.core.text.Table;

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
        Table table = new Table("block", "stage", "S", "delay");
        for (int block = 0; block < partition.numBlocks(); block++) {
            table.row(block + " " + blockNames.get(block),
                    String.valueOf(partition.stageOf(block)),
                    String.valueOf(partition.stagesAfter(block)),
                    String.valueOf(stageDelays[partition.stageOf(block)]));
        }
        return table.piped(4);
    }
}
