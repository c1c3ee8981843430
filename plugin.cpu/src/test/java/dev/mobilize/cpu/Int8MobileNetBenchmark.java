package dev.mobilize.cpu;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.service.Options;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Latency of MobileNetV2 (1x3x224x224) in float and in int8 on the cpu executor, in the same JVM
 * with the same thread count, the two alternating run by run. The int8 model is the float one
 * min-max quantized by {@link QdqFixture} (activations from one standard-normal input). Not a test:
 * {@code bench/int8-vs-float [threads] [runs] [model] [int8-model]} ({@code -Dwarmup=N}, {@code -Dpause=ms},
 * {@code -Dmobilize.cpu.profile=true} for the time per op type and node, int8 against float, {@code -Dnodes=N}
 * for the N slowest int8 nodes). With
 * {@code int8-model} (a QDQ ONNX file, e.g. from {@code mobilize convert --int8}) that model is the int8 one.
 */
public final class Int8MobileNetBenchmark {

  private static final int WARMUP = Integer.getInteger("warmup", 50);
  private static final int PAUSE_MS = Integer.getInteger("pause", 5);

  public static void main(String[] args) throws Exception {
    String shared = System.getProperty("mobilize.shared", "../../shared");
    Path path = Path.of(args.length > 0 ? args[0] : shared + "/models/mobilenet_v2/model.onnx");
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    System.out.println("JVM " + System.getProperty("java.vm.name") + " " + Runtime.version() + ", vector API: float "
        + Sgemm.VECTOR + ", int8 " + Int8Gemm.VECTOR + ", threads " + threads);
    Model m = new OnnxImporter().read(path, Options.NONE);
    String input = m.graph().inputs().get(0).name();
    String output = m.graph().outputs().get(0).name();
    Tensor calib = normal(2);
    Tensor x = normal(1);
    // a QDQ model made by plugin.quant ('mobilize convert --int8'), or the fixture's min-max one
    Model q = args.length > 3 ? new OnnxImporter().read(Path.of(args[3]), Options.NONE)
        : QdqFixture.quantize(m, Map.of(input, calib), false);
    System.out.println("int8 model: " + (args.length > 3 ? args[3] : "QdqFixture min-max, one standard-normal input"));
    long int8Ops = FuseQdqForCpu.apply(q.graph()).nodes().stream()
        .filter(n -> n.domain().equals(Node.MOBILIZE_DOMAIN) && n.opType().startsWith("Int8")).count();
    boolean profile = Boolean.getBoolean("mobilize.cpu.profile");
    Options options = Options.of(Map.of("threads", "" + threads, "profile", "" + profile));
    double[] tf = new double[runs];
    double[] tq = new double[runs];
    Map<String, Long> times = new java.util.TreeMap<>();
    Map<String, Long> nodes = new java.util.TreeMap<>();
    Map<String, Long> floatTimes = new java.util.TreeMap<>();
    Map<String, Long> floatNodes = new java.util.TreeMap<>();
    try (CpuPreparedModel pf = new CpuGraphExecutor().prepare(m, options);
        CpuPreparedModel pq = new CpuGraphExecutor().prepare(q, options)) {
      float[] yf = pf.run(Map.of(input, x)).get(output).toFloatArray();
      float[] yq = pq.run(Map.of(input, x)).get(output).toFloatArray();
      System.out.printf("int8 model: %d int8 kernels, %d nodes run; output cosine to float %.5f, top-1 %s%n",
          int8Ops, pq.nodeCount(), cosine(yf, yq), argmax(yf) == argmax(yq) ? "same" : "differs");
      for (int i = 0; i < WARMUP; i++) {
        pf.run(Map.of(input, x));
        pq.run(Map.of(input, x));
      }
      for (int i = 0; i < runs; i++) {
        Thread.sleep(PAUSE_MS);
        long t0 = System.nanoTime();
        pf.run(Map.of(input, x));
        tf[i] = (System.nanoTime() - t0) / 1e6;
        pf.lastProfile().forEach(nt -> floatTimes.merge(nt.opType(), nt.nanos(), Long::sum));
        pf.lastProfile().forEach(nt -> floatNodes.merge(nt.node(), nt.nanos(), Long::sum));
        Thread.sleep(PAUSE_MS);
        t0 = System.nanoTime();
        pq.run(Map.of(input, x));
        tq[i] = (System.nanoTime() - t0) / 1e6;
        pq.lastProfile().forEach(nt -> times.merge(nt.opType(), nt.nanos(), Long::sum));
        pq.lastProfile().forEach(nt -> nodes.merge(nt.opType() + " " + nt.node(), nt.nanos(), Long::sum));
      }
    }
    if (profile) {
      floatTimes.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
          .forEach(e -> System.out.printf("  float %-24s %8.2f ms/run%n", e.getKey(), e.getValue() / 1e6 / runs));
      times.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
          .forEach(e -> System.out.printf("  int8 %-24s %8.2f ms/run%n", e.getKey(), e.getValue() / 1e6 / runs));
      nodes.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(Integer.getInteger("nodes", 15))
          .forEach(e -> System.out.printf("  int8 node %-50s %8.2f ms/run (float %.2f)%n", e.getKey(),
              e.getValue() / 1e6 / runs, floatNodes.getOrDefault(e.getKey().substring(e.getKey().indexOf(' ') + 1), 0L)
                  / 1e6 / runs));
    }
    System.out.printf("float: median %.2f ms, min %.2f ms%n", median(tf), Arrays.stream(tf).min().orElse(0));
    System.out.printf("int8:  median %.2f ms, min %.2f ms%n", median(tq), Arrays.stream(tq).min().orElse(0));
    System.out.printf("int8 speed-up (float / int8): median %.2fx, min %.2fx%n", median(tf) / median(tq),
        Arrays.stream(tf).min().orElse(0) / Arrays.stream(tq).min().orElse(1));
  }

  private static Tensor normal(long seed) {
    float[] v = new float[3 * 224 * 224];
    Random r = new Random(seed);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return Tensor.ofFloats(new long[] {1, 3, 224, 224}, v);
  }

  private static double cosine(float[] a, float[] b) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += (double) a[i] * b[i];
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
    }
    return ab / Math.sqrt(aa * bb);
  }

  private static int argmax(float[] a) {
    int best = 0;
    for (int i = 1; i < a.length; i++) {
      if (a[i] > a[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
