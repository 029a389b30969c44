/**
 * Experiment tracking: every sweep is a parent run and every trial a child run in MLflow.
 *
 * <p>{@link org.layerpipe.jobs.tracking.Tracker} is the small interface the jobs log through.
 * {@link org.layerpipe.jobs.tracking.MlflowRestTracker} speaks MLflow's REST API 2.0 with
 * timeouts, bounded retries and server-sized batches; {@link
 * org.layerpipe.jobs.tracking.JournalingTracker} keeps measurements on local disk while the
 * server is down and replays them later. Unit tests use an in-memory tracker
 * ({@code InMemoryTracker}, in {@code src/test}: not shipped in the jar).
 *
 * <p>Trackers are not serializable: ship an {@link org.layerpipe.jobs.tracking.MlflowSettings}
 * to Spark executors and build the tracker inside the task.
 */
package org.layerpipe.jobs.tracking;
