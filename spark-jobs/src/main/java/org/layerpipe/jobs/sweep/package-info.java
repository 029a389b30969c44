/**
 * Sweep files: a YAML grid of trial settings ({@link org.layerpipe.jobs.sweep.SweepParser}),
 * expanded in a fixed order into trials identified by their config hash
 * ({@link org.layerpipe.jobs.sweep.SweepExpander}), and checked from the command line
 * ({@link org.layerpipe.jobs.sweep.ValidateCommand}). Every mistake in a file is reported as
 * one {@link org.layerpipe.jobs.sweep.SweepException} that names the file and line.
 */
package org.layerpipe.jobs.sweep;
