package dev.mobilize.tnn;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The binary {@code .tnnmodel} (TNN's model_interpreter.cc / model_packer.cc / objseri.h): magic
 * number, resource count, then per layer with resources a header (type id, type name, layer name)
 * and its resource, then the constant map (magic, count, name + raw buffer each). Little-endian;
 * strings are an int length and bytes; a raw buffer is magic, data type, byte length, and when the
 * length is positive, dims (v2: count and values) and the bytes.
 */
final class TnnModelFile {

  private TnnModelFile() {}

  // ---- reading

  /** Reads the resources and constants into {@code net}; resource layouts by header type name. */
  static void read(byte[] bytes, TnnNet net) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      int magic = b.getInt();
      if (magic != TnnNet.MAGIC_V2 && magic != TnnNet.MAGIC_V1) {
        b.position(0);
        magic = TnnNet.MAGIC_V1;
      }
      int count = b.getInt() & 0x1FFFFFFF;
      if (count < 0 || count >= 10000) {
        throw new IllegalArgumentException("resource count " + count + " is out of range 0..9999");
      }
      for (int i = 0; i < count; i++) {
        b.getInt(); // type id; the type name decides
        String type = string(b);
        String name = string(b);
        if (type.equals("BlobScale")) {
          blobScale(name, b, net);
          continue;
        }
        net.resources.put(name, new TnnResource(type, resource(type, name, b)));
      }
      if (b.remaining() >= 4) {
        b.getInt(); // magic
        int constants = b.getInt();
        for (int i = 0; i < constants; i++) {
          String name = string(b);
          net.constants.put(name, raw(b));
        }
      }
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("the .tnnmodel ends early (truncated, or it belongs to another .tnnproto)");
    }
  }

  /** BlobScale: zero points (int8; older files: none), scales, bias; one scale per blob is read. */
  private static void blobScale(String name, ByteBuffer b, TnnNet net) {
    RawBuffer first = raw(b);
    RawBuffer scale = first.dataType() == RawBuffer.INT8 ? raw(b) : first;
    RawBuffer zero = first.dataType() == RawBuffer.INT8 ? first : RawBuffer.EMPTY;
    raw(b); // bias
    if (scale.count() != 1 || zero.count() > 1 || zero.count() == 1 && zero.bytes()[0] != 0) {
      throw new IllegalArgumentException("BlobScale '" + name + "' has " + scale.count() + " scales and zero points "
          + "that are not 0; only one scale per blob with zero point 0 is read");
    }
    String blob = name.endsWith(TnnNet.BLOB_SCALE_SUFFIX)
        ? name.substring(0, name.length() - TnnNet.BLOB_SCALE_SUFFIX.length()) : name;
    net.blobScales.put(blob, scale.floats()[0]);
  }

  private static List<RawBuffer> resource(String type, String layer, ByteBuffer b) {
    List<RawBuffer> out = new ArrayList<>();
    switch (type) {
      case "QuantizedConvolution" -> {
        string(b);
        int hasBias = b.getInt();
        out.add(raw(b));
        out.add(hasBias != 0 ? raw(b) : RawBuffer.EMPTY);
        RawBuffer first = raw(b);
        boolean withZero = first.dataType() == RawBuffer.INT8;
        out.add(withZero ? first : new RawBuffer(RawBuffer.INT8, new int[] {first.count()}, new byte[first.count()]));
        out.add(withZero ? raw(b) : first);
        return out;
      }
      case "QuantizedInnerProduct" -> {
        string(b);
        out.add(raw(b));
        out.add(raw(b));
        RawBuffer first = raw(b);
        boolean withZero = first.dataType() == RawBuffer.INT8;
        out.add(withZero ? first : new RawBuffer(RawBuffer.INT8, new int[] {first.count()}, new byte[first.count()]));
        out.add(withZero ? raw(b) : first);
        return out;
      }
      case "Convolution", "Deconvolution", "Scale" -> {
        string(b); // layer name again
        int hasBias = b.getInt();
        out.add(raw(b));
        if (hasBias != 0) {
          out.add(raw(b));
        }
      }
      case "InnerProduct" -> {
        string(b);
        out.add(raw(b));
        out.add(raw(b));
      }
      case "BatchNormCxx", "InstBatchNormCxx" -> {
        out.add(raw(b));
        out.add(raw(b));
      }
      case "PReLU" -> {
        string(b);
        out.add(raw(b));
      }
      case "Add", "Sub", "Mul", "Div", "Maximum", "Minimum", "MatMul" -> out.add(raw(b));
      case "Gather" -> {
        out.add(b.getInt() == 1 ? raw(b) : RawBuffer.EMPTY);
        out.add(b.getInt() == 1 ? raw(b) : RawBuffer.EMPTY);
        return out;
      }
      default -> throw new IllegalArgumentException("layer '" + layer + "' has a resource of type " + type
          + ", which the TNN importer does not read; it reads Convolution, Deconvolution, InnerProduct, "
          + "BatchNormCxx, InstBatchNormCxx, Scale, PReLU, Add, Sub, Mul, Div, Maximum, Minimum, MatMul and "
          + "Gather resources");
    }
    for (RawBuffer r : out) {
      if (r.dataType() != RawBuffer.FLOAT && r.dataType() != RawBuffer.HALF) {
        throw new IllegalArgumentException("layer '" + layer + "' (" + type + ") has a weight of TNN data type "
            + r.dataType() + ", expected 0 (float) or 1 (half); quantized TNN models are not read");
      }
    }
    return out;
  }

  static String string(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("string length " + n + " at byte " + (b.position() - 4) + " is out of range");
    }
    byte[] s = new byte[n];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  static RawBuffer raw(ByteBuffer b) {
    int magic = b.getInt();
    int dataType = b.getInt();
    int length = b.getInt();
    if (length <= 0) {
      return new RawBuffer(dataType, new int[0], new byte[0]);
    }
    int[] dims = new int[0];
    if (magic == TnnNet.MAGIC_V2) {
      int n = b.getInt();
      if (n < 0 || n > 8) {
        throw new IllegalArgumentException("raw buffer at byte " + (b.position() - 4) + " has " + n + " dims");
      }
      dims = new int[n];
      for (int i = 0; i < n; i++) {
        dims[i] = b.getInt();
      }
    }
    if (length > b.remaining()) {
      throw new IllegalArgumentException("raw buffer of " + length + " bytes, but only " + b.remaining() + " remain");
    }
    byte[] bytes = new byte[length];
    b.get(bytes);
    RawBuffer r = new RawBuffer(dataType, dims, bytes);
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    if (dims.length > 0 && n != r.count()) {
      throw new IllegalArgumentException("raw buffer dims hold " + n + " values, but its bytes hold " + r.count());
    }
    return r;
  }

  // ---- writing

  /**
   * The .tnnmodel of {@code net} (v2): resources in layer order, a quantized layer's blob scales
   * around its resource (inputs first, then outputs, each blob once, as TNN's model_packer orders
   * them), then the constant map when there is one.
   */
  static byte[] write(TnnNet net) {
    List<String> names = new ArrayList<>();
    java.util.Set<String> scaled = new java.util.HashSet<>();
    for (TnnNet.Layer l : net.layers) {
      boolean quantized = l.type.startsWith("Quantized");
      if (quantized) {
        l.inputs.stream().filter(net.blobScales::containsKey).filter(scaled::add).forEach(x -> names.add("@" + x));
      }
      if (net.resources.containsKey(l.name)) {
        names.add(l.name);
      }
      if (quantized) {
        l.outputs.stream().filter(net.blobScales::containsKey).filter(scaled::add).forEach(x -> names.add("@" + x));
      }
    }
    Out o = new Out();
    o.putInt(TnnNet.MAGIC_V2);
    o.putInt(names.size());
    for (String name : names) {
      if (name.startsWith("@")) {
        String blob = name.substring(1);
        o.putInt(LayerTypes.id("BlobScale"));
        o.putString("BlobScale");
        o.putString(blob + TnnNet.BLOB_SCALE_SUFFIX);
        o.putRaw(new RawBuffer(RawBuffer.INT8, new int[] {1}, new byte[1]));
        o.putRaw(RawBuffer.floats(new int[] {1}, new float[] {net.blobScales.get(blob)}));
        o.putRaw(RawBuffer.ints(new int[] {1}, new int[1]));
        continue;
      }
      TnnResource r = net.resources.get(name);
      o.putInt(LayerTypes.id(r.type()));
      o.putString(r.type());
      o.putString(name);
      switch (r.type()) {
        case "Convolution", "Deconvolution", "Scale" -> {
          o.putString(name);
          boolean bias = r.buffers().size() > 1 && !r.buffer(1).isEmpty();
          o.putInt(bias ? 1 : 0);
          o.putRaw(r.buffer(0));
          if (bias) {
            o.putRaw(r.buffer(1));
          }
        }
        case "QuantizedConvolution" -> {
          o.putString(name);
          boolean bias = !r.buffer(1).isEmpty();
          o.putInt(bias ? 1 : 0);
          o.putRaw(r.buffer(0));
          if (bias) {
            o.putRaw(r.buffer(1));
          }
          o.putRaw(r.buffer(2));
          o.putRaw(r.buffer(3));
        }
        case "InnerProduct" -> {
          o.putString(name);
          o.putRaw(r.buffer(0));
          o.putRaw(r.buffer(1));
        }
        case "QuantizedInnerProduct" -> {
          o.putString(name);
          for (int i = 0; i < 4; i++) {
            o.putRaw(r.buffer(i));
          }
        }
        case "BatchNormCxx", "InstBatchNormCxx" -> {
          o.putRaw(r.buffer(0));
          o.putRaw(r.buffer(1));
        }
        case "PReLU" -> {
          o.putString(name);
          o.putRaw(r.buffer(0));
        }
        case "Add", "Sub", "Mul", "Div", "Maximum", "Minimum", "MatMul" -> o.putRaw(r.buffer(0));
        case "Gather" -> {
          for (int i = 0; i < 2; i++) {
            o.putInt(r.buffer(i).isEmpty() ? 0 : 1);
            if (!r.buffer(i).isEmpty()) {
              o.putRaw(r.buffer(i));
            }
          }
        }
        default -> throw new IllegalStateException("no resource layout for " + r.type());
      }
    }
    if (!net.constants.isEmpty()) {
      o.putInt(TnnNet.MAGIC_V2);
      o.putInt(net.constants.size());
      for (Map.Entry<String, RawBuffer> e : net.constants.entrySet()) {
        o.putString(e.getKey());
        o.putRaw(e.getValue());
      }
    }
    return o.bytes.toByteArray();
  }

  private static final class Out {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final ByteBuffer four = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);

    void putInt(int v) {
      four.clear();
      four.putInt(v);
      bytes.write(four.array(), 0, 4);
    }

    void putString(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      putInt(b.length);
      bytes.write(b, 0, b.length);
    }

    void putRaw(RawBuffer r) {
      putInt(TnnNet.MAGIC_V2);
      putInt(r.dataType());
      putInt(r.bytes().length);
      if (r.bytes().length == 0) {
        return;
      }
      putInt(r.dims().length);
      for (int d : r.dims()) {
        putInt(d);
      }
      bytes.write(r.bytes(), 0, r.bytes().length);
    }
  }
}
