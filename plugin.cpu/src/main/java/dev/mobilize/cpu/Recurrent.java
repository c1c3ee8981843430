package dev.mobilize.cpu;

import dev.mobilize.ir.Node;
import java.util.List;

/**
 * ONNX RNN, GRU and LSTM: one layer, directions forward, reverse and bidirectional, layout 0
 * (X [seq, batch, input]) and 1 (X [batch, seq, input]), sequence_lens, initial_h (and initial_c,
 * peepholes P and input_forget for LSTM), linear_before_reset for GRU, activations with their
 * alpha/beta, and clip (applied to every gate's input before its activation).
 *
 * <p>Gates, in the order of the rows of W, R and B: RNN {@code i}; GRU {@code z, r, h}; LSTM
 * {@code i, o, f, c}. Per direction, {@code X W^T + Wb (+ Rb)} is one GEMM over all time steps; each
 * step adds {@code H_{t-1} R^T} and applies the cell:
 * <pre>
 *   RNN:  H = f(x_i + H R_i^T)
 *   GRU:  z = f(x_z + H R_z^T)   r = f(x_r + H R_r^T)
 *         h~ = g(x_h + (r . H) R_h^T + Rb_h)      linear_before_reset = 0
 *         h~ = g(x_h + r . (H R_h^T + Rb_h))      linear_before_reset = 1
 *         H' = (1 - z) . h~ + z . H
 *   LSTM: i = f(x_i + H R_i^T + P_i . C)   f = f(x_f + H R_f^T + P_f . C)   (f = 1 - i with input_forget)
 *         C' = f . C + i . g(x_c + H R_c^T)   o = f(x_o + H R_o^T + P_o . C')   H' = o . h(C')
 * </pre>
 * A batch entry whose sequence is shorter than the input keeps its state and gets zeros in Y past its
 * length; the reverse direction walks each entry from its own last step.
 */
final class Recurrent implements Kernel {

  enum Kind {
    RNN(1, "Tanh"), GRU(3, "Sigmoid", "Tanh"), LSTM(4, "Sigmoid", "Tanh", "Tanh");

    final int gates;
    final List<String> defaults;

    Kind(int gates, String... defaults) {
      this.gates = gates;
      this.defaults = List.of(defaults);
    }
  }

  private final Kind kind;

  Recurrent(Kind kind) {
    this.kind = kind;
  }

  @Override
  public Step bind(Node node, Binding binding) {
    var a = node.attributes();
    String direction = a.getString("direction", "forward");
    int dirs = switch (direction) {
      case "forward", "reverse" -> 1;
      case "bidirectional" -> 2;
      default -> throw Broadcast.unsupported(node, "direction is '" + direction
          + "', expected forward, reverse or bidirectional");
    };
    int layout = (int) a.getInt("layout", 0);
    if (layout != 0 && layout != 1) {
      throw Broadcast.unsupported(node, "layout is " + layout + ", expected 0 or 1");
    }
    float clip = a.has("clip") ? a.getFloat("clip") : Float.POSITIVE_INFINITY;
    boolean linearBeforeReset = a.getInt("linear_before_reset", 0) != 0;
    boolean inputForget = a.getInt("input_forget", 0) != 0;
    int perDir = kind.defaults.size();
    List<String> names = a.has("activations") ? a.strings("activations") : null;
    if (names != null && names.size() != perDir * dirs) {
      throw Broadcast.error(node, "activations has " + names.size() + " entries, expected " + perDir * dirs
          + " (" + perDir + " per direction)");
    }
    float[] alphas = a.floats("activation_alpha", new float[0]);
    float[] betas = a.floats("activation_beta", new float[0]);
    Unary.F[] acts = new Unary.F[perDir * dirs];
    int[] used = new int[2];
    for (int i = 0; i < acts.length; i++) {
      String name = names != null ? names.get(i) : kind.defaults.get(i % perDir);
      acts[i] = function(node, name, alphas, betas, used);
    }
    long hiddenAttr = a.getInt("hidden_size", -1);
    return (in, ex) -> run(node, in, ex, dirs, direction.equals("reverse"), layout, clip, linearBeforeReset,
        inputForget, acts, hiddenAttr);
  }

