package org.layerpipe.core.nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.layerpipe.core.train.TrainingListener;
import org.layerpipe.core.train.TrialConfig;

/**
 * A trial in a JVM of its own, to be killed: {@code KilledTrial EPOCH key=value ...} trains the trial and, once
 * the checkpoint after {@code EPOCH} is written and the next epoch has trained its minibatches (before that
 * epoch's checkpoint), prints {@code kill me} and waits for the parent test to kill the JVM.
 */
public final class KilledTrial {

    static final String SIGNAL = "kill me";

    private KilledTrial() {
    }

    public static void main(String[] args) throws InterruptedException {
        int killAfter = Integer.parseInt(args[0]);
        Map<String, String> settings = new LinkedHashMap<>();
        for (String a : List.of(args).subList(1, args.length)) {
            settings.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        Object forever = new Object();
        Nd4jBackend.trainer().train(TrialConfig.fromParams(settings), new TrainingListener() {
            private boolean checkpointed;

            @Override
            public void onCheckpoint(int epoch, String checkpoint) {
                checkpointed |= epoch == killAfter;
            }

            @Override
            public void onProgress(int epoch, int done, int total, double runningLoss) {
                if (checkpointed && epoch == killAfter + 1 && done == total) {
                    System.out.println(SIGNAL);
                    System.out.flush();
                    synchronized (forever) {
                        try {
                            forever.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            }
        });
        // reaching here means the parent did not kill us: say so, the test fails on it
        System.out.println("trained to the end");
    }
}
