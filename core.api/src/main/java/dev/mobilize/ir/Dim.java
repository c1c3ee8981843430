package dev.mobilize.ir;

import java.util.Objects;

/**
 * One dimension of a {@link Shape}: either a fixed size or a named symbol such as {@code batch}.
 * A symbolic dimension always has a name; the IR never uses -1 for "unknown".
 *
 * <p>Example: {@code Dim.of(224)}, {@code Dim.symbol("batch")}.
 *
 * @param value the size, meaningful only when {@link #isFixed()}
 * @param symbol the name of a symbolic dimension, or {@code null} for a fixed one
 */
public record Dim(long value, String symbol) {

  public Dim {
    if (symbol == null && value < 0) {
      throw new IllegalArgumentException("a fixed dimension must be >= 0, got " + value);
    }
    if (symbol != null && symbol.isEmpty()) {
      throw new IllegalArgumentException("a symbolic dimension needs a non-empty name");
    }
  }

  /** A fixed dimension. */
  public static Dim of(long value) {
    return new Dim(value, null);
  }

  /** A symbolic dimension named {@code name}. */
  public static Dim symbol(String name) {
    return new Dim(0, Objects.requireNonNull(name, "name"));
  }

  /** True when the size is known. */
  public boolean isFixed() {
    return symbol == null;
  }

  @Override
  public String toString() {
    return isFixed() ? Long.toString(value) : symbol;
  }
}
