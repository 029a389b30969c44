/**
 * Planning a pipeline for more devices than this machine has: a cost model per stage
 * ({@link StageCosts}, from measured or estimated block costs), a discrete-event
 * {@link Simulator} that executes a {@link org.layerpipe.core.schedule.Schedule} on one device per
 * stage with a {@link Link} between neighbours, its result ({@link Simulation}: iteration time,
 * throughput, bubble, critical path, per-stage memory), a search for the best contiguous
 * partition under the simulated objective ({@link PartitionSearch}), and the timeline as a
 * Chrome trace ({@link ChromeTrace}).
 */
package org.layerpipe.core.plan;
