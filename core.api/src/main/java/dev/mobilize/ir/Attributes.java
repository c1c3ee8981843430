package dev.mobilize.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The attributes of a node: an ordered, immutable map from name to typed {@link Attribute}, with
 * typed getters that say what was expected when the type is wrong.
 *
 * <p>Example: {@code Attributes.builder().ints("strides", 2, 2).build().ints("strides")} is {@code [2,2]};
 * {@code attrs.getInt("group", 1)} reads an optional attribute with its default.
 */
public final class Attributes {

  /** No attributes. */
  public static final Attributes EMPTY = new Attributes(Map.of());

  private final Map<String, Attribute> map;

  private Attributes(Map<String, Attribute> map) {
    this.map = map;
  }

  /** Attributes from a map (copied, order kept). */
  public static Attributes of(Map<String, Attribute> map) {
    return map.isEmpty() ? EMPTY : new Attributes(Collections.unmodifiableMap(new LinkedHashMap<>(map)));
  }

  /** A builder for new attributes. */
  public static Builder builder() {
    return new Builder(new LinkedHashMap<>());
  }

  /** A builder starting from these attributes. */
  public Builder toBuilder() {
    return new Builder(new LinkedHashMap<>(map));
  }

  /** All attributes, read-only, in insertion order. */
  public Map<String, Attribute> asMap() {
    return map;
  }

  /** The attribute names. */
  public Set<String> names() {
    return map.keySet();
  }

  /** True if the attribute is present. */
  public boolean has(String name) {
    return map.containsKey(name);
  }

  /** The raw attribute, if present. */
  public Optional<Attribute> get(String name) {
    return Optional.ofNullable(map.get(name));
  }

  /** True when there are no attributes. */
  public boolean isEmpty() {
    return map.isEmpty();
  }

  /** A required INT attribute. */
  public long getInt(String name) {
    return require(name, Attribute.Int.class).value();
  }

  /** An optional INT attribute with a default. */
  public long getInt(String name, long defaultValue) {
    return map.containsKey(name) ? getInt(name) : defaultValue;
  }

  /** A required FLOAT attribute (an INT is accepted and widened). */
  public float getFloat(String name) {
    Attribute a = map.get(name);
    if (a instanceof Attribute.Int i) {
      return i.value();
    }
    return require(name, Attribute.Float.class).value();
  }

  /** An optional FLOAT attribute with a default. */
  public float getFloat(String name, float defaultValue) {
    return map.containsKey(name) ? getFloat(name) : defaultValue;
  }

  /** A required STRING attribute. */
  public String getString(String name) {
    return require(name, Attribute.Str.class).value();
  }

  /** An optional STRING attribute with a default. */
  public String getString(String name, String defaultValue) {
    return map.containsKey(name) ? getString(name) : defaultValue;
  }

  /** A required INTS attribute (a single INT is accepted as a list of one). */
  public long[] ints(String name) {
    Attribute a = map.get(name);
    if (a instanceof Attribute.Int i) {
      return new long[] {i.value()};
    }
    return require(name, Attribute.Ints.class).values();
  }

  /** An optional INTS attribute, or {@code defaultValue} (may be null) when absent. */
  public long[] ints(String name, long[] defaultValue) {
    return map.containsKey(name) ? ints(name) : defaultValue;
  }

  /** A required FLOATS attribute. */
  public float[] floats(String name) {
    return require(name, Attribute.Floats.class).values();
  }

  /** An optional FLOATS attribute, or {@code defaultValue} (may be null) when absent. */
  public float[] floats(String name, float[] defaultValue) {
    return map.containsKey(name) ? floats(name) : defaultValue;
  }

  /** A required STRINGS attribute. */
  public List<String> strings(String name) {
    return require(name, Attribute.Strs.class).values();
  }

  /** A required TENSOR attribute. */
  public Tensor tensor(String name) {
    return require(name, Attribute.TensorValue.class).value();
  }

  /** A required GRAPH attribute. */
  public Graph graph(String name) {
    return require(name, Attribute.GraphValue.class).value();
  }

  private <T extends Attribute> T require(String name, Class<T> type) {
    Attribute a = map.get(name);
    if (a == null) {
      throw new IllegalArgumentException("missing required attribute '" + name + "'");
    }
    if (!type.isInstance(a)) {
      throw new IllegalArgumentException("attribute '" + name + "' is " + a.typeName() + ", expected "
          + typeName(type));
    }
    return type.cast(a);
  }

  private static String typeName(Class<? extends Attribute> type) {
    if (type == Attribute.Int.class) {
      return "INT";
    } else if (type == Attribute.Float.class) {
      return "FLOAT";
    } else if (type == Attribute.Str.class) {
      return "STRING";
    } else if (type == Attribute.TensorValue.class) {
      return "TENSOR";
    } else if (type == Attribute.GraphValue.class) {
      return "GRAPH";
    } else if (type == Attribute.Ints.class) {
      return "INTS";
    } else if (type == Attribute.Floats.class) {
      return "FLOATS";
    } else if (type == Attribute.Strs.class) {
      return "STRINGS";
    } else if (type == Attribute.Tensors.class) {
      return "TENSORS";
    }
    return "GRAPHS";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attributes a && map.equals(a.map);
  }

  @Override
  public int hashCode() {
    return map.hashCode();
  }

  /** {@code {strides=[1,1], pads=[1,1,1,1]}}, or the empty string when there are none. */
  @Override
  public String toString() {
    if (map.isEmpty()) {
      return "";
    }
    return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", ", "{", "}"));
  }

  /** Builds {@link Attributes}; later values replace earlier ones of the same name. */
  public static final class Builder {
    private final LinkedHashMap<String, Attribute> map;

    private Builder(LinkedHashMap<String, Attribute> map) {
      this.map = map;
    }

    public Builder set(String name, Attribute value) {
      map.put(name, value);
      return this;
    }

    public Builder set(String name, long value) {
      return set(name, new Attribute.Int(value));
    }

    public Builder set(String name, float value) {
      return set(name, new Attribute.Float(value));
    }

    public Builder set(String name, String value) {
      return set(name, new Attribute.Str(value));
    }

    public Builder set(String name, Tensor value) {
      return set(name, new Attribute.TensorValue(value));
    }

    public Builder set(String name, Graph value) {
      return set(name, new Attribute.GraphValue(value));
    }

    public Builder ints(String name, long... values) {
      return set(name, new Attribute.Ints(values));
    }

    public Builder floats(String name, float... values) {
      return set(name, new Attribute.Floats(values));
    }

    public Builder strings(String name, List<String> values) {
      return set(name, new Attribute.Strs(values));
    }

    public Builder remove(String name) {
      map.remove(name);
      return this;
    }

    public Attributes build() {
      return Attributes.of(map);
    }
  }
}
