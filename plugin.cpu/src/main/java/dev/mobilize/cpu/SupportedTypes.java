package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.Problem;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The element types the executor claims, checked at prepare time so that a model using another
 * type is refused up front (UNSUPPORTED_OP, naming the value), never at the n-th run.
 */
final class SupportedTypes {

  static final Set<DataType> CLAIMED = EnumSet.of(DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE,
      DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16, DataType.INT32, DataType.UINT32,
      DataType.INT64, DataType.UINT64, DataType.BOOL, DataType.BFLOAT16, DataType.STRING);

  private SupportedTypes() {}

  static List<Problem> check(Graph g) {
    List<Problem> problems = new ArrayList<>();
    for (ValueInfo v : g.inputs()) {
      check(v.type(), "input '" + v.name() + "'", problems);
    }
    for (ValueInfo v : g.outputs()) {
      check(v.type(), "output '" + v.name() + "'", problems);
    }
    for (ValueInfo v : g.valueInfo().values()) {
      check(v.type(), "value '" + v.name() + "'", problems);
    }
    for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
      check(e.getValue().type(), "constant '" + e.getKey() + "'", problems);
    }
    for (Node n : g.nodes()) {
      if ((n.opType().equals("Cast") || n.opType().equals("ConstantOfShape")) && n.attributes().has("to")) {
        DataType to = DataType.fromCode((int) n.attributes().getInt("to"));
        if (to != DataType.UNDEFINED && !CLAIMED.contains(to)) {
          problems.add(Problem.at(n, ErrorCode.UNSUPPORTED_OP, "casts to " + to + ", which the cpu executor does not support"));
        }
      }
    }
    return problems;
  }

  private static void check(DataType t, String what, List<Problem> problems) {
    if (t != DataType.UNDEFINED && !CLAIMED.contains(t)) {
      problems.add(new Problem(ErrorCode.UNSUPPORTED_OP, "", what + " has type " + t
          + ", which the cpu executor does not support (supported: " + CLAIMED + ")"));
    }
  }
}
