package dev.mobilize.cpu;

import dev.mobilize.ir.Node;
import dev.mobilize.ir.ValueInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX Scan (opset 9 and later): the first N inputs are initial states, the last
 * {@code num_scan_inputs} are scanned along {@code scan_input_axes} (forward or reversed per
 * {@code scan_input_directions}). Each iteration runs {@code body} (prepared once) on the states and
 * one slice of every scan input, and gets the new states and one slice of each scan output. The
 * node's outputs are the final states and the scan outputs stacked along {@code scan_output_axes}
 * (in reverse order where {@code scan_output_directions} is 1).
 */
final class Scan implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    if (binding.opset() < 9) {
      throw Broadcast.unsupported(node, "Scan of opset " + binding.opset()
          + " (batched, with sequence_lens) is not supported; re-export with opset 9 or later");
    }
    Program body = binding.compile(node.attributes().graph("body"));
    var a = node.attributes();
    int m = (int) a.getInt("num_scan_inputs");
    int n = node.inputs().size() - m;
    int k = body.graph().outputs().size() - n;
    if (n < 0 || k < 0 || body.graph().inputs().size() != n + m) {
      throw Broadcast.error(node, "the body has " + body.graph().inputs().size() + " inputs and "
          + body.graph().outputs().size() + " outputs; with " + n + " state(s) and " + m
          + " scan input(s) it needs " + (n + m) + " inputs and at least " + n + " outputs");
    }
    long[] inAxes = a.ints("scan_input_axes", new long[m]);
    long[] inDirs = a.ints("scan_input_directions", new long[m]);
    long[] outAxes = a.ints("scan_output_axes", new long[k]);
    long[] outDirs = a.ints("scan_output_directions", new long[k]);
    if (inAxes.length != m || inDirs.length != m || outAxes.length != k || outDirs.length != k) {
      throw Broadcast.error(node, "scan_input_axes/directions need " + m + " values and scan_output_axes/directions "
          + k + ", found " + inAxes.length + "/" + inDirs.length + " and " + outAxes.length + "/" + outDirs.length);
    }
    return (in, ex) -> {
      int len = -1;
      int[] axes = new int[m];
      for (int j = 0; j < m; j++) {
        NdArray x = in[n + j];
        axes[j] = Broadcast.axis(node, inAxes[j], x.rank());
        int l = x.shape[axes[j]];
        if (len >= 0 && l != len) {
          throw Broadcast.error(node, "scan input " + j + " " + x.shapeString() + " has " + l
              + " steps along axis " + axes[j] + ", the others " + len);
        }
        len = l;
      }
      NdArray[] state = new NdArray[n];
      System.arraycopy(in, 0, state, 0, n);
      List<List<NdArray>> slices = new ArrayList<>();
      for (int o = 0; o < k; o++) {
        slices.add(new ArrayList<>());
      }
      for (int t = 0; t < Math.max(len, 0); t++) {
        NdArray[] args = new NdArray[n + m];
        System.arraycopy(state, 0, args, 0, n);
        for (int j = 0; j < m; j++) {
          args[n + j] = slice(in[n + j], axes[j], inDirs[j] == 1 ? len - 1 - t : t, ex);
        }
        NdArray[] res = body.run(args, ex.scope, ex);
        System.arraycopy(res, 0, state, 0, n);
        for (int o = 0; o < k; o++) {
          slices.get(o).add(res[n + o]);
        }
      }
      NdArray[] out = new NdArray[n + k];
      System.arraycopy(state, 0, out, 0, n);
      for (int o = 0; o < k; o++) {
        List<NdArray> s = slices.get(o);
        if (outDirs[o] == 1) {
          java.util.Collections.reverse(s);
        }
        ValueInfo v = body.graph().outputs().get(n + o);
        int rank = s.isEmpty() ? (v.shape().hasRank() ? v.shape().rank() : 0) : s.get(0).rank();
        out[n + o] = stack(node, s, Broadcast.axis(node, outAxes[o], rank + 1), v, ex);
      }
      return out;
    };
  }

  /** Index {@code i} of {@code x} along {@code axis}, that axis removed. */
  static NdArray slice(NdArray x, int axis, int i, Exec ex) {
    int[] shape = new int[x.rank() - 1];
    int outer = 1;
    int inner = 1;
    for (int d = 0, o = 0; d < x.rank(); d++) {
      if (d != axis) {
        shape[o++] = x.shape[d];
        if (d < axis) {
          outer *= x.shape[d];
        } else {
          inner *= x.shape[d];
        }
      }
    }
    int steps = x.shape[axis];
    NdArray out = Layout.alloc(ex, x.type, shape);
    for (int o = 0; o < outer; o++) {
      Layout.copy(x, (o * steps + i) * inner, out, o * inner, inner);
    }
    return out;
  }

  /**
   * The slices stacked along a new axis {@code axis}; with no slices an empty tensor shaped from the
   * body output {@code v} where it is static.
   */
  static NdArray stack(Node node, List<NdArray> slices, int axis, ValueInfo v, Exec ex) {
    if (slices.isEmpty()) {
      long[] dims = v.shape().staticDims().orElse(null);
      int rank = dims != null ? dims.length : v.shape().hasRank() ? v.shape().rank() : 0;
      int[] shape = new int[rank + 1];
      for (int d = 0, o = 0; d < shape.length; d++) {
        shape[d] = d == Math.min(axis, rank) || dims == null ? 0 : (int) dims[o++];
      }
      return Layout.alloc(ex, v.type(), shape);
    }
    NdArray first = slices.get(0);
    for (NdArray s : slices) {
      if (!java.util.Arrays.equals(s.shape, first.shape) || s.type != first.type) {
        throw Broadcast.error(node, "scan output slices differ: " + first.shapeString() + " and " + s.shapeString());
      }
    }
    int steps = slices.size();
    int[] shape = new int[first.rank() + 1];
    int outer = 1;
    int inner = 1;
    for (int d = 0, o = 0; d < shape.length; d++) {
      if (d == axis) {
        shape[d] = steps;
      } else {
        shape[d] = first.shape[o];
        if (d < axis) {
          outer *= first.shape[o];
        } else {
          inner *= first.shape[o];
        }
        o++;
      }
    }
    NdArray out = Layout.alloc(ex, first.type, shape);
    for (int t = 0; t < steps; t++) {
      for (int o = 0; o < outer; o++) {
        Layout.copy(slices.get(t), o * inner, out, (o * steps + t) * inner, inner);
      }
    }
    return out;
  }
}
