package dev.mobilize.cli;

import java.util.Locale;

/** Human-readable numbers: counts with SI prefixes, sizes in MB. */
final class Units {

  private Units() {}

  /** {@code 300.77 M}, {@code 1.82 G}, {@code 512}; "unknown" for negatives. */
  static String count(long n) {
    if (n < 0) {
      return "unknown";
    }
    if (n < 1_000) {
      return Long.toString(n);
    }
    if (n < 1_000_000) {
      return String.format(Locale.ROOT, "%.2f K", n / 1e3);
    }
    if (n < 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.2f M", n / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f G", n / 1e9);
  }

  /** {@code 13.57 MB} (10^6 bytes), {@code 812 B}; "unknown" for negatives. */
  static String bytes(long n) {
    if (n < 0) {
      return "unknown";
    }
    if (n < 1_000) {
      return n + " B";
    }
    if (n < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f KB", n / 1e3);
    }
    return String.format(Locale.ROOT, "%.2f MB", n / 1e6);
  }

  /** {@code 3,504,872}. */
  static String grouped(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
