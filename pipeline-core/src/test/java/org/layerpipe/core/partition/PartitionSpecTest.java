package org.layerpipe.core.partition;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PartitionSpecTest {

    private static final String ACCEPTED =
            "use stage sizes like \"3,2,2,1\" or \"[3,2,2,1]\", or \"balanced:M\" for M cost-balanced stages";

    @Test
    void parsesExplicitForms() {
        PartitionSpec expected = new PartitionSpec.Explicit(List.of(3, 2, 2, 1));
        assertEquals(expected, PartitionSpec.parse("3,2,2,1"));
        assertEquals(expected, PartitionSpec.parse("[3,2,2,1]"));
        assertEquals(expected, PartitionSpec.parse("  [ 3 , 2,2 ,1 ] "));
        assertEquals(new PartitionSpec.Explicit(List.of(3, 2)), PartitionSpec.parse(" [ 3, 2 ] "));
        assertEquals(new PartitionSpec.Explicit(List.of(8)), PartitionSpec.parse("8"));
    }

    @Test
    void parsesBalancedInAnyCase() {
        assertEquals(new PartitionSpec.Balanced(4), PartitionSpec.parse("balanced:4"));
        assertEquals(new PartitionSpec.Balanced(4), PartitionSpec.parse("BALANCED:4"));
        assertEquals(new PartitionSpec.Balanced(2), PartitionSpec.parse(" Balanced : 2 "));
    }

    @Test
    void toStringRoundTrips() {
        for (String text : List.of("3,2,2,1", "[3,2,2,1]", " [ 3, 2 ] ", "1", "balanced:4", "BALANCED:1")) {
            PartitionSpec spec = PartitionSpec.parse(text);
            assertEquals(spec, PartitionSpec.parse(spec.toString()), text);
        }
        assertEquals("[3,2,2,1]", PartitionSpec.parse("3, 2, 2, 1").toString());
        assertEquals("[3,2]", PartitionSpec.parse(" [ 3, 2 ] ").toString());
        assertEquals("balanced:4", PartitionSpec.parse("Balanced:4").toString());
    }

    @Test
    void rejectsGarbageQuotingTheText() {
        for (String text : List.of("", "  ", "abc", "3,,2", "[3,2", "3,2]", "3;2", "balanced", "balanced:",
                "balanced:x", "balanced:4,2", "[3,2],[1]", "99999999999", "3.5,2")) {
            assertMessage("cannot parse partition \"" + text + "\": " + ACCEPTED, () -> PartitionSpec.parse(text));
        }
        assertMessage("partition is missing (null): " + ACCEPTED, () -> PartitionSpec.parse(null));
    }

    @Test
    void rejectsBadNumbersWithTheSpecificReason() {
        assertMessage("stage 1 of partition [3,0] has size 0: every stage needs at least 1 block",
                () -> PartitionSpec.parse("3,0"));
        assertMessage("stage 0 of partition [-2] has size -2: every stage needs at least 1 block",
                () -> PartitionSpec.parse("[-2]"));
        assertMessage("balanced partition needs at least 1 stage but got 0: use balanced:M with M >= 1",
                () -> PartitionSpec.parse("balanced:0"));
        assertMessage("balanced partition needs at least 1 stage but got -3: use balanced:M with M >= 1",
                () -> new PartitionSpec.Balanced(-3));
    }

    @Test
    void explicitResolvesWhenSizesCoverTheModel() {
        assertEquals(Partition.of(3, 2, 2, 1), PartitionSpec.parse("3,2,2,1").resolve(8, null));
        assertEquals(Partition.of(1), PartitionSpec.parse("1").resolve(1, new double[] {5}));
    }

    @Test
    void balancedResolvesWithCosts() {
        assertEquals(Partition.of(2, 2), PartitionSpec.parse("balanced:2").resolve(4, new double[] {1, 1, 1, 1}));
        assertEquals(Partition.of(3, 1), PartitionSpec.parse("balanced:2").resolve(4, new double[] {1, 1, 1, 3}));
    }

    @Test
    void resolveRejectsMismatchesWithTheModel() {
        assertMessage("partition [3,2,2] covers 7 blocks but the model has 8: stage sizes must sum to 8",
                () -> PartitionSpec.parse("3,2,2").resolve(8, null));
        assertMessage("partition [3,2,2,2] covers 9 blocks but the model has 8: stage sizes must sum to 8",
                () -> PartitionSpec.parse("3,2,2,2").resolve(8, null));
        assertMessage("cannot split 3 blocks into 4 stages: use at most 3 stages",
                () -> PartitionSpec.parse("1,1,1,1").resolve(3, null));
        assertMessage("cannot split 3 blocks into 4 stages: use at most 3 stages",
                () -> PartitionSpec.parse("balanced:4").resolve(3, new double[] {1, 1, 1}));
        assertMessage("cannot split 1 block into 2 stages: use at most 1 stage",
                () -> PartitionSpec.parse("balanced:2").resolve(1, new double[] {1}));
        assertMessage("the model has 0 blocks: a partition needs a model with at least 1 block",
                () -> PartitionSpec.parse("balanced:1").resolve(0, new double[0]));
        assertMessage("the model has 0 blocks: a partition needs a model with at least 1 block",
                () -> PartitionSpec.parse("1").resolve(0, null));
    }

    @Test
    void balancedResolveRejectsBadCosts() {
        PartitionSpec spec = PartitionSpec.parse("balanced:2");
        assertMessage("balanced:2 needs one cost per block but got no costs: pass 4 block costs",
                () -> spec.resolve(4, null));
        assertMessage("balanced:2 needs 4 block costs (one per block) but got 3: pass one cost per block",
                () -> spec.resolve(4, new double[] {1, 1, 1}));
        assertMessage("block 1 has cost NaN: block costs must be finite and >= 0",
                () -> spec.resolve(3, new double[] {1, Double.NaN, 1}));
        assertMessage("block 2 has cost Infinity: block costs must be finite and >= 0",
                () -> spec.resolve(3, new double[] {1, 1, Double.POSITIVE_INFINITY}));
        assertMessage("block 0 has cost -0.5: block costs must be finite and >= 0",
                () -> spec.resolve(3, new double[] {-0.5, 1, 1}));
    }

    private static void assertMessage(String expected, Runnable action) {
        assertEquals(expected, assertThrows(PartitionException.class, action::run).getMessage());
    }
}
