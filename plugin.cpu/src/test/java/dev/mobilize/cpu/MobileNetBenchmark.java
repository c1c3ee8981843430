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
 * with the same thread count, the two alternating run by run. Not a test: run with
 * {@code java --add-modules jdk.incubator.vector -cp <test classpath> dev.mobilize.cpu.MobileNetBenchmark [model] [threads] [runs]}
 * ({@code -Dwarmup=N}, {@code -Dpause=ms} between runs, {@code -Dmobilize.cpu.profile=true} for the time per op type over the measured runs).
 */
public final class MobileNetBenchmark {

  private static final int WARMUP = Integer.getInteger("warmup", 100);
  private static final int PAUSE_MS = Integer.getInteger("pause", 5);

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
        + Sgemm.VECTOR + ", threads " + threads);

    Model m = new OnnxImporter().read(model, Options.NONE);
    String input = m.graph().inputs().get(0).name();
    Tensor in = Tensor.ofFloats(dims, x);
    double[] mob = new double[runs];
    double[] ort = new double[runs];
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    // the two run in turns, so that load from other processes affects both alike
    boolean profile = Boolean.getBoolean("mobilize.cpu.profile");
    Map<String, Long> times = new java.util.TreeMap<>();
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(m,
            Options.of(Map.of("threads", "" + threads, "profile", "" + profile)));
        OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(threads);
      try (OrtSession s = env.createSession(model.toString(), so);
          OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims)) {
        for (int i = 0; i < WARMUP; i++) {
          p.run(Map.of(input, in));
          s.run(Map.of(input, t)).close();
        }
        for (int i = 0; i < runs; i++) {
          Thread.sleep(PAUSE_MS); // both runtimes' threads spin a while after a run: let them settle
          long t0 = System.nanoTime();
          p.run(Map.of(input, in));
          mob[i] = (System.nanoTime() - t0) / 1e6;
          p.lastProfile().forEach(nt -> times.merge(nt.opType(), nt.nanos(), Long::sum));
          Thread.sleep(PAUSE_MS);
          t0 = System.nanoTime();
          s.run(Map.of(input, t)).close();
          ort[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
      if (profile) {
        times.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
            .forEach(e -> System.out.printf("  %-24s %8.2f ms/run%n", e.getKey(), e.getValue() / 1e6 / runs));
      }
      System.out.printf("mobilize cpu: median %.2f ms, min %.2f ms (%d nodes, peak activations %d KiB)%n",
          median(mob), Arrays.stream(mob).min().orElse(0), p.nodeCount(), p.peakActivationBytes() / 1024);
    }
    System.out.printf("onnxruntime:  median %.2f ms, min %.2f ms%n", median(ort), Arrays.stream(ort).min().orElse(0));
    System.out.printf("ratio (median): %.2fx, ratio (min): %.2fx%n", median(mob) / median(ort),
        Arrays.stream(mob).min().orElse(0) / Arrays.stream(ort).min().orElse(1));
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
