package dev.mobilize.cpu;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Latency of MobileNetV2's stem, banded ({@link ConvBands}) against whole-plane im2col, and of its
 * inverted-residual blocks one by one: fused ({@link InvertedResidual}) against the three convolutions,
 * in the same JVM, interleaved run by run; prints medians and minima per block, the ratios, and the
 * totals (with one thread, CPU time of the thread, else wall time). Not a test: run from the test classpath,
 * {@code InvertedResidualBenchmark [threads] [runs] [bandFloats] [partsPerThread] [first blocks]}.
 */
public final class InvertedResidualBenchmark {

  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int bandFloats = args.length > 2 ? Integer.parseInt(args[2]) : 192 * 1024;
    int parts = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    int first = args.length > 4 ? Integer.parseInt(args[4]) : Integer.MAX_VALUE;
    // one thread: the thread's CPU time, which a loaded machine disturbs less than wall time
    boolean cpu = threads == 1;
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    // {c, cout, expansion, repeats, stride} of MobileNetV2 after features.1
    int[][] stages = {{16, 24, 6, 2, 2}, {24, 32, 6, 3, 2}, {32, 64, 6, 4, 2}, {64, 96, 6, 3, 1},
        {96, 160, 6, 3, 2}, {160, 320, 6, 1, 1}};
    List<int[]> blocks = new ArrayList<>();
    int hw = 112;
    for (int[] st : stages) {
      int c = st[0];
      for (int r = 0; r < st[3]; r++) {
        int s = r == 0 ? st[4] : 1;
        blocks.add(new int[] {1, c, hw, hw, c * st[2], st[1], s, 1});
        hw = s == 2 ? hw / 2 : hw;
        c = st[1];
      }
    }
    System.out.println("JVM " + Runtime.version() + ", threads " + threads + ", runs " + runs + ", bandFloats "
        + bandFloats + ", parts/thread " + parts + (cpu ? ", CPU time" : ", wall time"));
    System.out.println("block                        fused ms  3 convs ms  ratio   (min: fused  3 convs  ratio)");
    double[] total = new double[4];
    Map<String, Kernel> kernels = new HashMap<>(Kernels.TABLE);
    kernels.put("mobilize." + FuseBlocksForCpu.OP, new InvertedResidual(0, bandFloats, parts));
    try (Parallel par = new Parallel(threads)) {
      Exec ex = new Exec(par);
      stem(ex, runs);
      for (int[] b : blocks.subList(0, Math.min(first, blocks.size()))) {
        boolean residual = b[6] == 1 && b[1] == b[5];
        Graph g = FuseForCpu.apply(InvertedResidualTest.block(b, residual));
        List<Problem> problems = new ArrayList<>();
        Program unfused = Program.compile(g, 21, Set.of(), Kernels.TABLE, problems);
        Program fused = Program.compile(FuseBlocksForCpu.apply(g), 21, Set.of(), kernels, problems);
        NdArray[] in = {NdArray.ofFloats(new int[] {1, b[1], b[2], b[3]},
            SgemmTest.random(new Random(1), b[1] * b[2] * b[3]))};
        long[][] t = new long[2][runs];
        for (int i = 0; i < 40 + runs; i++) {
          for (int k = 0; k < 2; k++) {
            Program p = (i + k) % 2 == 0 ? fused : unfused;
            int which = p == fused ? 0 : 1;
            long t0 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            NdArray y = p.run(in, null, ex)[0];
            long dt = (cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - t0;
            ex.release(y.data());
            if (i >= 40) {
              t[which][i - 40] = dt;
            }
          }
        }
        double f = median(t[0]);
        double u = median(t[1]);
        double fm = Arrays.stream(t[0]).min().getAsLong() / 1e6;
        double um = Arrays.stream(t[1]).min().getAsLong() / 1e6;
        total[0] += f;
        total[1] += u;
        total[2] += fm;
        total[3] += um;
        System.out.printf("%-28s %8.3f  %10.3f  %5.2f   %10.3f %8.3f  %5.2f%n", b[1] + "->" + b[4] + "->" + b[5] + " "
            + b[2] + "x" + b[3] + " s" + b[6] + (residual ? " +r" : ""), f, u, f / u, fm, um, fm / um);
      }
    }
    if (total[1] > 0) {
      System.out.printf("%-28s %8.3f  %10.3f  %5.2f   %10.3f %8.3f  %5.2f%n", "total", total[0], total[1],
          total[0] / total[1], total[2], total[3], total[2] / total[3]);
    }
  }

  /** MobileNetV2's stem (3x3 stride 2, 3 to 32 channels, 224x224, Clip 0..6): banded against whole im2col. */
  private static void stem(Exec ex, int runs) {
    Random r = new Random(2);
    Graph g = FuseForCpu.apply(Graph.builder("stem")
        .input(new ValueInfo("x", DataType.FLOAT, Shape.of(1, 3, 224, 224)))
        .initializer("w", Tensor.ofFloats(new long[] {32, 3, 3, 3}, SgemmTest.random(r, 864)))
        .initializer("b", Tensor.ofFloats(new long[] {32}, SgemmTest.random(r, 32)))
        .initializer("lo", Tensor.ofFloats(new long[0], 0f))
        .initializer("hi", Tensor.ofFloats(new long[0], 6f))
        .node(Node.builder("Conv").inputs("x", "w", "b").outputs("c")
            .attributes(Attributes.builder().ints("kernel_shape", 3, 3).ints("strides", 2, 2)
                .ints("pads", 1, 1, 1, 1).build()).build())
        .node(Node.builder("Clip").inputs("c", "lo", "hi").outputs("y").build())
        .output(new ValueInfo("y", DataType.FLOAT, Shape.of(1, 32, 112, 112)))
        .build());
    List<Problem> problems = new ArrayList<>();
    System.setProperty(ConvBands.SWITCH, "false");
    Program whole = Program.compile(g, 21, Set.of(), Kernels.TABLE, problems);
    System.clearProperty(ConvBands.SWITCH);
    Program banded = Program.compile(g, 21, Set.of(), Kernels.TABLE, problems);
    NdArray[] in = {NdArray.ofFloats(new int[] {1, 3, 224, 224}, SgemmTest.random(r, 3 * 224 * 224))};
    long[][] t = new long[2][runs];
    for (int i = 0; i < 40 + runs; i++) {
      for (int k = 0; k < 2; k++) {
        Program p = (i + k) % 2 == 0 ? banded : whole;
        long t0 = System.nanoTime();
        NdArray y = p.run(in, null, ex)[0];
        long dt = System.nanoTime() - t0;
        ex.release(y.data());
        if (i >= 40) {
          t[p == banded ? 0 : 1][i - 40] = dt;
        }
      }
    }
    double f = median(t[0]);
    double u = median(t[1]);
    double fm = Arrays.stream(t[0]).min().getAsLong() / 1e6;
    double um = Arrays.stream(t[1]).min().getAsLong() / 1e6;
    System.out.printf("%-28s %8.3f  %10.3f  %5.2f   %10.3f %8.3f  %5.2f   (banded / whole im2col)%n",
        "stem 3->32 224x224 s2", f, u, f / u, fm, um, fm / um);
  }

  private static double median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2] / 1e6;
  }
}
