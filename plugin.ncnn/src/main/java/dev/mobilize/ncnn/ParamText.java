package dev.mobilize.ncnn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text {@code .param} form: magic, layer and blob counts, then one layer per line
 * ({@code type name nin nout inputs... outputs... id=value...}), arrays as {@code -233xx=n,v,...}.
 * Floats are written in ncnn's {@code %e} form with as few digits as give back the same float
 * (ncnn reads at most 15 characters per value).
 */
final class ParamText {

  private ParamText() {}

  /** The text of {@code net}. */
  static String write(NcnnNet net) {
    StringBuilder sb = new StringBuilder();
    sb.append(NcnnNet.MAGIC).append('\n');
    sb.append(net.layers.size()).append(' ').append(net.blobs().size()).append('\n');
    for (NcnnLayer l : net.layers) {
      sb.append(String.format(Locale.ROOT, "%-24s %-24s %d %d", l.type, l.name, l.inputs.size(), l.outputs.size()));
      for (String b : l.inputs) {
        sb.append(' ').append(b);
      }
      for (String b : l.outputs) {
        sb.append(' ').append(b);
      }
      for (Map.Entry<Integer, Object> e : l.params.asMap().entrySet()) {
        int id = e.getKey();
        Object v = e.getValue();
        if (v instanceof int[] a) {
          sb.append(' ').append(-23300 - id).append('=').append(a.length);
          for (int x : a) {
            sb.append(',').append(x);
          }
        } else if (v instanceof float[] a) {
          sb.append(' ').append(-23300 - id).append('=').append(a.length);
          for (float x : a) {
            sb.append(',').append(formatFloat(x));
          }
        } else if (v instanceof Float f) {
          sb.append(' ').append(id).append('=').append(formatFloat(f));
        } else {
          sb.append(' ').append(id).append('=').append(v);
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * {@code %e} with 6 to 8 fraction digits: the fewest that ncnn's parser turns back into the
   * same float. Infinities are written as the largest finite float (ncnn cannot read "inf").
   */
  static String formatFloat(float v) {
    if (Float.isInfinite(v)) {
      v = v > 0 ? Float.MAX_VALUE : -Float.MAX_VALUE;
    }
    String s = null;
    for (int digits = 6; digits <= 8; digits++) {
      s = String.format(Locale.ROOT, "%." + digits + "e", v);
      if (parseFloat(s) == v) {
        return s;
      }
    }
    return s;
  }

  /** ncnn's {@code vstr_is_float}: a value is a float if it has a '.' or an 'e'. */
  static boolean isFloat(String v) {
    return v.indexOf('.') >= 0 || v.indexOf('e') >= 0 || v.indexOf('E') >= 0;
  }

  /** ncnn's {@code vstr_to_float}, digit by digit, so that values read exactly as ncnn reads them. */
  static float parseFloat(String s) {
    int p = 0;
    boolean negative = false;
    if (p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
      negative = s.charAt(p) == '-';
      p++;
    }
    long v1 = 0;
    while (p < s.length() && Character.isDigit(s.charAt(p))) {
      v1 = (v1 * 10 + (s.charAt(p) - '0')) & 0xFFFFFFFFL;
      p++;
    }
    double v = v1;
    if (p < s.length() && s.charAt(p) == '.') {
      p++;
      long pow10 = 1;
      long v2 = 0;
      while (p < s.length() && Character.isDigit(s.charAt(p))) {
        v2 = (v2 * 10 + (s.charAt(p) - '0')) & 0xFFFFFFFFL;
        pow10 = (pow10 * 10) & 0xFFFFFFFFL;
        p++;
      }
      v += v2 / (double) pow10;
    }
    if (p < s.length() && (s.charAt(p) == 'e' || s.charAt(p) == 'E')) {
      p++;
      boolean positive = true;
      if (p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
        positive = s.charAt(p) == '+';
        p++;
      }
      int expon = 0;
      while (p < s.length() && Character.isDigit(s.charAt(p))) {
        expon = expon * 10 + (s.charAt(p) - '0');
        p++;
      }
      double scale = 1.0;
      while (expon >= 8) {
        scale *= 1e8;
        expon -= 8;
      }
      while (expon > 0) {
        scale *= 10.0;
        expon -= 1;
      }
      v = positive ? v * scale : v / scale;
    }
    return negative ? (float) -v : (float) v;
  }

  /**
   * Parses the text form.
   *
   * @throws IllegalArgumentException with the line number and what was expected
   */
  static NcnnNet read(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    Tokens t = new Tokens(text);
    int magic = t.nextInt("the magic number 7767517");
    if (magic != NcnnNet.MAGIC) {
      throw new IllegalArgumentException("line 1: magic number is " + magic + ", expected " + NcnnNet.MAGIC);
    }
    int layerCount = t.nextInt("the layer count");
    int blobCount = t.nextInt("the blob count");
    if (layerCount <= 0 || blobCount <= 0) {
      throw new IllegalArgumentException("line 2: layer count " + layerCount + " and blob count " + blobCount
          + " must both be positive");
    }
    NcnnNet net = new NcnnNet();
    for (int i = 0; i < layerCount; i++) {
      t.nextLine();
      String type = t.next("layer " + i + "'s type");
      String name = t.next("layer " + i + "'s name");
      int nin = t.nextInt("the input count of layer '" + name + "'");
      int nout = t.nextInt("the output count of layer '" + name + "'");
      if (nin < 0 || nout < 0 || nin > 4096 || nout > 4096) {
        throw new IllegalArgumentException("line " + t.line + ": layer '" + name + "' has " + nin + " inputs and "
            + nout + " outputs, expected 0 to 4096");
      }
      List<String> ins = new ArrayList<>();
      for (int j = 0; j < nin; j++) {
        ins.add(t.next("input blob " + j + " of layer '" + name + "'"));
      }
      List<String> outs = new ArrayList<>();
      for (int j = 0; j < nout; j++) {
        outs.add(t.next("output blob " + j + " of layer '" + name + "'"));
      }
      NcnnLayer layer = new NcnnLayer(type, name, ins, outs);
      String kv;
      while ((kv = t.nextOnLine()) != null) {
        parseParam(layer, kv, t.line);
      }
      net.layers.add(layer);
    }
    return net;
  }

  private static void parseParam(NcnnLayer layer, String kv, int line) {
    int eq = kv.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("line " + line + ": layer '" + layer.name + "': '" + kv
          + "' is not a key=value param");
    }
    int id;
    try {
      id = Integer.parseInt(kv.substring(0, eq));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("line " + line + ": layer '" + layer.name + "': param key '"
          + kv.substring(0, eq) + "' is not a number");
    }
    String value = kv.substring(eq + 1);
    boolean oldArray = id <= -23300;
    if (oldArray) {
      id = -id - 23300;
    }
    if (id < 0 || id >= 32) {
      throw new IllegalArgumentException("line " + line + ": layer '" + layer.name + "': param id " + id
          + " is outside 0..31");
    }
    String[] parts = value.split(",", -1);
    try {
      if (oldArray) {
        int n = Integer.parseInt(parts[0]);
        if (n != parts.length - 1) {
          throw new IllegalArgumentException("line " + line + ": layer '" + layer.name + "': array param "
              + id + " says " + n + " elements but has " + (parts.length - 1));
        }
        setArray(layer, id, java.util.Arrays.copyOfRange(parts, 1, parts.length));
      } else if (!value.isEmpty() && (Character.isLetter(value.charAt(0)) || value.charAt(0) == '"')) {
        throw new IllegalArgumentException("line " + line + ": layer '" + layer.name + "': param " + id
            + " is a string ('" + value + "'); string params (shape expressions) are not supported");
      } else if (parts.length > 1) {
        setArray(layer, id, parts);
      } else if (isFloat(value)) {
        layer.params.set(id, parseFloat(value));
      } else {
        layer.params.set(id, Integer.parseInt(value));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("line " + line + ": layer '" + layer.name + "': param " + id + " value '"
          + value + "' is not a number");
    }
  }

  private static void setArray(NcnnLayer layer, int id, String[] parts) {
    boolean isFloat = false;
    for (String p : parts) {
      isFloat |= isFloat(p);
    }
    if (isFloat) {
      float[] a = new float[parts.length];
      for (int i = 0; i < a.length; i++) {
        a[i] = isFloat(parts[i]) ? parseFloat(parts[i]) : Float.intBitsToFloat(Integer.parseInt(parts[i]));
      }
      layer.params.set(id, a);
    } else {
      int[] a = new int[parts.length];
      for (int i = 0; i < a.length; i++) {
        a[i] = Integer.parseInt(parts[i]);
      }
      layer.params.set(id, a);
    }
  }

  /** Whitespace-separated tokens with line tracking. */
  private static final class Tokens {
    private final String[] lines;
    private int line;
    private String[] tokens = new String[0];
    private int pos;

    Tokens(String text) {
      this.lines = text.split("\r?\n");
    }

    /** Moves to the next non-empty line. */
    void nextLine() {
      while (line < lines.length) {
        String l = lines[line++].trim();
        if (!l.isEmpty()) {
          tokens = l.split("\\s+");
          pos = 0;
          return;
        }
      }
      throw new IllegalArgumentException("line " + line + ": the file ends early; a layer line was expected");
    }

    String next(String what) {
      if (pos >= tokens.length) {
        if (line < 2) {
          nextLine();
        } else {
          throw new IllegalArgumentException("line " + line + ": missing " + what);
        }
      }
      return tokens[pos++];
    }

    String nextOnLine() {
      return pos < tokens.length ? tokens[pos++] : null;
    }

    int nextInt(String what) {
      String s = next(what);
      try {
        return Integer.parseInt(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("line " + line + ": '" + s + "' is not a number; expected " + what);
      }
    }
  }
}
