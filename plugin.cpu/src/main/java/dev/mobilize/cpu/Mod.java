package dev.mobilize.cpu;

import dev.mobilize.ir.Node;

/** ONNX Mod: remainder with the divisor's sign, or C fmod (dividend's sign) when fmod=1. */
final class Mod implements Kernel {
  @Override
  public Step bind(Node node, Binding binding) {
    boolean fmod = node.attributes().getInt("fmod", 0) != 0;
    Binary.F f = fmod ? (a, b) -> a % b : (a, b) -> {
      float r = a % b;
      return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    };
    Binary.L l = fmod ? (a, b) -> a % b : Math::floorMod;
    Binary k = Binary.of(f, l);
    return k.bind(node, binding);
  }
}
