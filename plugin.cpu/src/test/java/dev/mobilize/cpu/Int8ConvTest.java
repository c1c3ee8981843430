package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code mobilize.Int8Conv} against the definition in integers: {@code int32 acc = B_q[c] + sum x_q * W_q}
 * over the window (zero padding), then {@link Requantize#apply}. Covers the exact float path
 * ({@link ExactFloatInt8Conv}) on 1x1, im2col, grouped and depthwise windows, sums at the edge of
 * float32's exact range (all weights 127 against inputs of -128 with K = 1024), a bias that does not
 * fit a float exactly, and the integer kernels for weights past the bound.
 */
class Int8ConvTest {

  /** {@code weights}: "random", "max" (every weight 127, inputs -128 and 127 only). */
  private record Case(String label, int n, int c, int h, int w, int m, int k, int stride, int pad, int group,
      int dilation, String weights, int biasRange, String act) {}

  private static List<Case> cases() {
    return List.of(
        new Case("1x1, K=96", 1, 96, 9, 11, 24, 1, 1, 0, 1, 1, "random", 5000, "Clip"),
        new Case("1x1, batch 2, no activation", 2, 16, 7, 7, 40, 1, 1, 0, 1, 1, "random", 5000, ""),
        new Case("3x3 stride 2 pad 1, 3 channels", 1, 3, 23, 23, 16, 3, 2, 1, 1, 1, "random", 3000, "Clip"),
        new Case("3x3 pad 1, K=288, LeakyRelu", 1, 32, 8, 8, 20, 3, 1, 1, 1, 1, "random", 3000, "LeakyRelu"),
        new Case("grouped 3x3 dilation 2", 1, 8, 11, 11, 6, 3, 1, 2, 2, 2, "random", 3000, "Relu"),
        new Case("depthwise 3x3", 2, 12, 14, 14, 12, 3, 1, 1, 12, 1, "random", 3000, "Clip"),
        new Case("depthwise 3x3 stride 2", 1, 20, 15, 15, 20, 3, 2, 1, 20, 1, "random", 3000, "Clip"),
        new Case("depthwise 5x5", 1, 5, 9, 9, 5, 5, 1, 2, 5, 1, "random", 3000, ""),
        new Case("1x1, K=1024 at the exact limit", 1, 1024, 4, 5, 10, 1, 1, 0, 1, 1, "max", 1000, ""),
        new Case("1x1, bias past 2^24", 1, 64, 5, 5, 8, 1, 1, 0, 1, 1, "random", 1 << 26, ""),
        new Case("1x1, K=1100 past the limit: integer kernels", 1, 1100, 4, 5, 10, 1, 1, 0, 1, 1, "max", 1000, ""),
        new Case("depthwise past the limit: integer kernels", 1, 1100, 3, 3, 1100, 1, 1, 0, 1100, 1, "max", 0, ""));
  }

  @TestFactory
  Stream<DynamicTest> matchesIntegerDefinition() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> check(c)));
  }

  /**
   * The property the float path rests on: with {@code 128 * sum|W[c]|} up to 2^24 the float GEMM's
   * sums are the int32 sums exactly (here 97% of the limit, inputs at the int8 extremes).
   */
  @org.junit.jupiter.api.Test
  void floatGemmSumsAreExactUpToTheBound() {
    int m = 9;
    int k = 1024;
    int n = 37;
    Random r = new Random(5);
    byte[] w = new byte[m * k];
    float[] wf = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = (byte) (i % 37 == 3 ? r.nextInt(255) - 127 : r.nextBoolean() ? 127 : -127);
      wf[i] = w[i];
    }
    assertEquals(true, ExactFloatInt8Conv.exact(w, m, k), "within the bound");
    byte[] x = new byte[k * n];
    float[] xf = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (byte) (r.nextInt(4) == 0 ? 127 : -128);
      xf[i] = x[i];
    }
    // rows whose signs follow the inputs' push the sums to the bound
    for (int i = 0; i < k; i++) {
      w[i] = (byte) (x[i * n] < 0 ? -127 : 127);
      wf[i] = w[i];
    }
    float[] c = new float[m * n];
    Sgemm.gemm(m, n, k, Sgemm.pack(wf, 0, m, k, k), xf, 0, n, c, 0, n, null, 0, Float.NEGATIVE_INFINITY,
        Float.POSITIVE_INFINITY, new Parallel(2));
    long largest = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        long sum = 0;
        for (int kk = 0; kk < k; kk++) {
          sum += x[kk * n + j] * w[i * k + kk];
        }
        largest = Math.max(largest, Math.abs(sum));
        assertEquals(sum, (long) c[i * n + j], "row " + i + ", column " + j);
      }
    }
    assertEquals(true, largest > 16_000_000, "largest sum " + largest + " is near 2^24");
    byte[] past = new byte[1100];
    java.util.Arrays.fill(past, (byte) 127);
    assertEquals(false, ExactFloatInt8Conv.exact(past, 1, 1100), "128 * 127 * 1100 > 2^24");
  }

  private static void check(Case cs) {
    Random r = new Random(cs.label().hashCode());
    int cg = cs.c() / cs.group();
    int kk = cg * cs.k() * cs.k();
    byte[] w = new byte[cs.m() * kk];
    byte[] x = new byte[cs.n() * cs.c() * cs.h() * cs.w()];
    boolean max = cs.weights().equals("max");
    for (int i = 0; i < w.length; i++) {
      w[i] = max ? (byte) (i % 7 == 3 ? -127 : 127) : (byte) (r.nextInt(255) - 127);
    }
    for (int i = 0; i < x.length; i++) {
      x[i] = max ? (byte) (r.nextInt(8) == 0 ? 127 : -128) : (byte) (r.nextInt(256) - 128);
    }
    int[] bias = new int[cs.m()];
    for (int i = 0; i < bias.length; i++) {
      bias[i] = cs.biasRange() == 0 ? 0 : r.nextInt(2 * cs.biasRange()) - cs.biasRange();
    }
    float xScale = 0.02f;
    float[] wScale = new float[cs.m()];
    for (int i = 0; i < wScale.length; i++) {
      wScale[i] = 0.01f * (1 + i % 3 * 0.1f);
    }
    // spreads typical sums (about 75 * 73 * sqrt(K), or K * 127 * 128 for "max") over the int8 range
    float typical = max ? 110f * 127 * kk : 75f * 73 * (float) Math.sqrt(kk) + Math.abs(cs.biasRange()) / 2f;
    float yScale = xScale * wScale[0] * typical / 60f;
    Attributes.Builder a = Attributes.builder().ints("kernel_shape", cs.k(), cs.k()).ints("strides", cs.stride(), cs.stride())
        .ints("pads", cs.pad(), cs.pad(), cs.pad(), cs.pad()).set("group", cs.group())
        .ints("dilations", cs.dilation(), cs.dilation());
    if (!cs.act().isEmpty()) {
      a.set("activation", cs.act());
    }
    if (cs.act().equals("Clip")) {
      a.floats("activation_params", 0f, 6f * yScale * 20);
    } else if (cs.act().equals("LeakyRelu")) {
      a.floats("activation_params", 0.125f);
    }
    Node node = Node.builder("Int8Conv").domain(Node.MOBILIZE_DOMAIN).name("conv")
        .inputs("x", "xs", "w", "ws", "b", "ys").outputs("y").attributes(a.build()).build();
    Graph g = Graph.builder("int8conv")
        .input(new ValueInfo("x", DataType.INT8, Shape.of(cs.n(), cs.c(), cs.h(), cs.w())))
        .initializer("xs", Tensor.scalar(xScale))
        .initializer("w", Tensor.of(DataType.INT8, new long[] {cs.m(), cg, cs.k(), cs.k()}, w))
        .initializer("ws", Tensor.ofFloats(new long[] {cs.m()}, wScale))
        .initializer("b", Tensor.ofInts(new long[] {cs.m()}, bias))
        .initializer("ys", Tensor.scalar(yScale))
        .nodes(List.of(node)).output(new ValueInfo("y", DataType.INT8, Shape.UNKNOWN)).build();
    List<Problem> problems = new ArrayList<>();
    Program p = Program.compile(g, 21, Set.of(), Kernels.TABLE, problems);
    assertEquals(List.of(), problems);
    int[] shape = {cs.n(), cs.c(), cs.h(), cs.w()};
    byte[] actual = p.run(new NdArray[] {NdArray.ofBytes(shape, x)}, null, new Exec(new Parallel(2)))[0].b;

    Requantize rq = new Requantize(xScale, wScale, yScale, Activation.of(node));
    int oh = (cs.h() + 2 * cs.pad() - cs.dilation() * (cs.k() - 1) - 1) / cs.stride() + 1;
    int ow = (cs.w() + 2 * cs.pad() - cs.dilation() * (cs.k() - 1) - 1) / cs.stride() + 1;
    assertEquals(cs.n() * cs.m() * oh * ow, actual.length, cs.label() + ": output size");
    int mg = cs.m() / cs.group();
    for (int img = 0; img < cs.n(); img++) {
      for (int oc = 0; oc < cs.m(); oc++) {
        int grp = oc / mg;
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int acc = bias[oc];
            for (int ic = 0; ic < cg; ic++) {
              for (int ky = 0; ky < cs.k(); ky++) {
                for (int kx = 0; kx < cs.k(); kx++) {
                  int iy = oy * cs.stride() - cs.pad() + ky * cs.dilation();
                  int ix = ox * cs.stride() - cs.pad() + kx * cs.dilation();
                  if (iy >= 0 && iy < cs.h() && ix >= 0 && ix < cs.w()) {
                    acc += x[((img * cs.c() + grp * cg + ic) * cs.h() + iy) * cs.w() + ix]
                        * w[((oc * cg + ic) * cs.k() + ky) * cs.k() + kx];
                  }
                }
              }
            }
            int o = ((img * cs.m() + oc) * oh + oy) * ow + ox;
            int expected = rq.apply(acc, oc);
            if (actual[o] != expected) {
              throw new AssertionError(cs.label() + ": first mismatch at output " + o + " (image " + img
                  + ", channel " + oc + ", y " + oy + ", x " + ox + "): int32 sum " + acc + " requantizes to "
                  + expected + ", kernel gave " + actual[o]);
            }
          }
        }
      }
    }
  }
}
