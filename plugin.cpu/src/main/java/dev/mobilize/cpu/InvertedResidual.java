package dev.mobilize.cpu;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import java.util.Set;

/**
 * Runs {@code mobilize.InvertedResidual} ({@link FuseBlocksForCpu}): {@code expand 1x1 -> depthwise ->
 * project 1x1 (+ residual)} band by band, so that the expanded tensor (several times the input's
 * channels) never goes to memory.
 *
 * <p>The output rows of each image are cut into a few contiguous parts that the threads claim (one
 * barrier for the whole block, not three). A part walks its rows in bands sized to stay in L2: for a
 * band it computes the expanded rows the depthwise window needs ({@link Sgemm#gemmOnThread}: the
 * micro-kernel on those columns of the input, packed whole), keeping the rows it shares with the band
 * before instead of computing them again, then the depthwise rows ({@link Conv#depthwise} on the band
 * as a small image whose top padding is what remains of the real one), then the projection of the
 * band straight into the output (residual and clamp in the GEMM epilogue). Band scratch comes from the
 * {@link Exec} pool, one set per thread.
 *
 * <p>Every output value is the same sums in the same order as the three convolutions one after the
 * other, so results do not depend on bands or threads. Sizes it does not handle (and small tensors:
 * fewer than {@link #minFloats} expanded values per image) run the three {@link Conv} steps instead.
 */
final class InvertedResidual implements Kernel {

  /** Expanded values per image below which the three convolutions run one after the other. */
  private final long minFloats;
  /** Floats of band scratch (expanded rows and depthwise rows) per thread. */
  private final int bandFloats;
  /** Parts per image and thread (more parts balance a loaded machine, each costs a halo). */
  private final int partsPerThread;

  /**
   * Measured on MobileNetV2 (InvertedResidualBenchmark, 2 cores, loaded host): fused at par or up to 10%
   * faster for the blocks whose expanded tensor is 0.45 to 1.2 M floats (56x56 and 112x112 planes), 10 to
   * 70% slower for the 28x28 and smaller ones, whose bands are too few rows to share among the threads.
   */
  private static final long MIN_FLOATS = 400_000;

  InvertedResidual() {
    this(Long.getLong("mobilize.cpu.fuseMinFloats", MIN_FLOATS),
        Integer.getInteger("mobilize.cpu.fuseBandFloats", 192 * 1024), Integer.getInteger("mobilize.cpu.fuseParts", 2));
  }

  InvertedResidual(long minFloats, int bandFloats, int partsPerThread) {
    this.minFloats = minFloats;
    this.bandFloats = bandFloats;
    this.partsPerThread = Math.max(1, partsPerThread);
  }

  @Override
  public Step bind(Node node, Binding binding) {
    Node[] parts = new Node[3];
    for (int p = 0; p < 3; p++) {
      parts[p] = part(node, p);
      new ConvGeometry(parts[p]); // checks auto_pad now
    }
    Unfused steps = new Unfused(parts, binding, node.inputs().size() > 7);
    ConvGeometry dwGeo = new ConvGeometry(parts[1]);
    Activation[] acts = {Activation.of(parts[0]), Activation.of(parts[1]), Activation.of(parts[2])};
    NdArray w1 = binding.constant(1);
    NdArray w2 = binding.constant(3);
    NdArray w3 = binding.constant(5);
    if (w1 == null || w2 == null || w3 == null || !w1.isFloat() || !w2.isFloat() || !w3.isFloat()
        || w1.rank() != 4 || w2.rank() != 4 || w3.rank() != 4) {
      return (in, ex) -> unfused(steps, in, ex);
    }
    float[] b1 = bias(binding.constant(2));
    float[] b2 = bias(binding.constant(4));
    float[] b3 = bias(binding.constant(6));
    int e = w1.shape[0];
    int c = w1.shape[1];
    int cout = w3.shape[0];
    boolean shapesFit = w2.shape[0] == e && w2.shape[1] == 1 && w3.shape[1] == e
        && (b1 != null || !node.hasInput(2)) && (b2 != null || !node.hasInput(4)) && (b3 != null || !node.hasInput(6))
        && (b1 == null || b1.length == e) && (b2 == null || b2.length == e) && (b3 == null || b3.length == cout);
    if (!shapesFit) {
      return (in, ex) -> unfused(steps, in, ex);
    }
    float[] pw1 = Sgemm.pack(w1.f, 0, e, c, c);
    float[] pw3 = Sgemm.pack(w3.f, 0, cout, e, e);
    int kh = w2.shape[2];
    int kw = w2.shape[3];
    float[] dw = w2.f;
    return (in, ex) -> {
      NdArray x = in[0];
      NdArray r = in.length > 7 ? in[7] : null;
      if (!x.isFloat() || x.rank() != 4 || x.shape[1] != c) {
        return unfused(steps, in, ex);
      }
      int n = x.shape[0];
      int h = x.shape[2];
      int wd = x.shape[3];
      ConvGeometry.Window win = dwGeo.resolve(new int[] {h, wd}, new int[] {kh, kw});
      int oh = win.out[0];
      int ow = win.out[1];
      int[] shape = {n, cout, oh, ow};
      if ((long) e * h * wd < minFloats || r != null && (r.type != x.type || !java.util.Arrays.equals(r.shape, shape))
          || bandRows(e, wd, ow, win) < 1) {
        return unfused(steps, in, ex);
      }
      float[] out = ex.floats(n * cout * oh * ow);
      run(x.f, n, c, h, wd, e, cout, win, pw1, b1, dw, b2, pw3, b3, r == null ? null : r.f, acts, out, ex);
      return new NdArray[] {NdArray.ofFloats(x.type, shape, out)};
    };
  }

