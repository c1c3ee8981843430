package dev.mobilize.cpu;

import dev.mobilize.ir.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX Einsum: any number of operands, explicit ({@code ij,jk->ik}) or implicit ({@code ij,jk}: the
 * labels used once, in alphabetical order) outputs, repeated labels within an operand (diagonals),
 * and {@code ...} for broadcast leading dimensions. Every output element is the sum over the
 * labels not in the output of the product of the operands; this direct loop is exact but does no
 * blocking, so large contractions are slow.
 */
final class Einsum implements Kernel {

  /** Labels are a-z, A-Z; ellipsis dimensions get the ids from {@code ELLIPSIS} on (rightmost first). */
  private static final int ELLIPSIS = 52;

  @Override
  public Step bind(Node node, Binding binding) {
    String equation = node.attributes().getString("equation").replace(" ", "");
    int arrow = equation.indexOf("->");
    String lhs = arrow < 0 ? equation : equation.substring(0, arrow);
    String rhs = arrow < 0 ? null : equation.substring(arrow + 2);
    String[] terms = lhs.split(",", -1);
    if (terms.length != node.inputs().size()) {
      throw Broadcast.error(node, "equation '" + equation + "' has " + terms.length + " operand(s), the node has "
          + node.inputs().size() + " input(s)");
    }
    return (in, ex) -> {
      int[][] labels = new int[in.length][];
      int ellipsisRank = 0;
      for (int i = 0; i < in.length; i++) {
        labels[i] = parse(node, terms[i], in[i].rank());
        for (int l : labels[i]) {
          if (l >= ELLIPSIS) {
            ellipsisRank = Math.max(ellipsisRank, l - ELLIPSIS + 1);
          }
        }
      }
      int[] size = new int[ELLIPSIS + ellipsisRank];
      java.util.Arrays.fill(size, -1);
      int[] uses = new int[size.length];
      for (int i = 0; i < in.length; i++) {
        for (int d = 0; d < labels[i].length; d++) {
          int l = labels[i][d];
          int n = in[i].shape[d];
          uses[l]++;
          if (size[l] < 0 || size[l] == 1 && l >= ELLIPSIS) {
            size[l] = n;
          } else if (size[l] != n && !(n == 1 && l >= ELLIPSIS)) {
            throw Broadcast.error(node, "label '" + name(l) + "' has sizes " + size[l] + " and " + n
                + " in '" + equation + "'");
          }
        }
      }
      int[] out;
      if (rhs != null) {
        out = parse(node, rhs, -ellipsisRank - 1);
      } else {
        List<Integer> o = new ArrayList<>();
        for (int e = ellipsisRank - 1; e >= 0; e--) {
          o.add(ELLIPSIS + e);
        }
        // ASCII order: upper case before lower case
        for (int l = 26; l < 52; l++) {
          if (uses[l] == 1) {
            o.add(l);
          }
        }
        for (int l = 0; l < 26; l++) {
          if (uses[l] == 1) {
            o.add(l);
          }
        }
        out = o.stream().mapToInt(Integer::intValue).toArray();
      }
      // loop labels: output labels first, then the summed ones
      List<Integer> loop = new ArrayList<>();
      for (int l : out) {
        if (size[l] < 0) {
          throw Broadcast.error(node, "output label '" + name(l) + "' of '" + equation + "' is not in any operand");
        }
        if (loop.contains(l)) {
          throw Broadcast.error(node, "output label '" + name(l) + "' repeats in '" + equation + "'");
        }
        loop.add(l);
      }
      for (int l = 0; l < size.length; l++) {
        if (size[l] >= 0 && !loop.contains(l)) {
          loop.add(l);
        }
      }
      int nl = loop.size();
      int[] dims = new int[nl];
      int[][] strides = new int[in.length][nl];
      for (int j = 0; j < nl; j++) {
        dims[j] = size[loop.get(j)];
      }
      for (int i = 0; i < in.length; i++) {
        int[] st = Broadcast.stridesOf(in[i].shape);
        for (int d = 0; d < labels[i].length; d++) {
          int j = loop.indexOf(labels[i][d]);
          if (in[i].shape[d] != 1 || dims[j] == 1) {
            strides[i][j] += st[d];
          }
        }
      }
      int[] outShape = new int[out.length];
      for (int j = 0; j < out.length; j++) {
        outShape[j] = dims[j];
      }
      int outCount = NdArray.numElements(outShape);
      int inner = 1;
      for (int j = out.length; j < nl; j++) {
        inner *= dims[j];
      }
      boolean isFloat = in[0].isFloat();
      NdArray result = Layout.alloc(ex, in[0].type, outShape);
      int[] idx = new int[nl];
      int[] off = new int[in.length];
      long total = (long) outCount * inner;
      double sumF = 0;
      long sumL = 0;
      int o = 0;
      int k = 0;
      for (long it = 0; it < total; it++) {
        if (isFloat) {
          double p = 1;
          for (int i = 0; i < in.length; i++) {
            p *= in[i].f[off[i]];
          }
          sumF += p;
        } else {
          long p = 1;
          for (int i = 0; i < in.length; i++) {
            p *= in[i].l[off[i]];
          }
          sumL += p;
        }
        if (++k == inner) { // all summed labels done: output labels come first in the loop order
          if (isFloat) {
            result.f[o++] = (float) sumF;
          } else {
            result.l[o++] = sumL;
          }
          sumF = 0;
          sumL = 0;
          k = 0;
        }
        for (int j = nl - 1; j >= 0; j--) {
          idx[j]++;
          for (int i = 0; i < in.length; i++) {
            off[i] += strides[i][j];
          }
          if (idx[j] < dims[j]) {
            break;
          }
          for (int i = 0; i < in.length; i++) {
            off[i] -= strides[i][j] * idx[j];
          }
          idx[j] = 0;
        }
      }
      if (inner == 0) {
        if (isFloat) {
          java.util.Arrays.fill(result.f, 0f);
        } else {
          java.util.Arrays.fill(result.l, 0L);
        }
      }
      return new NdArray[] {result};
    };
  }

  /**
   * Label ids of one term for an operand of {@code rank}; for the output ({@code rank < 0}) the
   * ellipsis stands for {@code -rank - 1} dimensions.
   */
  private static int[] parse(Node node, String term, int rank) {
    int dots = term.indexOf("...");
    int letters = term.length() - (dots < 0 ? 0 : 3);
    int ell = rank < 0 ? -rank - 1 : rank - letters;
    if (dots < 0 && rank >= 0 && letters != rank || ell < 0) {
      throw Broadcast.error(node, "term '" + term + "' does not fit an operand of rank " + rank);
    }
    int n = letters + (dots < 0 ? 0 : ell);
    int[] out = new int[n];
    int o = 0;
    for (int c = 0; c < term.length(); c++) {
      char ch = term.charAt(c);
      if (c == dots) {
        for (int e = ell - 1; e >= 0; e--) {
          out[o++] = ELLIPSIS + e;
        }
        c += 2;
      } else if (ch >= 'a' && ch <= 'z') {
        out[o++] = ch - 'a';
      } else if (ch >= 'A' && ch <= 'Z') {
        out[o++] = 26 + ch - 'A';
      } else {
        throw Broadcast.error(node, "term '" + term + "' has '" + ch + "'; labels are letters and '...'");
      }
    }
    return out;
  }

  private static String name(int l) {
    return l < 26 ? String.valueOf((char) ('a' + l)) : l < 52 ? String.valueOf((char) ('A' + l - 26)) : "...";
  }
}
