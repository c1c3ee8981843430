package dev.mobilize.mace;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Half;
import dev.mobilize.ir.Tensor;
import dev.mobilize.mace.proto.MaceNet;
import dev.mobilize.mace.proto.MaceNet.ConstTensor;
import dev.mobilize.mace.proto.MaceNet.NetDef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** NAME.pb (a MultiNetDef, or a bare NetDef as older MACE wrote) and the weights of NAME.data. */
final class MaceModelFile {

  private MaceModelFile() {}

  /** The nets of a .pb, in run order. */
  static List<NetDef> nets(byte[] pb) {
    try {
      MaceNet.MultiNetDef multi = MaceNet.MultiNetDef.parseFrom(pb);
      if (multi.getNetDefCount() > 0 && multi.getNetDefList().stream().allMatch(n -> n.getOpCount() > 0)) {
        return multi.getNetDefList();
      }
    } catch (InvalidProtocolBufferException e) {
      // not a MultiNetDef: try a bare NetDef below
    }
    try {
      NetDef net = NetDef.parseFrom(pb);
      if (net.getOpCount() == 0) {
        throw new IllegalArgumentException("the .pb holds no MACE op (neither a MultiNetDef nor a NetDef)");
      }
      return List.of(net);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the .pb is not a MACE NetDef: " + e.getMessage());
    }
  }

  /** The net's weights as IR tensors (half and float as FLOAT, int32 as INT32, uint8 as UINT8), bounds checked. */
  static Map<String, Tensor> tensors(NetDef net, byte[] data) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (ConstTensor t : net.getTensorsList()) {
      out.put(t.getName(), tensor(t, net.getDataOffset(), data));
    }
    return out;
  }

  static int elementSize(MaceNet.DataType type) {
    return switch (type) {
      case DT_FLOAT, DT_INT32 -> 4;
      case DT_HALF, DT_FLOAT16, DT_BFLOAT16 -> 2;
      case DT_UINT8, DT_INT8 -> 1;
      default -> throw new IllegalArgumentException("tensor data type " + type + " is not read; expected DT_FLOAT, "
          + "DT_HALF, DT_BFLOAT16, DT_INT32 or DT_UINT8");
    };
  }

  private static Tensor tensor(ConstTensor t, long base, byte[] data) {
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    long n = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException("tensor '" + t.getName() + "' has a negative dimension");
      }
      n = Math.multiplyExact(n, d);
    }
    if (t.getFloatDataCount() > 0) {
      float[] f = new float[t.getFloatDataCount()];
      for (int i = 0; i < f.length; i++) {
        f[i] = t.getFloatData(i);
      }
      return Tensor.ofFloats(dims, f);
    }
    if (t.getInt32DataCount() > 0) {
      return Tensor.ofInts(dims, t.getInt32DataList().stream().mapToInt(Integer::intValue).toArray());
    }
    if (t.getDataSize() != n) {
      throw new IllegalArgumentException("tensor '" + t.getName() + "' has dims of " + n + " elements but data_size "
          + t.getDataSize());
    }
    int size = elementSize(t.getDataType());
    long start = base + t.getOffset();
    long end = start + n * size;
    if (start < 0 || end > data.length) {
      throw new IllegalArgumentException("tensor '" + t.getName() + "' lies at bytes " + start + ".." + end
          + " but the .data file has " + data.length + " bytes; is it the .data written with this .pb?");
    }
    ByteBuffer b = ByteBuffer.wrap(data, (int) start, (int) (end - start)).order(ByteOrder.LITTLE_ENDIAN);
    return switch (t.getDataType()) {
      case DT_FLOAT -> {
        float[] f = new float[(int) n];
        b.asFloatBuffer().get(f);
        yield Tensor.ofFloats(dims, f);
      }
      case DT_HALF, DT_FLOAT16, DT_BFLOAT16 -> {
        float[] f = new float[(int) n];
        for (int i = 0; i < n; i++) {
          short s = b.getShort();
          f[i] = t.getDataType() == MaceNet.DataType.DT_BFLOAT16 ? Half.bfloat16ToFloat(s) : Half.toFloat(s);
        }
        yield Tensor.ofFloats(dims, f);
      }
      case DT_INT32 -> {
        int[] v = new int[(int) n];
        b.asIntBuffer().get(v);
        yield Tensor.ofInts(dims, v);
      }
      case DT_UINT8 -> {
        byte[] u = new byte[(int) n];
        b.get(u);
        yield Tensor.of(DataType.UINT8, dims, u);
      }
      default -> throw new IllegalArgumentException("tensor '" + t.getName() + "' has data type " + t.getDataType()
          + "; MACE tensors of DT_FLOAT, DT_HALF, DT_BFLOAT16, DT_INT32 and DT_UINT8 are read");
    };
  }

  /** Little-endian bytes of a tensor in the given MACE type (FLOAT or HALF for floats, INT32 for ints). */
  static byte[] bytes(Tensor t, MaceNet.DataType type) {
    return switch (type) {
      case DT_FLOAT -> {
        float[] f = t.toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f);
        yield b.array();
      }
      case DT_HALF -> {
        float[] f = t.toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(f.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : f) {
          b.putShort(Half.fromFloat(v));
        }
        yield b.array();
      }
      case DT_INT32 -> {
        long[] v = t.toLongArray();
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
          b.putInt(Math.toIntExact(x));
        }
        yield b.array();
      }
      default -> throw new IllegalStateException("no writer for " + type);
    };
  }

  static DataType irType(MaceNet.DataType t) {
    return switch (t) {
      case DT_INT32 -> DataType.INT32;
      default -> DataType.FLOAT;
    };
  }

  static List<String> names(List<ConstTensor> tensors) {
    List<String> n = new ArrayList<>();
    tensors.forEach(t -> n.add(t.getName()));
    return n;
  }
}
