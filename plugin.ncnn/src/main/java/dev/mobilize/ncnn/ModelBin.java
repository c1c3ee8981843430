package dev.mobilize.ncnn;

import dev.mobilize.ir.Half;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@code .bin} weight file: each layer's weights concatenated in the order the layer loads
 * them, each buffer padded to 4 bytes. Tagged buffers start with ncnn's storage tag.
 */
final class ModelBin {

  static final int TAG_FP32 = 0;
  static final int TAG_FP16 = 0x01306B47;
  static final int TAG_INT8 = 0x000D4B38;
  static final int TAG_FP32_SCALED = 0x0002C056;

  private ModelBin() {}

  /** Storage of tagged weights. */
  enum Storage { FP32, FP16 }

  /** The weights of all layers of {@code net}. */
  static byte[] write(NcnnNet net, Storage storage) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (NcnnLayer l : net.layers) {
      for (NcnnWeight w : l.weights) {
        boolean fp16 = w.tagged() && !w.int8() && storage == Storage.FP16;
        int bytes = w.data().length * (w.int8() ? 1 : fp16 ? 2 : 4);
        int padded = (bytes + 3) / 4 * 4;
        ByteBuffer b = ByteBuffer.allocate((w.tagged() ? 4 : 0) + padded).order(ByteOrder.LITTLE_ENDIAN);
        if (w.tagged()) {
          b.putInt(w.int8() ? TAG_INT8 : fp16 ? TAG_FP16 : TAG_FP32);
        }
        for (float v : w.data()) {
          if (w.int8()) {
            b.put((byte) v);
          } else if (fp16) {
            b.putShort(Half.fromFloat(v));
          } else {
            b.putFloat(v);
          }
        }
        out.writeBytes(b.array());
      }
    }
    return out.toByteArray();
  }

  /** Reads weights in order, as ncnn's {@code ModelBinFromDataReader} does. */
  static final class Reader {
    private final ByteBuffer buf;

    Reader(byte[] bytes) {
      this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Bytes not read yet. */
    int remaining() {
      return buf.remaining();
    }

    /** {@code load(n, 1)}: n raw floats. */
    float[] raw(int n, String what) {
      need((long) n * 4, what);
      float[] a = new float[n];
      for (int i = 0; i < n; i++) {
        a[i] = buf.getFloat();
      }
      return a;
    }

    /** {@code load(n, 0)}: a storage tag, then fp32, fp16, int8 or an 8-bit lookup table. */
    NcnnWeight tagged(int n, String what) {
      need(4, what);
      int pos = buf.position();
      int tag = buf.getInt();
      int flagSum = (buf.get(pos) & 0xFF) + (buf.get(pos + 1) & 0xFF) + (buf.get(pos + 2) & 0xFF)
          + (buf.get(pos + 3) & 0xFF);
      float[] a = new float[n];
      if (tag == TAG_FP16) {
        int aligned = (n * 2 + 3) / 4 * 4;
        need(aligned, what);
        int start = buf.position();
        for (int i = 0; i < n; i++) {
          a[i] = Half.toFloat(buf.getShort(start + 2 * i));
        }
        buf.position(start + aligned);
        return new NcnnWeight(a, true);
      }
      if (tag == TAG_INT8) {
        int aligned = (n + 3) / 4 * 4;
        need(aligned, what);
        int start = buf.position();
        for (int i = 0; i < n; i++) {
          a[i] = buf.get(start + i);
        }
        buf.position(start + aligned);
        return new NcnnWeight(a, true, true);
      }
      if (tag == TAG_FP32_SCALED || (flagSum == 0)) {
        need((long) n * 4, what);
        for (int i = 0; i < n; i++) {
          a[i] = buf.getFloat();
        }
        return new NcnnWeight(a, true);
      }
      // an 8-bit index into a table of 256 floats
      need(256 * 4, what);
      float[] table = new float[256];
      for (int i = 0; i < 256; i++) {
        table[i] = buf.getFloat();
      }
      int aligned = (n + 3) / 4 * 4;
      need(aligned, what);
      int start = buf.position();
      for (int i = 0; i < n; i++) {
        a[i] = table[buf.get(start + i) & 0xFF];
      }
      buf.position(start + aligned);
      return new NcnnWeight(a, true);
    }

    private void need(long bytes, String what) {
      if (bytes > buf.remaining()) {
        throw new IllegalArgumentException("the weight file ends early: " + what + " needs " + bytes
            + " bytes at offset " + buf.position() + ", " + buf.remaining() + " are left");
      }
    }
  }
}
