package org.layerpipe.jobs.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The driver's one line per ended trial: how many are done, running and failed, an estimate of
 * the time left (mean trial time so far, over the concurrent slots), and the trial's headline.
 */
final class SweepProgress {

    private final int total;
    private final int slots;
    private final PrintStream out;
    private int running;
    private int finished;
    private int failed;
    private double seconds;

    SweepProgress(int total, int slots, PrintStream out) {
        this.total = total;
        this.slots = slots;
        this.out = out;
    }

    synchronized void started() {
        running++;
    }

    synchronized void finished(TrialTask task, TrialOutcome o, double elapsed) {
        running--;
        finished++;
        seconds += elapsed;
        boolean planned = "PLANNED".equals(o.trial().status());
        boolean ok = planned || "FINISHED".equals(o.trial().status());
        if (!ok) {
            failed++;
        }
        double eta = (total - finished) * (seconds / finished) / slots;
        String headline = planned
                ? String.format(Locale.ROOT, "predicted %.0f samples/s, bubble %.1f %%", o.trial().predictedSamplesPerSecond(),
                        100 * o.trial().predictedBubble())
                : ok ? String.format(Locale.ROOT, "test acc %.4f, %.0f samples/s", o.trial().finalTestAccuracy(), o.trial().samplesPerSecond())
                : o.trial().message();
        out.printf(Locale.ROOT, "[%d/%d done, %d running, %d failed, ETA %s] trial %d %s: %s — %s (%.0f s)%n",
                finished, total, running, failed, eta(eta), task.trialIndex(), task.runName(), o.trial().status(), headline, elapsed);
        out.flush();
    }

    private static String eta(double s) {
        long t = Math.round(s);
        return t >= 3600 ? (t / 3600) + "h" + (t % 3600 / 60) + "m" : t >= 60 ? (t / 60) + "m" + (t % 60) + "s" : t + "s";
    }
}
