package dev.mobilize.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The shape of a value: a list of {@link Dim}s, or {@link #UNKNOWN} when not even the rank is known.
 * Immutable.
 *
 * <p>Example: {@code Shape.of(1, 3, 224, 224).numElements() == 150528};
 * {@code Shape.parse("batch,3,224,224")} has a symbolic first dimension.
 */
public final class Shape {

  /** A shape whose rank is not known. */
  public static final Shape UNKNOWN = new Shape(null);

  /** The shape of a scalar (rank 0). */
  public static final Shape SCALAR = new Shape(List.of());

  private final List<Dim> dims;

  private Shape(List<Dim> dims) {
    this.dims = dims;
  }

  /** A shape with fixed dimensions. */
  public static Shape of(long... dims) {
    List<Dim> list = new ArrayList<>(dims.length);
    for (long d : dims) {
      list.add(Dim.of(d));
    }
    return new Shape(List.copyOf(list));
  }

  /** A shape from dimensions, fixed or symbolic. */
  public static Shape of(List<Dim> dims) {
    return new Shape(List.copyOf(dims));
  }

  /**
   * Parses {@code "1,3,224,224"} or {@code "batch,3,h,w"} (commas or 'x' between dimensions); an
   * empty string is a scalar.
   *
   * @throws IllegalArgumentException naming the bad dimension
   */
  public static Shape parse(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      return SCALAR;
    }
    List<Dim> list = new ArrayList<>();
    for (String part : t.split("[,x]")) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new IllegalArgumentException("empty dimension in shape '" + text + "'");
      }
      if (Character.isDigit(p.charAt(0)) || p.charAt(0) == '-') {
        try {
          list.add(Dim.of(Long.parseLong(p)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "bad dimension '" + p + "' in shape '" + text + "': expected a size >= 0 or a name");
        }
      } else {
        list.add(Dim.symbol(p));
      }
    }
    return new Shape(List.copyOf(list));
  }

  /** True when the rank is known. */
  public boolean hasRank() {
    return dims != null;
  }

  /**
   * The rank.
   *
   * @throws IllegalStateException if the rank is unknown
   */
  public int rank() {
    return dimList().size();
  }

  /** The dimensions, read-only. @throws IllegalStateException if the rank is unknown */
  public List<Dim> dimList() {
    if (dims == null) {
      throw new IllegalStateException("shape has unknown rank");
    }
    return dims;
  }

  /** Dimension {@code i}; negative indices count from the end. */
  public Dim dim(int i) {
    List<Dim> d = dimList();
    return d.get(i < 0 ? d.size() + i : i);
  }

  /** True when the rank and every dimension are known. */
  public boolean isStatic() {
    return dims != null && dims.stream().allMatch(Dim::isFixed);
  }

  /**
   * The fixed dimensions as an array.
   *
   * @throws IllegalStateException if the shape is not static
   */
  public long[] toArray() {
    if (!isStatic()) {
      throw new IllegalStateException("shape " + this + " is not static");
    }
    long[] out = new long[dims.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = dims.get(i).value();
    }
    return out;
  }

  /** The fixed dimensions, or empty when the shape is not static. */
  public Optional<long[]> staticDims() {
    return isStatic() ? Optional.of(toArray()) : Optional.empty();
  }

  /**
   * Number of elements of a static shape.
   *
   * @throws ArithmeticException if the product overflows a long
   * @throws IllegalStateException if the shape is not static
   */
  public long numElements() {
    return numElements(toArray());
  }

  /**
   * Product of {@code dims}, checked for overflow.
   *
   * @throws ArithmeticException if the product overflows a long
   */
  public static long numElements(long[] dims) {
    long n = 1;
    for (long d : dims) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** The symbolic dimension names of this shape, in order. */
  public List<String> symbols() {
    if (dims == null) {
      return List.of();
    }
    return dims.stream().filter(d -> !d.isFixed()).map(Dim::symbol).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && java.util.Objects.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hashCode(dims);
  }

  /** {@code [1,3,224,224]}, {@code [batch,10]}, {@code []} for a scalar, {@code [?]} for unknown rank. */
  @Override
  public String toString() {
    if (dims == null) {
      return "[?]";
    }
    return dims.stream().map(Dim::toString).collect(Collectors.joining(",", "[", "]"));
  }

  /** Formats an array of dimensions as {@code [1,3,224,224]}. */
  public static String format(long[] dims) {
    return Arrays.stream(dims).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
  }
}
