package dev.mobilize.mnn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The few FlatBuffers routines MNN files need (little-endian; tables found through vtables; offsets
 * point forward; the root is a uoffset at byte 0; MNN files have no file identifier). {@link Table}
 * reads, {@link Builder} writes back to front as the reference builder does.
 */
final class FlatBuffers {

  private FlatBuffers() {}

  /** A table in a buffer: field {@code slot} is the slot-th field of the schema (a union takes two). */
  record Table(ByteBuffer bb, int pos) {

    static Table root(byte[] bytes) {
      ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      if (bytes.length < 8) {
        throw new IllegalArgumentException("too short for a FlatBuffer (" + bytes.length + " bytes)");
      }
      int root = bb.getInt(0);
      if (root < 4 || root > bytes.length - 4) {
        throw new IllegalArgumentException("root offset " + root + " is outside the file");
      }
      return new Table(bb, root);
    }

    /** Offset of the field from the table start, or 0 when absent. */
    int field(int slot) {
      int vt = pos - bb.getInt(pos);
      int vtLen = Short.toUnsignedInt(bb.getShort(vt));
      int at = 4 + 2 * slot;
      return at + 2 > vtLen ? 0 : Short.toUnsignedInt(bb.getShort(vt + at));
    }

    boolean has(int slot) {
      return field(slot) != 0;
    }

    int getInt(int slot, int def) {
      int f = field(slot);
      return f == 0 ? def : bb.getInt(pos + f);
    }

    float getFloat(int slot, float def) {
      int f = field(slot);
      return f == 0 ? def : bb.getFloat(pos + f);
    }

    int getByte(int slot, int def) {
      int f = field(slot);
      return f == 0 ? def : bb.get(pos + f);
    }

    boolean getBool(int slot, boolean def) {
      int f = field(slot);
      return f == 0 ? def : bb.get(pos + f) != 0;
    }

    private int deref(int slot) {
      int f = field(slot);
      if (f == 0) {
        return -1;
      }
      int p = pos + f;
      return p + bb.getInt(p);
    }

    Table table(int slot) {
      int p = deref(slot);
      return p < 0 ? null : new Table(bb, p);
    }

    String string(int slot) {
      int p = deref(slot);
      return p < 0 ? null : stringAt(p);
    }

    private String stringAt(int p) {
      int n = bb.getInt(p);
      byte[] b = new byte[n];
      bb.get(p + 4, b);
      return new String(b, StandardCharsets.UTF_8);
    }

    /** Number of elements of a vector field (0 when absent). */
    int length(int slot) {
      int p = deref(slot);
      return p < 0 ? 0 : bb.getInt(p);
    }

    int[] ints(int slot) {
      int p = deref(slot);
      if (p < 0) {
        return null;
      }
      int[] a = new int[bb.getInt(p)];
      for (int i = 0; i < a.length; i++) {
        a[i] = bb.getInt(p + 4 + 4 * i);
      }
      return a;
    }

    long[] longs(int slot) {
      int p = deref(slot);
      if (p < 0) {
        return null;
      }
      long[] a = new long[bb.getInt(p)];
      for (int i = 0; i < a.length; i++) {
        a[i] = bb.getLong(p + 4 + 8 * i);
      }
      return a;
    }

    float[] floats(int slot) {
      int p = deref(slot);
      if (p < 0) {
        return null;
      }
      float[] a = new float[bb.getInt(p)];
      for (int i = 0; i < a.length; i++) {
        a[i] = bb.getFloat(p + 4 + 4 * i);
      }
      return a;
    }

    byte[] bytes(int slot) {
      int p = deref(slot);
      if (p < 0) {
        return null;
      }
      byte[] a = new byte[bb.getInt(p)];
      bb.get(p + 4, a);
      return a;
    }

    Table tableAt(int slot, int i) {
      int p = deref(slot) + 4 + 4 * i;
      return new Table(bb, p + bb.getInt(p));
    }

    String stringAt(int slot, int i) {
      int p = deref(slot) + 4 + 4 * i;
      return stringAt(p + bb.getInt(p));
    }
  }

  /** Builds a buffer back to front: children first, then the tables that refer to them, then {@link #finish}. */
  static final class Builder {
    private byte[] buf = new byte[1 << 16];
    private int head = buf.length;
    private int minAlign = 1;
    private int[] slots;
    private int tableStart;

    /** Bytes written so far, counted from the end: what offsets are measured in. */
    int offset() {
      return buf.length - head;
    }

