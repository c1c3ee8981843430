package dev.mobilize.mace;

import dev.mobilize.mace.proto.MaceNet.Argument;
import dev.mobilize.mace.proto.MaceNet.OperatorDef;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The arguments of one MACE op by name, with MACE's defaults where the op leaves them out. */
final class Args {

  private final Map<String, Argument> byName = new HashMap<>();

  Args(OperatorDef op) {
    for (Argument a : op.getArgList()) {
      byName.put(a.getName(), a);
    }
  }

  boolean has(String name) {
    return byName.containsKey(name);
  }

  long i(String name, long def) {
    Argument a = byName.get(name);
    return a == null || !a.hasI() ? def : a.getI();
  }

  float f(String name, float def) {
    Argument a = byName.get(name);
    return a == null || !a.hasF() ? def : a.getF();
  }

  String s(String name, String def) {
    Argument a = byName.get(name);
    return a == null || !a.hasS() ? def : a.getS().toString(StandardCharsets.UTF_8);
  }

  /** Repeated ints, or null when absent. */
  long[] ints(String name) {
    Argument a = byName.get(name);
    if (a == null || a.getIntsCount() == 0) {
      return null;
    }
    return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  float[] floats(String name) {
    Argument a = byName.get(name);
    if (a == null) {
      return new float[0];
    }
    float[] f = new float[a.getFloatsCount()];
    for (int k = 0; k < f.length; k++) {
      f[k] = a.getFloats(k);
    }
    return f;
  }

  /** True when the op works in MACE's NHWC description ({@code data_format} AUTO). */
  boolean auto() {
    return i("data_format", Formats.NONE) == Formats.AUTO || i("has_data_format", 0) == 1;
  }
}