  private NdArray[] run(Node node, NdArray[] in, Exec ex, int dirs, boolean reverseOnly, int layout, float clip,
      boolean lbr, boolean inputForget, Unary.F[] acts, long hiddenAttr) {
    NdArray x = in[0];
    NdArray w = in[1];
    NdArray r = in[2];
    NdArray bias = arg(in, 3);
    NdArray lens = arg(in, 4);
    NdArray h0 = arg(in, 5);
    NdArray c0 = kind == Kind.LSTM ? arg(in, 6) : null;
    NdArray peep = kind == Kind.LSTM ? arg(in, 7) : null;
    if (!x.isFloat() || !w.isFloat() || !r.isFloat()) {
      throw Broadcast.unsupported(node, "inputs of type " + x.type + ", " + w.type + ", " + r.type
          + ", expected float types");
    }
    if (x.rank() != 3 || w.rank() != 3 || r.rank() != 3) {
      throw Broadcast.error(node, "X " + x.shapeString() + ", W " + w.shapeString() + " and R " + r.shapeString()
          + " must be 3-D");
    }
    int seq = layout == 0 ? x.shape[0] : x.shape[1];
    int batch = layout == 0 ? x.shape[1] : x.shape[0];
    int input = x.shape[2];
    int gh = w.shape[1];
    int hid = r.shape[2];
    int g = kind.gates;
    if (w.shape[0] != dirs || r.shape[0] != dirs || gh != g * hid || w.shape[2] != input || r.shape[1] != gh
        || hiddenAttr >= 0 && hiddenAttr != hid) {
      throw Broadcast.error(node, "X " + x.shapeString() + ", W " + w.shapeString() + ", R " + r.shapeString()
          + " do not fit " + dirs + " direction(s), " + g + " gate(s), hidden_size " + hid + ": expected W ["
          + dirs + "," + g * hid + "," + input + "] and R [" + dirs + "," + g * hid + "," + hid + "]");
    }
    check(node, "B", bias, dirs * 2 * gh);
    check(node, "initial_h", h0, dirs * batch * hid);
    check(node, "initial_c", c0, dirs * batch * hid);
    check(node, "P", peep, dirs * 3 * hid);
    check(node, "sequence_lens", lens, batch);
    int[] len = new int[batch];
    for (int b = 0; b < batch; b++) {
      len[b] = lens == null ? seq : (int) Math.max(0, Math.min(seq, lens.getLong(b)));
    }
    int rowsX = seq * batch;
    float[] y = ex.zeros(seq * dirs * batch * hid);
    float[] yh = ex.floats(dirs * batch * hid);
    float[] yc = kind == Kind.LSTM ? ex.floats(dirs * batch * hid) : null;
    float[] xw = ex.floats(rowsX * gh);
    float[] hr = ex.floats(batch * gh);
    float[] hPrev = ex.floats(batch * hid);
    float[] cPrev = kind == Kind.LSTM ? ex.floats(batch * hid) : null;
    float[] gated = kind == Kind.GRU && !lbr ? ex.floats(batch * hid) : null;
    int perDir = kind.defaults.size();
    for (int d = 0; d < dirs; d++) {
      boolean reverse = d == 1 || reverseOnly;
      // xw[row] = X[row] W_d^T + Wb_d (+ Rb_d, except Rb_h of a GRU, which goes inside the reset for lbr)
      float[] wt = transpose(w.f, d * gh * input, gh, input);
      Sgemm.gemm(rowsX, gh, input, Sgemm.pack(x.f, 0, rowsX, input, input), wt, 0, gh, xw, 0, gh, null, 0,
          Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, ex.parallel);
      float[] rb = new float[gh];
      if (bias != null) {
        int bo = d * 2 * gh;
        for (int j = 0; j < gh; j++) {
          rb[j] = bias.f[bo + gh + j];
        }
        for (int row = 0; row < rowsX; row++) {
          for (int j = 0; j < gh; j++) {
            boolean inner = kind == Kind.GRU && j >= 2 * hid && lbr;
            xw[row * gh + j] += bias.f[bo + j] + (inner ? 0f : rb[j]);
          }
        }
      }
      float[] rt = transpose(r.f, d * gh * hid, gh, hid);
      if (h0 != null) {
        System.arraycopy(h0.f, d * batch * hid, hPrev, 0, batch * hid);
      } else {
        java.util.Arrays.fill(hPrev, 0f);
      }
      if (cPrev != null) {
        if (c0 != null) {
          System.arraycopy(c0.f, d * batch * hid, cPrev, 0, batch * hid);
        } else {
          java.util.Arrays.fill(cPrev, 0f);
        }
      }
      Unary.F f1 = acts[d * perDir];
      Unary.F f2 = perDir > 1 ? acts[d * perDir + 1] : null;
      Unary.F f3 = perDir > 2 ? acts[d * perDir + 2] : null;
      int maxLen = 0;
      for (int l : len) {
        maxLen = Math.max(maxLen, l);
      }
      for (int s = 0; s < maxLen; s++) {
        // hr = H_{t-1} R^T (for a GRU without linear_before_reset only the z and r columns)
        int cols = kind == Kind.GRU && !lbr ? 2 * hid : gh;
        Sgemm.gemm(batch, cols, hid, Sgemm.pack(hPrev, 0, batch, hid, hid), rt, 0, gh, hr, 0, gh, null, 0,
            Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, ex.parallel);
        if (gated != null) {
          // r = f(x_r + H R_r^T), then (r . H) R_h^T into the h columns
          for (int b = 0; b < batch; b++) {
            int t = s < len[b] ? (reverse ? len[b] - 1 - s : s) : -1;
            for (int j = 0; j < hid; j++) {
              float rg = t < 0 ? 0f : f1.apply(clamp(xw[row(layout, t, b, seq, batch) * gh + hid + j]
                  + hr[b * gh + hid + j], clip));
              gated[b * hid + j] = rg * hPrev[b * hid + j];
            }
          }
          Sgemm.gemm(batch, hid, hid, Sgemm.pack(gated, 0, batch, hid, hid), rt, 2 * hid, gh, hr, 2 * hid, gh,
              null, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, ex.parallel);
        }
        for (int b = 0; b < batch; b++) {
          if (s >= len[b]) {
            continue;
          }
          int t = reverse ? len[b] - 1 - s : s;
          int xo = row(layout, t, b, seq, batch) * gh;
          int ho = b * gh;
          int so = b * hid;
          for (int j = 0; j < hid; j++) {
            float h;
            switch (kind) {
              case RNN -> h = f1.apply(clamp(xw[xo + j] + hr[ho + j], clip));
              case GRU -> {
                float z = f1.apply(clamp(xw[xo + j] + hr[ho + j], clip));
                float hc;
                if (lbr) {
                  float rg = f1.apply(clamp(xw[xo + hid + j] + hr[ho + hid + j], clip));
                  hc = f2.apply(clamp(xw[xo + 2 * hid + j] + rg * (hr[ho + 2 * hid + j] + rb[2 * hid + j]), clip));
                } else {
                  hc = f2.apply(clamp(xw[xo + 2 * hid + j] + hr[ho + 2 * hid + j], clip));
                }
                h = (1 - z) * hc + z * hPrev[so + j];
              }
              default -> {
                float c = cPrev[so + j];
                float pi = peep == null ? 0f : peep.f[d * 3 * hid + j];
                float po = peep == null ? 0f : peep.f[d * 3 * hid + hid + j];
                float pf = peep == null ? 0f : peep.f[d * 3 * hid + 2 * hid + j];
                float ig = f1.apply(clamp(xw[xo + j] + hr[ho + j] + pi * c, clip));
                float fg = inputForget ? 1 - ig : f1.apply(clamp(xw[xo + 2 * hid + j] + hr[ho + 2 * hid + j] + pf * c, clip));
                float cc = f2.apply(clamp(xw[xo + 3 * hid + j] + hr[ho + 3 * hid + j], clip));
                float cn = fg * c + ig * cc;
                float og = f1.apply(clamp(xw[xo + hid + j] + hr[ho + hid + j] + po * cn, clip));
                cPrev[so + j] = cn;
                h = og * f3.apply(cn);
              }
            }
            hPrev[so + j] = h;
            y[yIndex(layout, t, d, b, seq, dirs, batch) * hid + j] = h;
          }
        }
      }
      for (int b = 0; b < batch; b++) {
        int o = (layout == 0 ? d * batch + b : b * dirs + d) * hid;
        System.arraycopy(hPrev, b * hid, yh, o, hid);
        if (yc != null) {
          System.arraycopy(cPrev, b * hid, yc, o, hid);
        }
      }
    }
    ex.release(xw);
    ex.release(hr);
    ex.release(hPrev);
    ex.release(cPrev);
    ex.release(gated);
    int[] yShape = layout == 0 ? new int[] {seq, dirs, batch, hid} : new int[] {batch, seq, dirs, hid};
    int[] hShape = layout == 0 ? new int[] {dirs, batch, hid} : new int[] {batch, dirs, hid};
    NdArray yOut = NdArray.ofFloats(x.type, yShape, y);
    NdArray hOut = NdArray.ofFloats(x.type, hShape, yh);
    return kind == Kind.LSTM ? new NdArray[] {yOut, hOut, NdArray.ofFloats(x.type, hShape.clone(), yc)}
        : new NdArray[] {yOut, hOut};
  }

