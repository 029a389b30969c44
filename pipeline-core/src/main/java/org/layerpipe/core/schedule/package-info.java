/**
 * Pipeline schedules as data: a {@link org.layerpipe.core.schedule.Schedule} is a sorted
 * list of small {@link org.layerpipe.core.schedule.Event} values produced by a pure
 * generator function, printed as a grid for humans, checked by
 * {@link org.layerpipe.core.schedule.ScheduleValidator} without any hardware, and run by a
 * separate executor.
 *
 * <p>Seven schedules side by side: SEQUENTIAL (plain SGD, the reference), LAYERPIPE2
 * (arXiv 2512.08160, staleness {@code 2S}), PipeDream 1F1B (staleness {@code S}), and the
 * synchronous ones with microbatches and no staleness: GPipe, 1F1B-flush, ZB-H1 (backward split
 * into input and weight passes) and interleaved 1F1B (several stages per device, for the
 * planner). {@code S(s) = M − 1 − s} is the number of stages after stage {@code s}.
 */
package org.layerpipe.core.schedule;
