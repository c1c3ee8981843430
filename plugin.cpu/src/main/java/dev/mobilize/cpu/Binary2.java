package dev.mobilize.cpu;

/** Float max and min that propagate NaN, as numpy's maximum and minimum do. */
final class Binary2 {

  private Binary2() {}

  static final Binary.F MAX = (a, b) -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.max(a, b);
  static final Binary.F MIN = (a, b) -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.min(a, b);
}
