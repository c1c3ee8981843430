package dev.mobilize.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs loops on a fixed number of threads: the calling thread and {@code threads - 1} workers that
 * live as long as this object. Work is cut into chunks that the threads claim one by one, so a
 * thread that the OS holds back (a loaded machine) leaves its share to the others. Workers spin a
 * little between jobs (the next node usually follows within microseconds) and then park.
 * Nested calls (a loop body that itself calls {@link #forChunks}) run on the calling thread.
 */
final class Parallel implements AutoCloseable {

  /** A loop body over {@code [from, to)}. */
  @FunctionalInterface
  interface Range {
    void run(int from, int to);
  }

  /** One chunk of a job; {@code thread} in {@code [0, threads())} identifies the running thread (for scratch). */
  @FunctionalInterface
  interface Chunk {
    void run(int thread, int chunk);
  }

  /** How long an idle thread spins before it parks: -Dmobilize.cpu.spinMicros (default 50). */
  private static final long SPIN_NANOS = Long.getLong("mobilize.cpu.spinMicros", 50) * 1000;
  private static final long IDLE_NANOS = 5_000_000_000L;

  /** One call of {@link #forChunks}: its own counters, so a late worker can never mix two jobs. */
  private static final class Job {
    final Chunk body;
    final int chunks;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    volatile RuntimeException failure;

    Job(Chunk body, int chunks) {
      this.body = body;
      this.chunks = chunks;
    }
  }

  private static final class Worker {
    final int id;
    Thread thread;
    /** Guarded by this worker: false once the thread has ended after being idle. */
    boolean alive;
    volatile boolean parked;

    Worker(int id) {
      this.id = id;
    }
  }

  private final int threads;
  private final Worker[] workers;
  private final float[][] scratch;
  private final AtomicBoolean busy = new AtomicBoolean();
  private volatile Job job;
  private volatile boolean closed;
  private volatile Thread caller;
  private volatile boolean callerParked;

  Parallel(int threads) {
    this.threads = Math.max(1, threads);
    this.scratch = new float[this.threads][];
    this.workers = new Worker[this.threads - 1];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(i + 1);
    }
  }

  /** Starts the worker's thread unless it runs (threads end after {@link #IDLE_NANOS} without work). */
  private void ensureStarted(Worker w) {
    synchronized (w) {
      if (!w.alive && !closed) {
        w.alive = true;
        w.thread = new Thread(() -> work(w), "mobilize-cpu-" + w.id);
        w.thread.setDaemon(true);
        w.thread.start();
      }
    }
  }

  int threads() {
    return threads;
  }

  /** A float array of at least {@code n} elements owned by {@code thread}, contents undefined. */
  float[] scratch(int thread, int n) {
    float[] s = scratch[thread];
    if (s == null || s.length < n) {
      s = new float[n];
      scratch[thread] = s;
    }
    return s;
  }

  /**
   * Runs {@code body} over {@code [0, n)} in contiguous chunks of at least {@code grain} items
   * (about four per thread).
   */
  void forRange(int n, int grain, Range body) {
    if (n <= 0) {
      return;
    }
    int parts = (int) Math.min(4L * threads, Math.max(1, n / (long) Math.max(1, grain)));
    if (parts <= 1 || workers.length == 0) {
      body.run(0, n);
      return;
    }
    forChunks(parts, (t, c) -> body.run((int) ((long) n * c / parts), (int) ((long) n * (c + 1) / parts)));
  }

  /** Runs {@code body} once for every chunk in {@code [0, chunks)}, on all threads. */
  void forChunks(int chunks, Chunk body) {
    if (chunks <= 0) {
      return;
    }
    if (workers.length == 0 || chunks == 1 || !busy.compareAndSet(false, true)) {
      // single-threaded, or nested in a running job: this thread does all chunks
      int t = threadIndex();
      for (int c = 0; c < chunks; c++) {
        body.run(t, c);
      }
      return;
    }
    try {
      Job j = new Job(body, chunks);
      caller = Thread.currentThread();
      for (Worker w : workers) {
        ensureStarted(w);
      }
      job = j;
      for (Worker w : workers) {
        if (w.parked) {
          LockSupport.unpark(w.thread);
        }
      }
      run(j, 0);
      long start = System.nanoTime();
      while (j.done.get() < chunks) {
        if (System.nanoTime() - start < SPIN_NANOS) {
          Thread.onSpinWait();
        } else {
          callerParked = true;
          if (j.done.get() < chunks) {
            LockSupport.parkNanos(this, 50_000);
          }
          callerParked = false;
        }
      }
      RuntimeException f = j.failure;
      if (f != null) {
        throw f;
      }
    } finally {
      busy.set(false);
    }
  }

  private int threadIndex() {
    for (int i = 0; i < workers.length; i++) {
      if (workers[i].thread == Thread.currentThread()) { // read racily: only ever equal on that thread
        return i + 1;
      }
    }
    return 0;
  }

  /** Claims and runs chunks of {@code j} until none are left. */
  private void run(Job j, int thread) {
    for (int c = j.next.getAndIncrement(); c < j.chunks; c = j.next.getAndIncrement()) {
      try {
        j.body.run(thread, c);
      } catch (RuntimeException | Error e) {
        if (j.failure == null) {
          j.failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
      }
      if (j.done.incrementAndGet() == j.chunks && callerParked) {
        LockSupport.unpark(caller);
      }
    }
  }

  private void work(Worker w) {
    Job seen = job;
    while (!closed) {
      long start = System.nanoTime();
      Job j;
      while ((j = job) == seen && !closed) {
        long idle = System.nanoTime() - start;
        if (idle < SPIN_NANOS) {
          Thread.onSpinWait();
        } else if (idle > IDLE_NANOS) {
          synchronized (w) {
            if (job == seen) {
              w.alive = false; // lets an unclosed, unreachable model be collected
              return;
            }
          }
        } else {
          w.parked = true;
          if (job == seen && !closed) {
            LockSupport.parkNanos(this, 100_000_000);
          }
          w.parked = false;
        }
      }
      seen = j;
      if (j != null && !closed) {
        run(j, w.id);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    job = null;
    for (Worker w : workers) {
      synchronized (w) {
        if (w.alive) {
          LockSupport.unpark(w.thread);
        }
      }
    }
  }
}
