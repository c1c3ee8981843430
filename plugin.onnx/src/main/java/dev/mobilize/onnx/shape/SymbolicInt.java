package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Dim;

/**
 * An integer known at inference time: a fixed value (may be negative, as in Reshape's -1) or a named
 * symbol such as {@code batch} or {@code batch*3}. The elements of propagated shape tensors.
 *
 * @param value the value, meaningful only when {@link #isFixed()}
 * @param symbol the symbol name, or null for a fixed value
 */
record SymbolicInt(long value, String symbol) {

  static SymbolicInt of(long value) {
    return new SymbolicInt(value, null);
  }

  static SymbolicInt symbol(String name) {
    return new SymbolicInt(0, name);
  }

  static SymbolicInt of(Dim dim) {
    return dim.isFixed() ? of(dim.value()) : symbol(dim.symbol());
  }

  boolean isFixed() {
    return symbol == null;
  }

  boolean is(long v) {
    return isFixed() && value == v;
  }

  /** The dimension this value stands for, or null for a negative fixed value. */
  Dim toDim() {
    if (!isFixed()) {
      return Dim.symbol(symbol);
    }
    return value >= 0 ? Dim.of(value) : null;
  }

  // a + b, keeping symbols as expressions like "h+2"
  SymbolicInt plus(SymbolicInt b) {
    if (isFixed() && b.isFixed()) {
      return of(Math.addExact(value, b.value));
    }
    if (b.is(0)) {
      return this;
    }
    if (is(0)) {
      return b;
    }
    return expression(this, "+", b);
  }

  SymbolicInt minus(SymbolicInt b) {
    if (isFixed() && b.isFixed()) {
      return of(Math.subtractExact(value, b.value));
    }
    if (b.is(0)) {
      return this;
    }
    if (equals(b)) {
      return of(0);
    }
    return expression(this, "-", b);
  }

  SymbolicInt times(SymbolicInt b) {
    if (isFixed() && b.isFixed()) {
      return of(Math.multiplyExact(value, b.value));
    }
    if (b.is(1)) {
      return this;
    }
    if (is(1)) {
      return b;
    }
    if (is(0) || b.is(0)) {
      return of(0);
    }
    return isFixed() ? expression(b, "*", this) : expression(this, "*", b);
  }

  /** Integer division truncating toward zero, or null when {@code b} is zero. */
  SymbolicInt dividedBy(SymbolicInt b) {
    if (b.is(0)) {
      return null;
    }
    if (isFixed() && b.isFixed()) {
      return of(value / b.value);
    }
    if (b.is(1)) {
      return this;
    }
    if (equals(b)) {
      return of(1);
    }
    return expression(this, "/", b);
  }

  private static SymbolicInt expression(SymbolicInt a, String op, SymbolicInt b) {
    return symbol(operand(a) + op + operand(b));
  }

  private static String operand(SymbolicInt x) {
    String s = x.toString();
    return x.isFixed() || s.chars().noneMatch(c -> c == '+' || c == '-' || c == '*' || c == '/') ? s : "(" + s + ")";
  }

  @Override
  public String toString() {
    return isFixed() ? Long.toString(value) : symbol;
  }
}