    private void grow(int need) {
      if (head >= need) {
        return;
      }
      int used = offset();
      int cap = buf.length;
      while (cap - used < need) {
        cap = Math.multiplyExact(cap, 2);
      }
      byte[] nb = new byte[cap];
      System.arraycopy(buf, head, nb, cap - used, used);
      buf = nb;
      head = cap - used;
    }

    /** Aligns so that after {@code additional} bytes a value of {@code size} bytes is aligned. */
    void prep(int size, int additional) {
      minAlign = Math.max(minAlign, size);
      int pad = (-(offset() + additional)) & (size - 1);
      grow(pad + size + additional);
      for (int i = 0; i < pad; i++) {
        buf[--head] = 0;
      }
    }

    private void putByte(int v) {
      buf[--head] = (byte) v;
    }

    private void putShort(int v) {
      putByte(v >> 8);
      putByte(v);
    }

    private void putInt(int v) {
      putByte(v >> 24);
      putByte(v >> 16);
      putByte(v >> 8);
      putByte(v);
    }

    private void putLong(long v) {
      putInt((int) (v >> 32));
      putInt((int) v);
    }

    private void putOffset(int target) {
      prep(4, 0);
      putInt(offset() - target + 4);
    }

    int string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      prep(4, b.length + 1);
      putByte(0);
      head -= b.length;
      System.arraycopy(b, 0, buf, head, b.length);
      putInt(b.length);
      return offset();
    }

    private void startVector(int elemSize, int count, int align) {
      prep(4, elemSize * count);
      prep(align, elemSize * count);
    }

    private int endVector(int count) {
      putInt(count);
      return offset();
    }

    int ints(int[] a) {
      startVector(4, a.length, 4);
      for (int i = a.length - 1; i >= 0; i--) {
        putInt(a[i]);
      }
      return endVector(a.length);
    }

    int longs(long[] a) {
      startVector(8, a.length, 8);
      for (int i = a.length - 1; i >= 0; i--) {
        putLong(a[i]);
      }
      return endVector(a.length);
    }

    int floats(float[] a) {
      startVector(4, a.length, 4);
      for (int i = a.length - 1; i >= 0; i--) {
        putInt(Float.floatToRawIntBits(a[i]));
      }
      return endVector(a.length);
    }

    int bytes(byte[] a) {
      startVector(1, a.length, 1);
      head -= a.length;
      System.arraycopy(a, 0, buf, head, a.length);
      return endVector(a.length);
    }

    /** A vector of tables or strings, given their offsets. */
    int offsets(int[] targets) {
      startVector(4, targets.length, 4);
      for (int i = targets.length - 1; i >= 0; i--) {
        putOffset(targets[i]);
      }
      return endVector(targets.length);
    }

    void startTable(int fieldCount) {
      slots = new int[fieldCount];
      tableStart = offset();
    }

    void addInt(int slot, int v, int def) {
      if (v != def) {
        prep(4, 0);
        putInt(v);
        slots[slot] = offset();
      }
    }

    void addFloat(int slot, float v, float def) {
      if (Float.floatToRawIntBits(v) != Float.floatToRawIntBits(def)) {
        prep(4, 0);
        putInt(Float.floatToRawIntBits(v));
        slots[slot] = offset();
      }
    }

    void addByte(int slot, int v, int def) {
      if (v != def) {
        prep(1, 0);
        putByte(v);
        slots[slot] = offset();
      }
    }

    void addBool(int slot, boolean v, boolean def) {
      addByte(slot, v ? 1 : 0, def ? 1 : 0);
    }

    /** A reference to a table, string or vector; 0 means absent. */
    void addOffset(int slot, int target) {
      if (target != 0) {
        putOffset(target);
        slots[slot] = offset();
      }
    }

    int endTable() {
      prep(4, 0);
      putInt(0);
      int tableLoc = offset();
      int n = slots.length;
      while (n > 0 && slots[n - 1] == 0) {
        n--;
      }
      grow((n + 2) * 2);
      for (int i = n - 1; i >= 0; i--) {
        putShort(slots[i] == 0 ? 0 : tableLoc - slots[i]);
      }
      putShort(tableLoc - tableStart);
      putShort((n + 2) * 2);
      int vtableLoc = offset();
      // soffset at the table start: table address minus vtable address
      int at = buf.length - tableLoc;
      ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).putInt(at, vtableLoc - tableLoc);
      slots = null;
      return tableLoc;
    }

    byte[] finish(int root) {
      prep(minAlign, 4);
      putOffset(root);
      return Arrays.copyOfRange(buf, head, buf.length);
    }
  }
}
