package dev.mobilize.cpu;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Latency of MobileNetV2's convolution layers one by one: the float kernel on floats against the int8
 * kernels on bytes, in the same JVM, interleaved run by run; prints medians per layer and the totals.
 * Not a test: run from the test classpath, {@code Int8LayerBenchmark [threads] [runs]}.
 */
public final class Int8LayerBenchmark {

  /** A layer: channels in, out, input size, kernel, stride, group (depthwise when group = c = m). */
  private record Layer(int c, int m, int hw, int k, int stride, int group) {
    String label() {
      return (group == c ? "dw " : k == 1 ? "pw " : "conv ") + c + "->" + m + " " + hw + "x" + hw + " k" + k + " s" + stride;
    }
  }

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    String only = args.length > 2 ? args[2] : "";
    List<Layer> layers = new ArrayList<>();
    layers.add(new Layer(3, 32, 224, 3, 2, 1));
    int[][] blocks = {{32, 16, 1, 1, 1}, {16, 24, 6, 2, 2}, {24, 32, 6, 3, 2}, {32, 64, 6, 4, 2}, {64, 96, 6, 3, 1},
        {96, 160, 6, 3, 2}, {160, 320, 6, 1, 1}};
    int hw = 112;
    for (int[] b : blocks) {
      int cin = b[0];
      for (int r = 0; r < b[3]; r++) {
        int stride = r == 0 ? b[4] : 1;
        int hidden = cin * b[2];
        if (b[2] != 1) {
          layers.add(new Layer(cin, hidden, hw, 1, 1, 1));
        }
        layers.add(new Layer(hidden, hidden, hw, 3, stride, hidden));
        hw = stride == 2 ? hw / 2 : hw;
        layers.add(new Layer(hidden, b[1], hw, 1, 1, 1));
        cin = b[1];
      }
    }
    layers.add(new Layer(320, 1280, 7, 1, 1, 1));
    System.out.println("JVM " + Runtime.version() + ", threads " + threads + ", runs " + runs);
    double[] total = new double[3];
    try (Parallel par = new Parallel(threads)) {
      Exec ex = new Exec(par);
      for (Layer l : layers) {
        if (!l.label().startsWith(only)) {
          continue;
        }
        double[] t = bench(l, ex, runs);
        for (int i = 0; i < 3; i++) {
          total[i] += t[i];
        }
        System.out.printf("%-28s float %7.3f ms  int8 before %7.3f ms  int8 now %7.3f ms  (float/now %.2fx)%n",
            l.label(), t[0], t[1], t[2], t[0] / t[2]);
      }
    }
    System.out.printf("total: float %.2f ms, int8 before %.2f ms, int8 now %.2f ms; float/before %.2fx, float/now %.2fx%n",
        total[0], total[1], total[2], total[0] / total[1], total[0] / total[2]);
  }

  private static double[] bench(Layer l, Exec ex, int runs) {
    Random r = new Random(7);
    int cg = l.c() / l.group();
    int kk = cg * l.k() * l.k();
    int pad = l.k() / 2;
    byte[] w = new byte[l.m() * kk];
    float[] wf = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = (byte) (r.nextInt(61) - 30);
      wf[i] = w[i] * 0.01f;
    }
    byte[] x = new byte[l.c() * l.hw() * l.hw()];
    float[] xf = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (byte) (r.nextInt(256) - 128);
      xf[i] = x[i] * 0.02f;
    }
    int[] bias = new int[l.m()];
    float[] wScale = new float[l.m()];
    Arrays.fill(wScale, 0.01f);
    Requantize rq = new Requantize(0.02f, wScale, 0.5f, Activation.of(Node.builder("Conv").build()));
    Node node = Node.builder("Conv").attributes(Attributes.builder().ints("kernel_shape", l.k(), l.k())
        .ints("strides", l.stride(), l.stride()).ints("pads", pad, pad, pad, pad).set("group", l.group()).build()).build();
    ConvGeometry.Window win = new ConvGeometry(node).resolve(new int[] {l.hw(), l.hw()}, new int[] {l.k(), l.k()});
    int oh = win.out[0];
    int size = oh * win.out[1];
    boolean depthwise = l.group() == l.c();
    boolean pointwise = l.k() == 1 && l.stride() == 1;
    ExactFloatInt8Conv old = ExactFloatInt8Conv.ifExact(w, l.m(), l.group(), kk, depthwise, bias, rq, 0);
    Int8GemmOnFloats gemm = depthwise ? null : Int8GemmOnFloats.ifExact(w, l.m(), kk, bias, rq, 0);
    byte[] col8 = pointwise || depthwise ? null : new byte[kk * size];
    float[][][] gemmScratch = new float[ex.parallel.threads()][][];
    Int8DepthwiseOnFloats dw = depthwise ? Int8DepthwiseOnFloats.ifExact(w, l.m(), l.k(), l.k(), bias, rq, 0) : null;
    float[][][] dwScratch = new float[ex.parallel.threads()][][];
    float[][] packed = {Sgemm.pack(wf, 0, l.m(), kk, kk)};
    byte[] out = new byte[l.m() * size];
    float[] fout = new float[l.m() * size];
    float[] col = pointwise || depthwise ? null : new float[kk * size];
    Consumer<Void> fl = v -> {
      if (depthwise) {
        Conv.depthwise(Sgemm.VECTOR, xf, wf, null, fout, 1, l.c(), l.hw(), l.hw(), win, Activation.NONE, ex.parallel);
      } else {
        if (!pointwise) {
          Conv.im2col(xf, 0, l.c(), l.hw(), l.hw(), l.k(), l.k(), win, col, ex.parallel);
        }
        Sgemm.gemm(l.m(), size, kk, packed[0], pointwise ? xf : col, 0, size, fout, 0, size, null, 0,
            Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, ex.parallel);
      }
    };
    Consumer<Void> before = v -> old.run(x, 1, cg, l.hw(), l.hw(), l.k(), l.k(), win, pointwise, out, ex);
    Consumer<Void> now = v -> {
      if (dw != null) {
        dw.run(x, 1, l.hw(), l.hw(), win, out, ex.parallel, dwScratch);
      } else if (gemm != null) {
        if (!pointwise) {
          Int8GemmOnFloats.im2col(x, 0, l.c(), l.hw(), l.hw(), l.k(), l.k(), win, 0, col8, ex.parallel);
        }
        gemm.run(pointwise ? x : col8, 1, size, out, null, 0f, 0.5f, ex.parallel, gemmScratch);
      } else {
        old.run(x, 1, cg, l.hw(), l.hw(), l.k(), l.k(), win, pointwise, out, ex);
      }
    };
    List<Consumer<Void>> all = List.of(fl, before, now);
    double[][] t = new double[3][runs];
    for (int i = 0; i < 30; i++) {
      all.forEach(c -> c.accept(null));
    }
    for (int i = 0; i < runs; i++) {
      for (int j = 0; j < 3; j++) {
        long t0 = System.nanoTime();
        all.get(j).accept(null);
        t[j][i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    double[] med = new double[3];
    for (int j = 0; j < 3; j++) {
      Arrays.sort(t[j]);
      med[j] = t[j][runs / 2];
    }
    return med;
  }
}
