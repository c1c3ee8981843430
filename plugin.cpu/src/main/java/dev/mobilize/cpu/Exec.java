package dev.mobilize.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The run-time context of one prepared model: a buffer pool that hands out arrays by exact size and
 * takes them back when the last reader of a value has run, and the thread pool.
 * Arrays from {@link #floats} and {@link #longs} are not cleared.
 */
final class Exec {

  final Parallel parallel;
  /** Values visible to subgraphs of the graph running now (set by {@link Program#run}). */
  java.util.function.Function<String, NdArray> scope;
  /** Time per node of the current run, when the model was prepared with {@code profile=true}; else null. */
  java.util.List<dev.mobilize.service.PreparedModel.NodeTiming> profile;
  private final Map<Integer, ArrayDeque<float[]>> freeFloats = new HashMap<>();
  private final Map<Integer, ArrayDeque<long[]>> freeLongs = new HashMap<>();
  private final Map<Integer, ArrayDeque<byte[]>> freeBytes = new HashMap<>();
  private final IdentityHashMap<Object, Boolean> owned = new IdentityHashMap<>();
  private long liveBytes;
  private long peakBytes;

  Exec(Parallel parallel) {
    this.parallel = parallel;
  }

  /** A float array of exactly {@code n} elements, with undefined contents. */
  float[] floats(int n) {
    ArrayDeque<float[]> q = freeFloats.get(n);
    float[] a = q == null ? null : q.poll();
    if (a == null) {
      a = new float[n];
      owned.put(a, Boolean.TRUE);
    }
    account(4L * n);
    return a;
  }

  /** A float array of exactly {@code n} zeros. */
  float[] zeros(int n) {
    float[] a = floats(n);
    java.util.Arrays.fill(a, 0f);
    return a;
  }

  /** A long array of exactly {@code n} elements, with undefined contents. */
  long[] longs(int n) {
    ArrayDeque<long[]> q = freeLongs.get(n);
    long[] a = q == null ? null : q.poll();
    if (a == null) {
      a = new long[n];
      owned.put(a, Boolean.TRUE);
    }
    account(8L * n);
    return a;
  }

  /** A byte array of exactly {@code n} elements, with undefined contents (int8 tensors). */
  byte[] bytes(int n) {
    ArrayDeque<byte[]> q = freeBytes.get(n);
    byte[] a = q == null ? null : q.poll();
    if (a == null) {
      a = new byte[n];
      owned.put(a, Boolean.TRUE);
    }
    account(n);
    return a;
  }

  /** Scratch memory for a kernel: take with {@link #floats}, give back with this. */
  void release(Object array) {
    if (array == null || !owned.containsKey(array)) {
      return;
    }
    if (array instanceof float[] f) {
      freeFloats.computeIfAbsent(f.length, k -> new ArrayDeque<>()).push(f);
      liveBytes -= 4L * f.length;
    } else if (array instanceof long[] l) {
      freeLongs.computeIfAbsent(l.length, k -> new ArrayDeque<>()).push(l);
      liveBytes -= 8L * l.length;
    } else if (array instanceof byte[] by) {
      freeBytes.computeIfAbsent(by.length, k -> new ArrayDeque<>()).push(by);
      liveBytes -= by.length;
    }
  }

  /** Forgets an array handed out earlier without reusing it (it leaves as a model output). */
  void disown(Object array) {
    if (array != null && owned.remove(array) != null) {
      liveBytes -= array instanceof float[] f ? 4L * f.length : array instanceof long[] l ? 8L * l.length
          : array instanceof byte[] by ? by.length : 0;
    }
  }

  private void account(long bytes) {
    liveBytes += bytes;
    if (liveBytes > peakBytes) {
      peakBytes = liveBytes;
    }
  }

  /** The most bytes of pooled arrays in use at once since creation. */
  long peakBytes() {
    return peakBytes;
  }

  /** Drops all pooled arrays. */
  void clear() {
    freeFloats.clear();
    freeLongs.clear();
    freeBytes.clear();
    owned.clear();
    liveBytes = 0;
  }
}
