package dev.mobilize.cli;

import dev.mobilize.ir.Tensor;
import dev.mobilize.service.PreparedModel;
import java.util.Arrays;
import java.util.Map;

/**
 * Latencies of two prepared models measured in one run: after warming both up, blocks of {@link #BLOCK}
 * back-to-back runs of one model alternate with blocks of the other, so that slow phases of a shared
 * machine fall on both alike and each model runs as an application loop runs it (caches and threads warm
 * from its own previous run).
 */
final class PairedTimings {

  /** Runs per block. */
  static final int BLOCK = 10;

  private PairedTimings() {}

  /** Sorted run times in nanoseconds, {@code iters} of each. */
  record Sorted(long[] model, long[] against) {
    double medianMs(long[] t) {
      return t[t.length / 2] / 1e6;
    }

    double minMs(long[] t) {
      return t[0] / 1e6;
    }
  }

  static Sorted measure(PreparedModel model, Map<String, Tensor> modelInputs, PreparedModel against,
      Map<String, Tensor> againstInputs, int warmup, int iters, Progress progress) {
    for (int i = 0; i < warmup; i++) {
      model.run(modelInputs);
      against.run(againstInputs);
      progress.step();
      progress.step();
    }
    long[] a = new long[iters];
    long[] b = new long[iters];
    for (int done = 0; done < iters; done += BLOCK) {
      int end = Math.min(iters, done + BLOCK);
      time(model, modelInputs, a, done, end, progress);
      time(against, againstInputs, b, done, end, progress);
    }
    Arrays.sort(a);
    Arrays.sort(b);
    return new Sorted(a, b);
  }

  private static void time(PreparedModel p, Map<String, Tensor> inputs, long[] into, int from, int to,
      Progress progress) {
    for (int i = from; i < to; i++) {
      long t0 = System.nanoTime();
      p.run(inputs);
      into[i] = System.nanoTime() - t0;
      progress.step();
    }
  }
}
