package dev.mobilize.mnn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A readable text dump of an MNN FlatBuffer for golden tests: every field that is present, by its
 * schema name (field lists copied from MNN's schema/default/*.fbs, in slot order), tables indented,
 * long vectors shortened to their first values and their length.
 */
final class MnnText {

  private MnnText() {}

  /** Field specs: name:kind, kinds i int, f float, y byte, b bool, s string, I [int], F [float],
   *  Y [byte], L [long], S [string], T.Name table, V.Name [table], U union (two slots). */
  private static final Map<String, List<String>> TABLES = Map.ofEntries(
      Map.entry("Net", List.of("bizCode:s", "extraTensorDescribe:V.TensorDescribe", "extraInfo:T.?", "oplists:V.Op",
          "outputName:S", "preferForwardType:y", "sourceType:y", "tensorName:S", "tensorNumber:i", "usage:y",
          "subgraphs:V.?", "mnn_uuid:s")),
      Map.entry("TensorDescribe", List.of("blob:T.Blob", "index:i", "name:s", "regions:V.?",
          "quantInfo:T.TensorQuantInfo")),
      Map.entry("TensorQuantInfo", List.of("scale:f", "zero:f", "min:f", "max:f", "type:i")),
      Map.entry("Op", List.of("inputIndexes:I", "main:U", "name:s", "outputIndexes:I", "type:i",
          "defaultDimentionFormat:y", "externalPath:s")),
      Map.entry("Input", List.of("dims:I", "dtype:i", "dformat:y")),
      Map.entry("Blob", List.of("dims:I", "dataFormat:y", "dataType:i", "uint8s:Y", "int8s:Y", "int32s:I",
          "int64s:L", "float32s:F", "strings:S", "external:L")),
      Map.entry("Convolution2D", List.of("common:T.Convolution2DCommon", "weight:F", "bias:F",
          "quanParameter:T.IDSTQuan", "symmetricQuan:T.QuantizedFloatParam", "sparseParameter:T.?", "external:L")),
      Map.entry("Convolution2DCommon", List.of("padX:i", "padY:i", "kernelX:i", "kernelY:i", "strideX:i",
          "strideY:i", "dilateX:i", "dilateY:i", "padMode:y", "group:i", "outputCount:i", "inputCount:i",
          "relu:b", "relu6:b", "pads:I", "outPads:I", "hasOutputShape:b")),
      Map.entry("IDSTQuan", List.of("buffer:Y", "alpha:F", "type:i", "useInt32:b", "quantScale:f", "scaleIn:f",
          "scaleOut:f", "aMaxOrBits:i", "aMin:i", "readType:i", "has_scaleInt:b", "shapeInt32:b", "weightSize:i",
          "index:I")),
      Map.entry("QuantizedFloatParam", List.of("weight:Y", "bias:I", "scale:F", "tensorScale:F", "method:y",
          "nbits:i", "zeroPoint:y", "outputZeroPoint:y", "clampMin:y", "clampMax:y", "winogradAttr:I",
          "outputDataType:i", "floatzeros:F")),
      Map.entry("Pool", List.of("padX:i", "padY:i", "isGlobal:b", "kernelX:i", "kernelY:i", "strideX:i",
          "strideY:i", "type:y", "padType:y", "dataType:i", "ceilModel:b", "pads:I", "countType:y")),
      Map.entry("Relu", List.of("slope:f")),
      Map.entry("Relu6", List.of("minValue:f", "maxValue:f")),
      Map.entry("ELU", List.of("alpha:f")),
      Map.entry("BinaryOp", List.of("opType:i", "T:i", "activationType:i")),
      Map.entry("UnaryOp", List.of("opType:i", "T:i", "tableInt8:Y")),
      Map.entry("Axis", List.of("axis:i")),
      Map.entry("Flatten", List.of("axis:i", "endAxis:i")),
      Map.entry("Reshape", List.of("dims:I", "dimType:y")),
      Map.entry("Permute", List.of("dims:I")),
      Map.entry("MatMul", List.of("T:i", "transposeA:b", "transposeB:b", "weight:F", "bias:F")),
      Map.entry("Scale", List.of("channels:i", "scaleData:F", "biasData:F", "external:L")),
      Map.entry("StridedSliceParam", List.of("Index:i", "T:i", "beginMask:i", "endMask:i", "ellipsisMask:i",
          "newAxisMask:i", "shrinkAxisMask:i", "fromType:i")),
      Map.entry("GatherV2", List.of("Taxis:i", "Tindices:i", "Tparams:i")),
      Map.entry("SqueezeParam", List.of("squeezeDims:I")),
      Map.entry("CastParam", List.of("srcT:i", "dstT:i")),
      Map.entry("TensorConvertInfo", List.of("source:y", "dest:y")),
      Map.entry("ReductionParam", List.of("operation:y", "dim:I", "coeff:f", "keepDims:b", "dType:i")));

  static String dump(byte[] file) {
    StringBuilder sb = new StringBuilder();
    table(sb, "Net", FlatBuffers.Table.root(file), "");
    return sb.toString();
  }

  private static void table(StringBuilder sb, String type, FlatBuffers.Table t, String indent) {
    List<String> fields = TABLES.get(type);
    if (fields == null) {
      throw new IllegalArgumentException("no field list for table " + type);
    }
    int slot = 0;
    for (String f : fields) {
      String name = f.substring(0, f.indexOf(':'));
      String kind = f.substring(f.indexOf(':') + 1);
      int s = slot;
      slot += kind.equals("U") ? 2 : 1;
      boolean present = kind.equals("U") ? t.has(s + 1) : t.has(s);
      if (!present) {
        continue;
      }
      sb.append(indent).append(name);
      switch (kind.charAt(0)) {
        case 'i' -> sb.append(' ').append(t.getInt(s, 0)).append('\n');
        case 'f' -> sb.append(' ').append(num(t.getFloat(s, 0f))).append('\n');
        case 'y' -> sb.append(' ').append(t.getByte(s, 0)).append('\n');
        case 'b' -> sb.append(' ').append(t.getBool(s, false)).append('\n');
        case 's' -> sb.append(" \"").append(t.string(s)).append("\"\n");
        case 'I' -> sb.append(ints(t.ints(s))).append('\n');
        case 'L' -> sb.append(longs(t.longs(s))).append('\n');
        case 'F' -> sb.append(floats(t.floats(s))).append('\n');
        case 'Y' -> sb.append(bytes(t.bytes(s))).append('\n');
        case 'S' -> {
          List<String> v = new ArrayList<>();
          for (int i = 0; i < t.length(s); i++) {
            v.add('"' + t.stringAt(s, i) + '"');
          }
          sb.append(" [").append(String.join(", ", v)).append("]\n");
        }
        case 'T' -> {
          sb.append(" {\n");
          table(sb, kind.substring(2), t.table(s), indent + "  ");
          sb.append(indent).append("}\n");
        }
        case 'V' -> {
          sb.append(" [\n");
          for (int i = 0; i < t.length(s); i++) {
            sb.append(indent).append("  {\n");
            table(sb, kind.substring(2), t.tableAt(s, i), indent + "    ");
            sb.append(indent).append("  }\n");
          }
          sb.append(indent).append("]\n");
        }
        case 'U' -> {
          String param = MnnSchema.PARAM_NAMES.get(t.getByte(s, 0) & 0xff);
          sb.append(' ').append(param).append(" {\n");
          table(sb, param, t.table(s + 1), indent + "  ");
          sb.append(indent).append("}\n");
        }
        default -> throw new IllegalStateException("field kind " + kind);
      }
      if (type.equals("Op") && name.equals("type")) {
        sb.setLength(sb.length() - 1);
        sb.append(" (").append(MnnSchema.OP_TYPE_NAMES.get(t.getInt(s, 0))).append(")\n");
      }
    }
  }

  private static final int SHOWN = 6;

  private static String ints(int[] v) {
    List<String> s = new ArrayList<>();
    for (int i = 0; i < Math.min(v.length, SHOWN); i++) {
      s.add(Integer.toString(v[i]));
    }
    return " [" + String.join(", ", s) + (v.length > SHOWN ? ", ... (" + v.length + ")" : "") + "]";
  }

  private static String longs(long[] v) {
    List<String> s = new ArrayList<>();
    for (int i = 0; i < Math.min(v.length, SHOWN); i++) {
      s.add(Long.toString(v[i]));
    }
    return " [" + String.join(", ", s) + (v.length > SHOWN ? ", ... (" + v.length + ")" : "") + "]";
  }

  private static String floats(float[] v) {
    List<String> s = new ArrayList<>();
    for (int i = 0; i < Math.min(v.length, SHOWN); i++) {
      s.add(num(v[i]));
    }
    return " [" + String.join(", ", s) + (v.length > SHOWN ? ", ... (" + v.length + ")" : "") + "]";
  }

  private static String bytes(byte[] v) {
    StringBuilder s = new StringBuilder(" <" + v.length + " bytes");
    for (int i = 0; i < Math.min(v.length, 2 * SHOWN); i++) {
      s.append(i == 0 ? ": " : " ").append(String.format(Locale.ROOT, "%02x", v[i] & 0xff));
    }
    return s.append(v.length > 2 * SHOWN ? " ...>" : ">").toString();
  }

  private static String num(float f) {
    return f == (long) f && Math.abs(f) < 1e7 ? Long.toString((long) f) : String.format(Locale.ROOT, "%.6g", f);
  }
}
