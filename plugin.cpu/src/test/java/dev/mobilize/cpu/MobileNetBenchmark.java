package dev.mobilize.cpu;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.service.Options;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Latency of MobileNetV2 (1x3x224x224) on the cpu executor against ONNX Runtime in the same JVM, both
 * with the same thread count. Not a test: run with
 * {@code java --add-modules jdk.incubator.vector -cp <test classpath> dev.mobilize.cpu.MobileNetBenchmark [model] [threads] [runs]}.
 *
 * <p>The two take turns in blocks: {@code -Dblock=N} runs of one back to back (as an application's
 * inference loop, and as {@code mobilize bench}, runs them), then N of the other, and so on, after
 * {@code -Dsettle=ms} of quiet and one untimed run before each block. Load from other processes
 * thus falls on both alike, while neither runs in the wake of the other: on a 2-core machine the
 * threads ONNX Runtime leaves spinning after a run take the cores from the next run of ours, which
 * run-by-run alternation measured as our latency ({@code -Dblock=1 -Dsettle=0} shows it).
 * {@code -Dwarmup=N} runs of each first; {@code -Dmobilize.cpu.profile=true} prints the time per op type.
 * {@code -Dunfused=true} adds a third contender, ours prepared with {@code mobilize.cpu.fuseBlocks=false}
 * and {@code mobilize.cpu.convBands=false} (inverted-residual blocks as three convolutions, see
 * {@link FuseBlocksForCpu}; the stem's im2col whole, see {@link ConvBands}), in the same rotation.
 */
public final class MobileNetBenchmark {

  private static final int WARMUP = Integer.getInteger("warmup", 100);
  private static final int BLOCK = Math.max(1, Integer.getInteger("block", 10));
  private static final int SETTLE_MS = Integer.getInteger("settle", 50);

  public static void main(String[] args) throws Exception {
    String shared = System.getProperty("mobilize.shared", "../../shared");
    Path model = Path.of(args.length > 0 ? args[0] : shared + "/models/mobilenet_v2/model.onnx");
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    float[] x = new float[3 * 224 * 224];
    Random r = new Random(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    long[] dims = {1, 3, 224, 224};
    System.out.println("JVM " + System.getProperty("java.vm.name") + " " + Runtime.version() + ", vector API: "
        + Sgemm.VECTOR + ", threads " + threads + ", blocks of " + BLOCK + " runs, " + SETTLE_MS + " ms settle");

    Model m = new OnnxImporter().read(model, Options.NONE);
    String input = m.graph().inputs().get(0).name();
    Tensor in = Tensor.ofFloats(dims, x);
    double[] mob = new double[runs];
    double[] ort = new double[runs];
    boolean third = Boolean.getBoolean("unfused");
    double[] unf = new double[runs];
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    boolean profile = Boolean.getBoolean("mobilize.cpu.profile");
    Map<String, Long> times = new java.util.TreeMap<>();
    String fuse = System.getProperty(FuseBlocksForCpu.SWITCH);
    String bands = System.getProperty(ConvBands.SWITCH);
    if (third) {
      System.setProperty(FuseBlocksForCpu.SWITCH, "false");
      System.setProperty(ConvBands.SWITCH, "false");
    }
    CpuPreparedModel unfused = third ? new CpuGraphExecutor().prepare(m, Options.of(Map.of("threads", "" + threads)))
        : null;
    restore(FuseBlocksForCpu.SWITCH, fuse);
    restore(ConvBands.SWITCH, bands);
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(m,
            Options.of(Map.of("threads", "" + threads, "profile", "" + profile)));
        OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(threads);
      try (OrtSession s = env.createSession(model.toString(), so);
          OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims)) {
        Runnable ours = () -> p.run(Map.of(input, in));
        Runnable theirs = () -> {
          try {
            s.run(Map.of(input, t)).close();
          } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException(e);
          }
        };
        Runnable ours2 = () -> unfused.run(Map.of(input, in));
        for (int i = 0; i < WARMUP; i++) {
          ours.run();
          theirs.run();
          if (third) {
            ours2.run();
          }
        }
        for (int done = 0; done < runs; done += BLOCK) {
          int n = Math.min(BLOCK, runs - done);
          block(ours, mob, done, n);
          if (profile) {
            p.lastProfile().forEach(nt -> times.merge(nt.opType(), nt.nanos() * n, Long::sum));
          }
          block(theirs, ort, done, n);
          if (third) {
            block(ours2, unf, done, n);
          }
        }
      }
      if (profile) {
        times.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
            .forEach(e -> System.out.printf("  %-24s %8.2f ms/run%n", e.getKey(), e.getValue() / 1e6 / runs));
      }
      System.out.printf("mobilize cpu: median %.2f ms, p90 %.2f ms, min %.2f ms (%d nodes, peak activations %d KiB)%n",
          percentile(mob, 50), percentile(mob, 90), Arrays.stream(mob).min().orElse(0), p.nodeCount(),
          p.peakActivationBytes() / 1024);
    }
    if (third) {
      unfused.close();
      System.out.printf("unfused:      median %.2f ms, p90 %.2f ms, min %.2f ms (%d nodes); fused/unfused: "
          + "median %.2fx, median of block pairs %.2fx%n", percentile(unf, 50), percentile(unf, 90),
          Arrays.stream(unf).min().orElse(0), unfused.nodeCount(), percentile(mob, 50) / percentile(unf, 50),
          pairedRatio(mob, unf));
      System.out.printf("unfused/onnxruntime: median of block pairs %.2fx%n", pairedRatio(unf, ort));
    }
    System.out.printf("onnxruntime:  median %.2f ms, p90 %.2f ms, min %.2f ms%n", percentile(ort, 50),
        percentile(ort, 90), Arrays.stream(ort).min().orElse(0));
    System.out.printf("ratio (median): %.2fx, ratio (min): %.2fx, ratio (median of block pairs): %.2fx%n",
        percentile(mob, 50) / percentile(ort, 50), Arrays.stream(mob).min().orElse(0) / Arrays.stream(ort).min().orElse(1),
        pairedRatio(mob, ort));
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  /** Settles, runs once untimed, then times {@code n} back-to-back runs into {@code ms[from..]}. */
  private static void block(Runnable run, double[] ms, int from, int n) throws InterruptedException {
    Thread.sleep(SETTLE_MS);
    run.run();
    for (int i = from; i < from + n; i++) {
      long t0 = System.nanoTime();
      run.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
  }

  /**
   * The median over block pairs of (our block's median / ONNX Runtime's next block's median): slow
   * phases of a shared host, which last longer than a pair of blocks, cancel out of it.
   */
  private static double pairedRatio(double[] mob, double[] ort) {
    int blocks = (mob.length + BLOCK - 1) / BLOCK;
    double[] ratios = new double[blocks];
    for (int b = 0; b < blocks; b++) {
      int from = b * BLOCK;
      int to = Math.min(mob.length, from + BLOCK);
      ratios[b] = percentile(Arrays.copyOfRange(mob, from, to), 50) / percentile(Arrays.copyOfRange(ort, from, to), 50);
    }
    return percentile(ratios, 50);
  }

  private static double percentile(double[] v, int pct) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, s.length * pct / 100)];
  }
}
