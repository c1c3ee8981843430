package dev.mobilize.ncnn;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code id=value} parameters of one ncnn layer, as ncnn's {@code ParamDict} holds them: an int,
 * a float, an int array or a float array per id (0 to 31). A value read from a binary param file is
 * a raw 32-bit word that the getter interprets, exactly as ncnn does (int and float share storage).
 */
final class NcnnParams {

  /** A raw 32-bit word (binary param files do not say whether a value is an int or a float). */
  record Word(int bits) {}

  /** Raw 32-bit words of an array from a binary param file. */
  record Words(int[] bits) {}

  private final TreeMap<Integer, Object> values = new TreeMap<>();

  NcnnParams set(int id, int value) {
    values.put(id, value);
    return this;
  }

  NcnnParams set(int id, float value) {
    values.put(id, value);
    return this;
  }

  NcnnParams set(int id, int[] value) {
    values.put(id, value.clone());
    return this;
  }

  NcnnParams set(int id, float[] value) {
    values.put(id, value.clone());
    return this;
  }

  NcnnParams setRaw(int id, Object value) {
    values.put(id, value);
    return this;
  }

  /** Sets an int unless it equals ncnn's default for the id (ncnn's writers omit defaults). */
  NcnnParams setIfNot(int id, int value, int defaultValue) {
    if (value != defaultValue) {
      set(id, value);
    }
    return this;
  }

  /** Sets a float unless it equals ncnn's default for the id. */
  NcnnParams setIfNot(int id, float value, float defaultValue) {
    if (Float.compare(value, defaultValue) != 0) {
      set(id, value);
    }
    return this;
  }

  boolean has(int id) {
    return values.containsKey(id);
  }

  /** The values by id, ascending, read-only. */
  Map<Integer, Object> asMap() {
    return Collections.unmodifiableMap(values);
  }

  /** {@code pd.get(id, int)}: a float stored under the id is reinterpreted bit for bit, as in ncnn. */
  int getInt(int id, int defaultValue) {
    Object v = values.get(id);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Integer i) {
      return i;
    }
    if (v instanceof Float f) {
      return Float.floatToRawIntBits(f);
    }
    if (v instanceof Word w) {
      return w.bits();
    }
    throw new IllegalArgumentException("param " + id + " is an array, expected a single value");
  }

  /** {@code pd.get(id, float)}: an int stored under the id is reinterpreted bit for bit, as in ncnn. */
  float getFloat(int id, float defaultValue) {
    Object v = values.get(id);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Float f) {
      return f;
    }
    if (v instanceof Integer i) {
      return Float.intBitsToFloat(i);
    }
    if (v instanceof Word w) {
      return Float.intBitsToFloat(w.bits());
    }
    throw new IllegalArgumentException("param " + id + " is an array, expected a single value");
  }

  /** An int array, or {@code null} when absent. */
  int[] getInts(int id) {
    Object v = values.get(id);
    if (v == null) {
      return null;
    }
    if (v instanceof int[] a) {
      return a.clone();
    }
    if (v instanceof float[] a) {
      int[] r = new int[a.length];
      for (int i = 0; i < a.length; i++) {
        r[i] = Float.floatToRawIntBits(a[i]);
      }
      return r;
    }
    if (v instanceof Words w) {
      return w.bits().clone();
    }
    throw new IllegalArgumentException("param " + id + " is a single value, expected an array");
  }

  /** A float array, or {@code null} when absent. */
  float[] getFloats(int id) {
    Object v = values.get(id);
    if (v == null) {
      return null;
    }
    if (v instanceof float[] a) {
      return a.clone();
    }
    int[] bits = v instanceof int[] a ? a : v instanceof Words w ? w.bits() : null;
    if (bits == null) {
      throw new IllegalArgumentException("param " + id + " is a single value, expected an array");
    }
    float[] r = new float[bits.length];
    for (int i = 0; i < bits.length; i++) {
      r[i] = Float.intBitsToFloat(bits[i]);
    }
    return r;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<Integer, Object> e : values.entrySet()) {
      Object v = e.getValue();
      String s = v instanceof int[] a ? Arrays.toString(a) : v instanceof float[] a ? Arrays.toString(a) : String.valueOf(v);
      sb.append(sb.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(s);
    }
    return sb.toString();
  }
}
