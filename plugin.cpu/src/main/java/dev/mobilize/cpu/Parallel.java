package dev.mobilize.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Splits loops over a fixed number of threads: the calling thread runs one part, a pool of
 * {@code threads - 1} workers runs the others.
 */
final class Parallel implements AutoCloseable {

  /** A loop body over {@code [from, to)}. */
  @FunctionalInterface
  interface Range {
    void run(int from, int to);
  }

  private final int threads;
  private final ForkJoinPool pool;

  Parallel(int threads) {
    this.threads = Math.max(1, threads);
    this.pool = this.threads > 1 ? new ForkJoinPool(this.threads - 1) : null;
  }

  int threads() {
    return threads;
  }

  /**
   * Runs {@code body} over {@code [0, n)} in at most {@code threads} contiguous parts of at least
   * {@code grain} items each.
   */
  void forRange(int n, int grain, Range body) {
    int parts = pool == null ? 1 : (int) Math.min(threads, Math.max(1, n / (long) Math.max(1, grain)));
    if (parts <= 1) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[parts - 1];
    for (int p = 1; p < parts; p++) {
      int from = (int) ((long) n * p / parts);
      int to = (int) ((long) n * (p + 1) / parts);
      tasks[p - 1] = pool.submit(() -> body.run(from, to));
    }
    RuntimeException failure = null;
    try {
      body.run(0, (int) ((long) n / parts));
    } catch (RuntimeException e) {
      failure = e;
    }
    for (ForkJoinTask<?> t : tasks) {
      try {
        t.join();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