  /** Output rows per band so that the band's scratch fits {@link #bandFloats}; 0 if not even one row does. */
  private int bandRows(int e, int wd, int ow, ConvGeometry.Window win) {
    int s = win.stride[0];
    int dk = (win.kernel[0] - 1) * win.dilation[0] + 1;
    // expanded rows ((rows - 1) * s + dk) * wd and depthwise rows rows * ow, per channel
    long fixed = (long) e * wd * (dk - s);
    long perRow = (long) e * (wd * s + ow);
    long rows = (bandFloats - fixed) / perRow;
    return (int) Math.max(0, Math.min(rows, win.out[0]));
  }

  private void run(float[] x, int n, int c, int h, int wd, int e, int cout, ConvGeometry.Window win, float[] pw1,
      float[] b1, float[] w2, float[] b2, float[] pw3, float[] b3, float[] res, Activation[] acts, float[] out,
      Exec ex) {
    int oh = win.out[0];
    int ow = win.out[1];
    int s = win.stride[0];
    int pt = win.padBegin[0];
    int dk = (win.kernel[0] - 1) * win.dilation[0] + 1;
    int band = bandRows(e, wd, ow, win);
    int maxRows = (band - 1) * s + dk; // expanded rows of a band
    int expSize = e * maxRows * wd;
    int dwSize = e * band * ow;
    Parallel parallel = ex.parallel;
    int threads = parallel.threads();
    int parts = threads == 1 ? 1 : Math.max(1, Math.min(partsPerThread * threads, oh / Math.max(1, band / 2)));
    int packSize = Math.max(1, Math.max(Sgemm.packedSize(c, maxRows * wd), Sgemm.packedSize(e, band * ow)));
    float[][] scratch = new float[3 * threads][];
    for (int t = 0; t < threads; t++) {
      scratch[3 * t] = ex.floats(expSize);
      scratch[3 * t + 1] = ex.floats(dwSize);
      scratch[3 * t + 2] = ex.floats(packSize);
    }
    Sgemm.Epilogue e1 = new Sgemm.Epilogue(b1, 0, null, 0, acts[0].lo, acts[0].hi);
    Sgemm.Epilogue e3 = new Sgemm.Epilogue(b3, 0, res, 0, acts[2].lo, acts[2].hi);
    int plane = oh * ow;
    try {
      parallel.forChunks(n * parts, (t, chunk) -> {
        float[] buf = scratch[3 * t];
        float[] dwOut = scratch[3 * t + 1];
        float[] bp = scratch[3 * t + 2];
        int img = chunk / parts;
        int part = chunk % parts;
        int xOff = img * c * h * wd;
        int oOff = img * cout * plane;
        int p0 = 0;
        int p1 = 0; // expanded rows [p0, p1) are in buf, from row 0 of each channel
        for (int oy0 = oh * part / parts, end = oh * (part + 1) / parts; oy0 < end; oy0 += band) {
          int oy1 = Math.min(end, oy0 + band);
          int top = oy0 * s - pt; // first input row the band reads (may be padding)
          int r0 = Math.max(0, top);
          int r1 = Math.max(r0, Math.min(h, (oy1 - 1) * s - pt + dk));
          int keep = p1 > r0 && p0 <= r0 ? Math.min(p1, r1) - r0 : 0;
          if (keep > 0 && r0 > p0) {
            for (int ch = 0; ch < e; ch++) {
              System.arraycopy(buf, ch * maxRows * wd + (r0 - p0) * wd, buf, ch * maxRows * wd, keep * wd);
            }
          }
          int fresh = r1 - r0 - keep;
          if (fresh > 0) {
            Sgemm.gemmOnThread(e, fresh * wd, c, pw1, x, xOff + (r0 + keep) * wd, h * wd, buf, keep * wd,
                maxRows * wd, e1, bp, parallel);
          }
          if (r1 - r0 < maxRows) { // rows past the image's end read as zero padding
            for (int ch = 0; ch < e; ch++) {
              java.util.Arrays.fill(buf, ch * maxRows * wd + (r1 - r0) * wd, (ch + 1) * maxRows * wd, 0f);
            }
          }
          p0 = r0;
          p1 = r1;
          ConvGeometry.Window bw = bandWindow(win, r0 - top, oy1 - oy0, maxRows);
          int rows = oy1 - oy0;
          Conv.depthwise(Sgemm.VECTOR, buf, w2, b2, dwOut, 1, e, maxRows, wd, bw, acts[1], parallel, plane);
          Sgemm.gemmOnThread(cout, rows * ow, e, pw3, dwOut, 0, rows * ow, out, oOff + oy0 * ow, plane, e3, bp,
              parallel);
        }
      });
    } finally {
      for (float[] b : scratch) {
        ex.release(b);
      }
    }
  }

