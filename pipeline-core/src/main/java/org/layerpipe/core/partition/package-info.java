/**
 * How the network's blocks are split into pipeline stages, and the gradient delay each
 * block gets from that split (LayerPipe2, arXiv 2512.08160: {@code Delay(l) = 2·S(l)}).
 *
 * <p>Plain Java, no ND4J: a {@link org.layerpipe.core.partition.PartitionSpec} is what a
 * user writes ({@code "3,2,2,1"} or {@code "balanced:4"}); resolving it against a model
 * gives a validated {@link org.layerpipe.core.partition.Partition}.
 */
package org.layerpipe.core.partition;
