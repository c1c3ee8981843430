package dev.mobilize.cpu;

/**
 * Loops over broadcast operands: the output shape is cut into rows along its innermost dimensions
 * (after merging dimensions that are contiguous for every operand), and each row is handed to a
 * {@link Row} with an offset and a stride (0 or 1) per operand.
 */
final class Elementwise {

  private Elementwise() {}

  /** One row of {@code n} output elements starting at {@code out}. */
  @FunctionalInterface
  interface Row {
    void run(int[] offsets, int[] steps, int out, int n);
  }

  /** Iterates {@code outShape} with operands of {@code shapes}, rows in parallel when large. */
  static void forEachRow(int[] outShape, int[][] shapes, Parallel parallel, Row row) {
    int ops = shapes.length;
    int r = outShape.length;
    int[][] st = new int[ops][];
    for (int k = 0; k < ops; k++) {
      st[k] = Broadcast.strides(shapes[k], outShape);
    }
    // merge dimension d into d+1 where every operand is contiguous across them
    int[] dims = outShape.clone();
    int m = r;
    int[] keep = new int[r];
    int kept = 0;
    int[] mergedDims = new int[r];
    int[][] mergedSt = new int[ops][r];
    for (int d = r - 1; d >= 0; d--) {
      if (kept > 0) {
        int prev = kept - 1;
        boolean ok = true;
        for (int k = 0; k < ops && ok; k++) {
          ok = st[k][d] == mergedSt[k][prev] * mergedDims[prev];
        }
        if (ok) {
          mergedDims[prev] *= dims[d];
          continue;
        }
      }
      mergedDims[kept] = dims[d];
      for (int k = 0; k < ops; k++) {
        mergedSt[k][kept] = st[k][d];
      }
      kept++;
    }
    // mergedDims is innermost-first
    if (kept == 0) { // scalar
      int[] offs = new int[ops];
      row.run(offs, new int[ops], 0, 1);
      return;
    }
    int inner = mergedDims[0];
    int[] steps = new int[ops];
    for (int k = 0; k < ops; k++) {
      steps[k] = mergedSt[k][0];
    }
    int rows = 1;
    for (int i = 1; i < kept; i++) {
      rows *= mergedDims[i];
    }
    final int keptF = kept;
    int total = rows * inner;
    if (total == 0) {
      return;
    }
    int grain = Math.max(1, 32768 / Math.max(1, inner));
    parallel.forRange(rows, grain, (from, to) -> {
      int[] offs = new int[ops];
      for (int rIdx = from; rIdx < to; rIdx++) {
        int rem = rIdx;
        java.util.Arrays.fill(offs, 0);
        for (int i = 1; i < keptF; i++) {
          int c = rem % mergedDims[i];
          rem /= mergedDims[i];
          for (int k = 0; k < ops; k++) {
            offs[k] += c * mergedSt[k][i];
          }
        }
        row.run(offs, steps, rIdx * inner, inner);
      }
    });
    if (m < 0) {
      throw new IllegalStateException();
    }
  }
}