  private static int row(int layout, int t, int b, int seq, int batch) {
    return layout == 0 ? t * batch + b : b * seq + t;
  }

  private static int yIndex(int layout, int t, int d, int b, int seq, int dirs, int batch) {
    return layout == 0 ? (t * dirs + d) * batch + b : (b * seq + t) * dirs + d;
  }

  private static float clamp(float v, float clip) {
    return v < -clip ? -clip : v > clip ? clip : v;
  }

  private static NdArray arg(NdArray[] in, int i) {
    return i < in.length ? in[i] : null;
  }

  private static void check(Node node, String name, NdArray v, int expected) {
    if (v != null && v.size() != expected) {
      throw Broadcast.error(node, name + " " + v.shapeString() + " has " + v.size() + " values, expected " + expected);
    }
  }

  /** {@code rows x cols} block at {@code off} transposed to {@code cols x rows}. */
  private static float[] transpose(float[] a, int off, int rows, int cols) {
    float[] t = new float[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = a[off + i * cols + j];
      }
    }
    return t;
  }

  /**
   * An activation by name. alpha and beta values are taken in order by the activations that have
   * them ({@code used} counts what was taken); absent ones default as in the ONNX operator of that name.
   */
  private static Unary.F function(Node node, String name, float[] alphas, float[] betas, int[] used) {
    boolean hasAlpha = switch (name) {
      case "Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu" -> true;
      default -> false;
    };
    boolean hasBeta = switch (name) {
      case "Affine", "ScaledTanh", "HardSigmoid" -> true;
      default -> false;
    };
    float dAlpha = switch (name) {
      case "LeakyRelu" -> 0.01f;
      case "HardSigmoid" -> 0.2f;
      default -> 1f;
    };
    float dBeta = name.equals("HardSigmoid") ? 0.5f : name.equals("Affine") ? 0f : 1f;
    float alpha = hasAlpha && used[0] < alphas.length ? alphas[used[0]++] : dAlpha;
    float beta = hasBeta && used[1] < betas.length ? betas[used[1]++] : dBeta;
    return switch (name) {
      case "Relu" -> v -> Math.max(v, 0f);
      case "Tanh" -> v -> (float) Math.tanh(v);
      case "Sigmoid" -> MathFunctions::sigmoid;
      case "Affine" -> v -> alpha * v + beta;
      case "LeakyRelu" -> v -> v >= 0 ? v : alpha * v;
      case "ThresholdedRelu" -> v -> v > alpha ? v : 0f;
      case "ScaledTanh" -> v -> alpha * (float) Math.tanh(beta * v);
      case "HardSigmoid" -> v -> Math.max(0f, Math.min(1f, alpha * v + beta));
      case "Elu" -> v -> v >= 0 ? v : (float) (alpha * Math.expm1(v));
      case "Softsign" -> v -> v / (1 + Math.abs(v));
      case "Softplus" -> v -> (float) (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));
      default -> throw Broadcast.unsupported(node, "activation '" + name + "', expected Relu, Tanh, Sigmoid, Affine,"
          + " LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign or Softplus");
    };
  }
}
