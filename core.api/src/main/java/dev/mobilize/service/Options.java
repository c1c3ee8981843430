package dev.mobilize.service;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Named options passed from a command to a service, as text (the way users type them), with typed
 * getters that name the option when a value is malformed. Immutable.
 *
 * <p>Example: {@code Options.of(Map.of("threads", "2")).getInt("threads", 1) == 2}.
 */
public final class Options {

  /** No options. */
  public static final Options NONE = new Options(Map.of());

  private final Map<String, String> values;

  private Options(Map<String, String> values) {
    this.values = values;
  }

  /** Options from a map (copied). */
  public static Options of(Map<String, String> values) {
    return values.isEmpty() ? NONE : new Options(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
  }

  /** These options plus {@code key=value}. */
  public Options with(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(values);
    m.put(key, value);
    return new Options(Collections.unmodifiableMap(m));
  }

  /** All options, read-only. */
  public Map<String, String> asMap() {
    return values;
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  public String get(String key, String defaultValue) {
    return values.getOrDefault(key, defaultValue);
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** A boolean option: "true", "yes", "1" or an empty value (a bare flag) are true. */
  public boolean getBoolean(String key, boolean defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "", "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw new MobilizeException(ErrorCode.INVALID_ARGUMENT,
          "option '" + key + "' must be true or false, got '" + v + "'");
    };
  }

  public int getInt(String key, int defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT,
          "option '" + key + "' must be a whole number, got '" + v + "'");
    }
  }

  public double getDouble(String key, double defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT,
          "option '" + key + "' must be a number, got '" + v + "'");
    }
  }

  /** A comma-separated list option; empty when absent. */
  public List<String> getList(String key) {
    String v = values.get(key);
    if (v == null || v.isBlank()) {
      return List.of();
    }
    return List.of(v.split("\\s*,\\s*"));
  }

  /**
   * A shapes option, {@code name=1,3,224,224;other=1,128} ({@code name:1,3,...} works too; blanks
   * around names and dimensions are ignored), in the order given; empty when absent.
   */
  public Map<String, long[]> getShapes(String key) {
    Map<String, long[]> out = new LinkedHashMap<>();
    String v = values.get(key);
    if (v == null) {
      return out;
    }
    for (String part : v.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int sep = Math.max(part.lastIndexOf('='), part.lastIndexOf(':'));
      if (sep <= 0 || sep == part.length() - 1) {
        throw new MobilizeException(ErrorCode.INVALID_ARGUMENT,
            "option '" + key + "': '" + part + "' must look like NAME=1,3,224,224");
      }
      String[] d = part.substring(sep + 1).split(",");
      long[] dims = new long[d.length];
      for (int i = 0; i < d.length; i++) {
        try {
          dims[i] = Long.parseLong(d[i].trim());
        } catch (NumberFormatException e) {
          dims[i] = -1;
        }
        if (dims[i] < 0) {
          throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "option '" + key + "': '" + part + "' has '"
              + d[i].trim() + "' where a dimension (a whole number) belongs, e.g. NAME=1,3,224,224");
        }
      }
      out.put(part.substring(0, sep).trim(), dims);
    }
    return out;
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
