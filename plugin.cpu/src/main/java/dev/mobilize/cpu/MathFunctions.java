package dev.mobilize.cpu;

/** Special functions the JDK lacks. */
final class MathFunctions {

  private MathFunctions() {}

  /** The error function, to about 1e-15 (series for small |x|, continued fraction otherwise). */
  static double erf(double x) {
    double ax = Math.abs(x);
    double r;
    if (ax < 2.5) {
      // Taylor series: erf x = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
      double sum = ax;
      double term = ax;
      double x2 = ax * ax;
      for (int n = 1; n < 200; n++) {
        term *= -x2 / n;
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
          break;
        }
      }
      r = 2 / Math.sqrt(Math.PI) * sum;
    } else if (ax > 6) {
      r = 1;
    } else {
      // erfc x = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) evaluated backwards
      double f = 0;
      for (int n = 60; n >= 1; n--) {
        f = (n / 2.0) / (ax + f);
      }
      r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
    }
    return x < 0 ? -r : r;
  }

  /** Round half to even. */
  static float roundHalfEven(float x) {
    return (float) Math.rint(x);
  }

  static float sigmoid(float x) {
    return x >= 0 ? (float) (1 / (1 + Math.exp(-x))) : (float) (Math.exp(x) / (1 + Math.exp(x)));
  }
}
