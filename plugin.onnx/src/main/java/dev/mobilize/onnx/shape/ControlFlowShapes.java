package dev.mobilize.onnx.shape;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.ValueInfo;
import java.util.ArrayList;
import java.util.List;

/** If, Loop and Scan: the bodies are inferred, and the outputs come from the body outputs. */
final class ControlFlowShapes {

  private ControlFlowShapes() {}

  /** If: each output merges then_branch's and else_branch's: equal dims stay, others become fresh symbols. */
  static void ifThenElse(NodeContext c) {
    Graph thenBranch = c.inferBody("then_branch", List.of());
    Graph elseBranch = c.inferBody("else_branch", List.of());
    for (int i = 0; i < c.outputCount(); i++) {
      if (i >= thenBranch.outputs().size() || i >= elseBranch.outputs().size()) {
        throw c.mismatch("the branches have " + thenBranch.outputs().size() + " and " + elseBranch.outputs().size()
            + " outputs, expected " + c.outputCount() + " each");
      }
      ValueInfo a = thenBranch.outputs().get(i);
      ValueInfo b = elseBranch.outputs().get(i);
      DataType type = a.type() != DataType.UNDEFINED ? a.type() : b.type();
      c.output(i, type, union(c, a.shape(), b.shape()));
    }
  }

  private static Shape union(NodeContext c, Shape a, Shape b) {
    if (!a.hasRank() || !b.hasRank() || a.rank() != b.rank()) {
      return Shape.UNKNOWN;
    }
    List<Dim> dims = new ArrayList<>();
    for (int i = 0; i < a.rank(); i++) {
      dims.add(a.dim(i).equals(b.dim(i)) ? a.dim(i) : c.fresh("unk"));
    }
    return Shape.of(dims);
  }

  /**
   * Loop(M, cond, v_initial...): body(iteration, cond, v...) -> (cond, v..., scan_outputs...).
   * Outputs: the final v (shapes from the body), then each scan output with the iteration count
   * (unknown before running) prepended.
   */
  static void loop(NodeContext c) {
    int carried = Math.max(0, c.inputCount() - 2);
    List<ValueInfo> bodyInputs = new ArrayList<>();
    bodyInputs.add(new ValueInfo("iteration", DataType.INT64, Shape.SCALAR));
    bodyInputs.add(new ValueInfo("cond", DataType.BOOL, Shape.SCALAR));
    for (int i = 0; i < carried; i++) {
      bodyInputs.add(c.input(i + 2));
    }
    Graph body = c.inferBody("body", bodyInputs);
    List<ValueInfo> outs = body.outputs();
    if (outs.size() < 1 + carried) {
      throw c.mismatch("the body has " + outs.size() + " outputs, expected at least " + (1 + carried)
          + " (condition and " + carried + " loop-carried values)");
    }
    Dim iterations = null;
    for (int i = 0; i < c.outputCount(); i++) {
      if (1 + i >= outs.size()) {
        break;
      }
      ValueInfo o = outs.get(1 + i);
      if (i < carried) {
        c.output(i, o.type() != DataType.UNDEFINED ? o.type() : c.type(i + 2), o.shape());
      } else {
        if (iterations == null) {
          iterations = c.fresh("loop_count");
        }
        c.output(i, o.type(), prepend(iterations, o.shape()));
      }
    }
  }

  /**
   * Scan(initial states..., scan inputs...): body(states..., slices...) -> (states..., scan slices...).
   * Outputs: final states, then scan outputs stacked along scan_output_axes (default 0) with the
   * sequence length of the first scan input.
   */
  static void scan(NodeContext c) {
    int scanInputs = (int) c.attrs().getInt("num_scan_inputs");
    int states = c.inputCount() - scanInputs;
    if (states < 0) {
      throw c.mismatch("num_scan_inputs is " + scanInputs + ", expected at most the " + c.inputCount() + " inputs");
    }
    long[] inputAxes = c.intsAttr("scan_input_axes", new long[scanInputs]);
    List<ValueInfo> bodyInputs = new ArrayList<>();
    Dim length = null;
    for (int i = 0; i < states; i++) {
      bodyInputs.add(c.input(i));
    }
    for (int i = 0; i < scanInputs; i++) {
      ValueInfo in = c.input(states + i);
      Shape s = in.shape();
      if (!s.hasRank()) {
        bodyInputs.add(in);
        continue;
      }
      int axis = c.axis(i < inputAxes.length ? inputAxes[i] : 0, s.rank(), "scan input axis");
      if (length == null) {
        length = s.dim(axis);
      }
      List<Dim> dims = new ArrayList<>(s.dimList());
      dims.remove(axis);
      bodyInputs.add(new ValueInfo(in.name(), in.type(), Shape.of(dims)));
    }
    if (length == null) {
      length = c.fresh("scan_count");
    }
    Graph body = c.inferBody("body", bodyInputs);
    List<ValueInfo> outs = body.outputs();
    int scanOutputs = outs.size() - states;
    long[] outputAxes = c.intsAttr("scan_output_axes", new long[Math.max(0, scanOutputs)]);
    for (int i = 0; i < c.outputCount() && i < outs.size(); i++) {
      ValueInfo o = outs.get(i);
      if (i < states) {
        c.output(i, o.type(), o.shape());
        continue;
      }
      int k = i - states;
      Shape s = o.shape();
      if (!s.hasRank()) {
        c.output(i, o.type(), Shape.UNKNOWN);
        continue;
      }
      int axis = c.axis(k < outputAxes.length ? outputAxes[k] : 0, s.rank() + 1, "scan output axis");
      List<Dim> dims = new ArrayList<>(s.dimList());
      dims.add(axis, length);
      c.output(i, o.type(), Shape.of(dims));
    }
  }

  private static Shape prepend(Dim d, Shape s) {
    if (!s.hasRank()) {
      return Shape.UNKNOWN;
    }
    List<Dim> dims = new ArrayList<>();
    dims.add(d);
    dims.addAll(s.dimList());
    return Shape.of(dims);
  }
}
