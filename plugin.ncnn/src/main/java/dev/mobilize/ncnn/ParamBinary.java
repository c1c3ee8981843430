package dev.mobilize.ncnn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary param form ({@code .param.bin}, as ncnn2mem writes it and {@code Net::load_param_bin}
 * reads it): little-endian ints: magic, layer count, blob count; per layer its type index, input
 * and output counts, input and output blob indexes, then {@code id value} pairs (arrays
 * {@code -23300-id n v...}) ended by {@code -233}. Blob and layer names are not stored.
 */
final class ParamBinary {

  private static final int END_OF_PARAMS = -233;

  private ParamBinary() {}

  /** The binary form of {@code net}. */
  static byte[] write(NcnnNet net) {
    List<String> blobs = net.blobs();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < blobs.size(); i++) {
      index.put(blobs.get(i), i);
    }
    Ints out = new Ints();
    out.add(NcnnNet.MAGIC).add(net.layers.size()).add(blobs.size());
    for (NcnnLayer l : net.layers) {
      int type = LayerTypes.index(l.type);
      if (type < 0) {
        throw new IllegalStateException("layer '" + l.name + "' has type " + l.type + ", which ncnn does not have");
      }
      out.add(type).add(l.inputs.size()).add(l.outputs.size());
      for (String b : l.inputs) {
        out.add(index.get(b));
      }
      for (String b : l.outputs) {
        out.add(index.get(b));
      }
      for (Map.Entry<Integer, Object> e : l.params.asMap().entrySet()) {
        int id = e.getKey();
        Object v = e.getValue();
        if (v instanceof int[] a) {
          out.add(-23300 - id).add(a.length);
          for (int x : a) {
            out.add(x);
          }
        } else if (v instanceof float[] a) {
          out.add(-23300 - id).add(a.length);
          for (float x : a) {
            out.add(Float.floatToRawIntBits(x));
          }
        } else if (v instanceof Float f) {
          out.add(id).add(Float.floatToRawIntBits(f));
        } else {
          out.add(id).add(((Integer) v));
        }
      }
      out.add(END_OF_PARAMS);
    }
    return out.toBytes();
  }

  /**
   * Reads the binary form. Blobs are named by index ({@code blob0}, ...) and layers by type and
   * index, since the file has no names.
   *
   * @throws IllegalArgumentException naming the layer and what was wrong
   */
  static NcnnNet read(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int magic = next(buf, "the magic number");
    if (magic != NcnnNet.MAGIC) {
      throw new IllegalArgumentException("magic number is " + magic + ", expected " + NcnnNet.MAGIC);
    }
    int layerCount = next(buf, "the layer count");
    int blobCount = next(buf, "the blob count");
    if (layerCount <= 0 || blobCount <= 0 || layerCount > bytes.length / 12 || blobCount > bytes.length / 4) {
      throw new IllegalArgumentException("layer count " + layerCount + " and blob count " + blobCount
          + " do not fit a file of " + bytes.length + " bytes");
    }
    NcnnNet net = new NcnnNet();
    for (int i = 0; i < layerCount; i++) {
      int typeIndex = next(buf, "the type of layer " + i);
      String type = LayerTypes.type(typeIndex);
      if (type == null) {
        throw new IllegalArgumentException("layer " + i + " has type index " + typeIndex
            + ", which is not a built-in ncnn layer (custom layers are not supported)");
      }
      int nin = next(buf, "the input count of layer " + i);
      int nout = next(buf, "the output count of layer " + i);
      if (nin < 0 || nout < 0 || nin > 4096 || nout > 4096) {
        throw new IllegalArgumentException("layer " + i + " (" + type + ") has " + nin + " inputs and " + nout
            + " outputs, expected 0 to 4096");
      }
      List<String> ins = new ArrayList<>();
      for (int j = 0; j < nin; j++) {
        ins.add(blob(next(buf, "an input of layer " + i), blobCount, i));
      }
      List<String> outs = new ArrayList<>();
      for (int j = 0; j < nout; j++) {
        outs.add(blob(next(buf, "an output of layer " + i), blobCount, i));
      }
      NcnnLayer layer = new NcnnLayer(type, type.toLowerCase(java.util.Locale.ROOT) + "_" + i, ins, outs);
      int id = next(buf, "a param id of layer " + i);
      while (id != END_OF_PARAMS) {
        if (id <= -23400) {
          throw new IllegalArgumentException("layer " + i + " (" + type + ") has string param " + (-id - 23400)
              + "; string params (shape expressions) are not supported");
        }
        boolean array = id <= -23300;
        int key = array ? -id - 23300 : id;
        if (key < 0 || key >= 32) {
          throw new IllegalArgumentException("layer " + i + " (" + type + ") has param id " + key
              + ", expected 0..31");
        }
        if (array) {
          int n = next(buf, "an array length of layer " + i);
          if (n < 0 || n > buf.remaining() / 4) {
            throw new IllegalArgumentException("layer " + i + " (" + type + "): array param " + key + " has length "
                + n + ", more than the file holds");
          }
          int[] a = new int[n];
          for (int j = 0; j < n; j++) {
            a[j] = buf.getInt();
          }
          layer.params.setRaw(key, new NcnnParams.Words(a));
        } else {
          layer.params.setRaw(key, new NcnnParams.Word(next(buf, "a param value of layer " + i)));
        }
        id = next(buf, "a param id of layer " + i);
      }
      net.layers.add(layer);
    }
    return net;
  }

  private static String blob(int index, int blobCount, int layer) {
    if (index < 0 || index >= blobCount) {
      throw new IllegalArgumentException("layer " + layer + " refers to blob " + index + ", expected 0.."
          + (blobCount - 1));
    }
    return "blob" + index;
  }

  private static int next(ByteBuffer buf, String what) {
    if (buf.remaining() < 4) {
      throw new IllegalArgumentException("the file ends early; expected " + what);
    }
    return buf.getInt();
  }

  /** A growable little-endian int buffer. */
  private static final class Ints {
    private int[] a = new int[1024];
    private int n;

    Ints add(int v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
      return this;
    }

    byte[] toBytes() {
      ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        b.putInt(a[i]);
      }
      return b.array();
    }
  }
}