  /** The depthwise window of a band: {@code padTop} rows of padding above, {@code rows} output rows. */
  private static ConvGeometry.Window bandWindow(ConvGeometry.Window win, int padTop, int rows, int inRows) {
    ConvGeometry.Window w = new ConvGeometry.Window();
    w.kernel = win.kernel;
    w.stride = win.stride;
    w.dilation = win.dilation;
    w.padBegin = new int[] {padTop, win.padBegin[1]};
    w.padEnd = win.padEnd;
    w.in = new int[] {inRows, win.in[1]};
    w.out = new int[] {rows, win.out[1]};
    return w;
  }

  private static NdArray[] unfused(Unfused steps, NdArray[] in, Exec ex) {
    NdArray t1 = steps.step(0).run(new NdArray[] {in[0], in[1], in[2]}, ex)[0];
    NdArray t2 = steps.step(1).run(new NdArray[] {t1, in[3], in[4]}, ex)[0];
    ex.release(t1.data());
    NdArray[] args = in.length > 7 ? new NdArray[] {t2, in[5], in[6], in[7]} : new NdArray[] {t2, in[5], in[6]};
    NdArray[] y = steps.step(2).run(args, ex);
    ex.release(t2.data());
    return y;
  }

  /** The three {@link Conv} steps, bound when first needed (their packed weights are a second copy). */
  private static final class Unfused {
    private final Node[] parts;
    private final Binding binding;
    private final boolean residual;
    private final Step[] steps = new Step[3];

    Unfused(Node[] parts, Binding binding, boolean residual) {
      this.parts = parts;
      this.binding = binding;
      this.residual = residual;
    }

    synchronized Step step(int p) {
      if (steps[p] == null) {
        int base = 1 + 2 * p;
        int[] map = p == 2 && residual ? new int[] {-1, base, base + 1, 7} : new int[] {-1, base, base + 1};
        steps[p] = new Conv().bind(parts[p], new Binding() {
          @Override
          public NdArray constant(int i) {
            return i < map.length && map[i] >= 0 ? binding.constant(map[i]) : null;
          }

          @Override
          public long opset() {
            return binding.opset();
          }

          @Override
          public Program compile(Graph subgraph) {
            return binding.compile(subgraph);
          }

          @Override
          public Set<String> scope() {
            return binding.scope();
          }
        });
      }
      return steps[p];
    }
  }

  private static float[] bias(NdArray b) {
    return b == null || !b.isFloat() ? null : b.f;
  }

  /** Convolution {@code p} of the chain as a node of its own (attributes without their prefix). */
  static Node part(Node node, int p) {
    String prefix = FuseBlocksForCpu.PARTS[p];
    Attributes.Builder ab = Attributes.builder();
    node.attributes().asMap().forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        ab.set(k.substring(prefix.length()), v);
      }
    });
    return Node.builder("FusedConv").domain(Node.MOBILIZE_DOMAIN).name(node.name() + " " + prefix.substring(0,
        prefix.length() - 1)).attributes(ab.build()).build();
  }
}
