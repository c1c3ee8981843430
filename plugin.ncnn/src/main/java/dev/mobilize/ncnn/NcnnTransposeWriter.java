package dev.mobilize.ncnn;

import dev.mobilize.ir.Node;
import java.util.Arrays;
import java.util.List;

/**
 * Transpose as Permute. ncnn names each order by the input axes that become the output's
 * (w, h, [d,] c); the tables below list them as outer-to-inner permutations of the blob axes.
 */
final class NcnnTransposeWriter implements NcnnLayerWriter {

  /** order_type → output axes (outermost first) as input axes, for 2-D blobs (h, w) = (0, 1). */
  static final int[][] ORDERS_2D = {{0, 1}, {1, 0}};

  /** For 3-D blobs (c, h, w) = (0, 1, 2). */
  static final int[][] ORDERS_3D = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

  /** For 4-D blobs (c, d, h, w) = (0, 1, 2, 3), from ncnn's permute.cpp create(w, h, d, c) calls. */
  static final int[][] ORDERS_4D = new int[24][];

  static {
    // ncnn's list of (w, h, d, c) as names of input axes, order types 0..23
    String[] wh = {"whdc", "hwdc", "wdhc", "dwhc", "hdwc", "dhwc", "whcd", "hwcd", "wchd", "cwhd", "hcwd", "chwd",
        "wdch", "dwch", "wcdh", "cwdh", "dcwh", "cdwh", "hdcw", "dhcw", "hcdw", "chdw", "dchw", "cdhw"};
    String axes = "cdhw";
    for (int t = 0; t < 24; t++) {
      int[] o = new int[4];
      for (int i = 0; i < 4; i++) {
        // output axis i counted from the outside is letter 3-i of the (w, h, d, c) list
        o[i] = axes.indexOf(wh[t].charAt(3 - i));
      }
      ORDERS_4D[t] = o;
    }
  }

  @Override
  public void write(Node node, ExportContext ctx) {
    int rank = ctx.rank(node.input(0));
    long[] perm = node.attributes().ints("perm", null);
    if (perm == null) {
      perm = new long[rank];
      for (int i = 0; i < rank; i++) {
        perm[i] = rank - 1 - i;
      }
    }
    if (perm[0] != 0) {
      throw new CannotExpress("perm " + Arrays.toString(perm) + " moves the batch axis, which ncnn does not have");
    }
    int[] p = new int[rank - 1];
    for (int i = 1; i < rank; i++) {
      p[i - 1] = (int) perm[i] - 1;
    }
    int[][] table = switch (p.length) {
      case 1 -> new int[][] {{0}};
      case 2 -> ORDERS_2D;
      case 3 -> ORDERS_3D;
      case 4 -> ORDERS_4D;
      default -> throw new CannotExpress("Permute supports blobs of 1 to 4 dimensions, found " + p.length);
    };
    int type = -1;
    for (int t = 0; t < table.length; t++) {
      if (Arrays.equals(table[t], p)) {
        type = t;
      }
    }
    if (type < 0) {
      throw new IllegalStateException("no Permute order for " + Arrays.toString(p));
    }
    NcnnLayer l = ctx.add("Permute", node, List.of(ctx.blob(node.input(0), rank)), List.of(node.output(0)));
    l.params.setIfNot(0, type, 0);
  }
}
