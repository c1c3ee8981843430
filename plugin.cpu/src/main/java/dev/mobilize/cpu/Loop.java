package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.ValueInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX Loop: runs {@code body} (prepared once) while {@code i < M} (when M is given) and the
 * condition holds (when given). The body gets {@code (i, cond, v...)} and returns
 * {@code (cond', v'..., s...)}; the node's outputs are the final loop-carried values {@code v} and
 * each scan output {@code s} stacked over the iterations on a new first axis. The body may read
 * values of enclosing graphs.
 */
final class Loop implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    Program body = binding.compile(node.attributes().graph("body"));
    int carried = node.inputs().size() - 2;
    int bodyOutputs = body.graph().outputs().size();
    int scans = bodyOutputs - 1 - carried;
    if (carried < 0 || scans < 0 || body.graph().inputs().size() != carried + 2) {
      throw Broadcast.error(node, "the body has " + body.graph().inputs().size() + " inputs and " + bodyOutputs
          + " outputs; with " + Math.max(0, carried) + " loop-carried value(s) it needs " + (carried + 2)
          + " inputs and at least " + (carried + 1) + " outputs");
    }
    return (in, ex) -> {
      long max = in[0] == null ? Long.MAX_VALUE : in[0].getLong(0);
      boolean cond = in[1] == null || in[1].getLong(0) != 0;
      NdArray[] state = new NdArray[carried];
      System.arraycopy(in, 2, state, 0, carried);
      List<List<NdArray>> slices = new ArrayList<>();
      for (int k = 0; k < scans; k++) {
        slices.add(new ArrayList<>());
      }
      for (long i = 0; i < max && cond; i++) {
        NdArray[] args = new NdArray[carried + 2];
        args[0] = NdArray.ofLongs(new int[0], new long[] {i});
        args[1] = NdArray.ofLongs(DataType.BOOL, new int[0], new long[] {1});
        System.arraycopy(state, 0, args, 2, carried);
        NdArray[] res = body.run(args, ex.scope, ex);
        cond = res[0].getLong(0) != 0;
        System.arraycopy(res, 1, state, 0, carried);
        for (int k = 0; k < scans; k++) {
          slices.get(k).add(res[1 + carried + k]);
        }
      }
      NdArray[] out = new NdArray[carried + scans];
      System.arraycopy(state, 0, out, 0, carried);
      for (int k = 0; k < scans; k++) {
        ValueInfo v = body.graph().outputs().get(1 + carried + k);
        out[carried + k] = Scan.stack(node, slices.get(k), 0, v, ex);
      }
      return out;
    };
  }
}
