package dev.mobilize.mnn;

import dev.mobilize.ir.Tensor;
import java.util.List;

/**
 * Activations as MNN ops, written from tensor {@code x} to tensor {@code y}: Relu and LeakyRelu as
 * ReLU (with slope), Clip as ReLU6 (min, max), Sigmoid, Tanh as TanH, HardSwish and Swish as UnaryOp
 * HARDSWISH and SILU, Elu as ELU, and HardSigmoid as MNNConvert writes it: ReLU6(0, 1) of x·alpha + beta.
 * Mish has no MNN op.
 */
final class Activations {

  private Activations() {}

  static final int UNARY_HARDSWISH = 31;
  static final int UNARY_SILU = 34;

  /** Why MNN cannot write the activation, or null when it can. */
  static String unsupported(String act, float[] params) {
    return switch (act) {
      case "Relu", "Sigmoid", "Tanh", "HardSwish", "Swish" -> null;
      case "LeakyRelu", "Elu" -> params.length == 1 ? null : act + " needs 1 parameter, has " + params.length;
      case "Clip", "HardSigmoid" -> params.length == 2 ? null : act + " needs 2 parameters, has " + params.length;
      default -> "MNN has no op for the activation " + act;
    };
  }

  static void write(ExportContext c, String name, String act, float[] p, String x, String y) {
    String why = unsupported(act, p);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
    switch (act) {
      case "Relu" -> relu(c, name, x, y, 0f);
      case "LeakyRelu" -> relu(c, name, x, y, p[0]);
      case "Clip" -> relu6(c, name, x, y, p[0], p[1]);
      case "Sigmoid" -> c.op("Sigmoid", name, List.of(x), List.of(y), null, null);
      case "Tanh" -> c.op("TanH", name, List.of(x), List.of(y), null, null);
      case "HardSwish" -> unary(c, name, x, y, UNARY_HARDSWISH);
      case "Swish" -> unary(c, name, x, y, UNARY_SILU);
      case "Elu" -> c.op("ELU", name, List.of(x), List.of(y), "ELU", b -> {
        b.startTable(1);
        b.addFloat(0, p[0], 0f);
        return b.endTable();
      });
      case "HardSigmoid" -> {
        // y = min(max(x·alpha + beta, 0), 1)
        String alpha = c.newConstant(name + "__alpha", Tensor.scalar(p[0]));
        String beta = c.newConstant(name + "__beta", Tensor.scalar(p[1]));
        String scaled = c.fresh(y + "__scaled");
        String shifted = c.fresh(y + "__shifted");
        BinaryOpWriter.write(c, c.fresh(name + "__mul"), List.of(x, alpha), scaled, BinaryOpWriter.MUL);
        BinaryOpWriter.write(c, c.fresh(name + "__add"), List.of(scaled, beta), shifted, BinaryOpWriter.ADD);
        relu6(c, name, shifted, y, 0f, 1f);
      }
      default -> throw new IllegalStateException("activation " + act + " passed the check but has no writer");
    }
  }

  private static void relu(ExportContext c, String name, String x, String y, float slope) {
    c.op("ReLU", name, List.of(x), List.of(y), "Relu", b -> {
      b.startTable(1);
      b.addFloat(0, slope, 0f);
      return b.endTable();
    });
  }

  private static void relu6(ExportContext c, String name, String x, String y, float lo, float hi) {
    c.op("ReLU6", name, List.of(x), List.of(y), "Relu6", b -> {
      b.startTable(2);
      b.addFloat(0, lo, 0f);
      b.addFloat(1, hi, 6f);
      return b.endTable();
    });
  }

  private static void unary(ExportContext c, String name, String x, String y, int op) {
    c.op("UnaryOp", name, List.of(x), List.of(y), "UnaryOp", b -> {
      b.startTable(2);
      b.addInt(0, op, 0);
      return b.endTable();
    });
  }
}
