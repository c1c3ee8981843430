package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What is known about the values visible in a graph: types and shapes, constant tensors and
 * propagated integer values. A subgraph's scope sees its parent's values.
 */
final class Scope {

  private final Scope parent;
  private final Map<String, ValueInfo> infos = new HashMap<>();
  private final Map<String, Tensor> constants = new HashMap<>();
  private final Map<String, KnownValue> values = new HashMap<>();

  Scope(Scope parent) {
    this.parent = parent;
  }

  static Scope of(Map<String, ValueInfo> outer) {
    Scope s = new Scope(null);
    outer.forEach((name, info) -> s.infos.put(name, info));
    return s;
  }

  void put(ValueInfo info) {
    infos.put(info.name(), info);
  }

  void putConstant(String name, Tensor t) {
    constants.put(name, t);
    KnownValue.of(t).ifPresent(v -> values.put(name, v));
  }

  void putValue(String name, KnownValue v) {
    values.put(name, v);
  }

  Optional<ValueInfo> info(String name) {
    Scope s = owner(name);
    return s == null ? Optional.empty() : Optional.ofNullable(s.infos.get(name));
  }

  Optional<Tensor> constant(String name) {
    Scope s = owner(name);
    return s == null ? Optional.empty() : Optional.ofNullable(s.constants.get(name));
  }

  Optional<KnownValue> value(String name) {
    Scope s = owner(name);
    return s == null ? Optional.empty() : Optional.ofNullable(s.values.get(name));
  }

  /** The innermost scope that defines {@code name}: inner definitions hide outer ones. */
  private Scope owner(String name) {
    for (Scope s = this; s != null; s = s.parent) {
      if (s.infos.containsKey(name) || s.constants.containsKey(name) || s.values.containsKey(name)) {
        return s;
      }
    }
    return null;
  }
}
