package dev.mobilize.mnn;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ModelImporter;
import dev.mobilize.service.ModelInspector;
import dev.mobilize.service.Options;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Reads MNN models ({@code .mnn}, a FlatBuffers {@code Net}) into the IR with MNN's semantics:
 * fused relu/relu6 in convolutions, MNN's int32 shape arithmetic, NC4HW4 as NCHW. Outputs are the
 * net's {@code outputName}s, else the tensors no op reads. A quantized model (int8 convolution weights,
 * int8 {@code quantInfo} on tensors) reads back as a QDQ graph (docs/QUANTIZATION.md) that computes
 * what MNN's int8 inference computes: a convolution whose input and output tensors are int8 reads its
 * input through a QuantizeLinear/DequantizeLinear pair and writes its output through one.
 */
@Component(service = ModelImporter.class, property = "mobilize.format=mnn")
public final class MnnImporter implements ModelImporter {

  private final ModelInspector inspector;

  @Activate
  public MnnImporter(@Reference ModelInspector inspector) {
    this.inspector = inspector;
  }

  @Override
  public String format() {
    return "mnn";
  }

  @Override
  public List<String> extensions() {
    return List.of(".mnn");
  }

  /** A FlatBuffer whose root table has a plausible Net vtable with an op list. */
  @Override
  public boolean accepts(Path file, byte[] head) {
    if (head.length < 16) {
      return false;
    }
    ByteBuffer bb = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    int root = bb.getInt(0);
    if (root < 4 || (root & 3) != 0 || root + 4 > head.length) {
      return false;
    }
    int vt = root - bb.getInt(root);
    if (vt < 4 || vt + 4 > head.length) {
      return false;
    }
    int vtLen = Short.toUnsignedInt(bb.getShort(vt));
    int tableLen = Short.toUnsignedInt(bb.getShort(vt + 2));
    if (vtLen < 4 || (vtLen & 1) != 0 || vtLen > 4 + 2 * (MnnSchema.NET_FIELDS + 8) || tableLen < 4
        || vt + vtLen > head.length) {
      return false;
    }
    int opsAt = 4 + 2 * MnnSchema.NET_OPLISTS;
    return opsAt + 2 <= vtLen && bb.getShort(vt + opsAt) != 0;
  }

  @Override
  public Model read(Path file, Options options) {
    String fileName = file.getFileName().toString();
    try {
      return toModel(Files.readAllBytes(file));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL, e.getMessage(), e).inFile(fileName);
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot be read: " + e.getMessage(), e).inFile(fileName);
    } catch (MobilizeException e) {
      throw e.inFile(fileName);
    }
  }

  Model toModel(byte[] bytes) {
    FlatBuffers.Table net = FlatBuffers.Table.root(bytes);
    int tensorCount = net.length(MnnSchema.NET_TENSOR_NAME);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < tensorCount; i++) {
      String n = net.stringAt(MnnSchema.NET_TENSOR_NAME, i);
      names.add(n.isEmpty() || names.contains(n) ? "t" + i : n);
    }
    int opCount = net.length(MnnSchema.NET_OPLISTS);
    List<String> unsupported = new ArrayList<>();
    for (int i = 0; i < opCount; i++) {
      FlatBuffers.Table op = net.tableAt(MnnSchema.NET_OPLISTS, i);
      String type = typeName(op);
      if (!type.equals("Input") && !MnnReaders.TABLE.containsKey(type)) {
        unsupported.add(type + " ('" + op.string(MnnSchema.OP_NAME) + "')");
      }
    }
    if (!unsupported.isEmpty()) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, unsupported.size() + " op(s) have types the MNN "
          + "importer does not read: " + String.join(", ", unsupported));
    }
    ImportContext ctx = new ImportContext(names);
    for (int i = 0; i < net.length(MnnSchema.NET_EXTRA_TENSOR_DESCRIBE); i++) {
      FlatBuffers.Table d = net.tableAt(MnnSchema.NET_EXTRA_TENSOR_DESCRIBE, i);
      FlatBuffers.Table q = d.table(MnnSchema.DESCRIBE_QUANT_INFO);
      // MNN's QuantAttr is int8 unless the type says otherwise
      int type = q == null ? -1 : q.getInt(MnnSchema.QUANT_INFO_TYPE, 0);
      if (q != null && (type == 0 || type == MnnSchema.DT_INT8)) {
        ctx.int8Scales.put(d.getInt(MnnSchema.DESCRIBE_INDEX, 0), q.getFloat(MnnSchema.QUANT_INFO_SCALE, 0f));
      }
    }
    Set<Integer> consumed = new HashSet<>();
    Set<Integer> produced = new LinkedHashSet<>();
    List<ValueInfo> inputs = new ArrayList<>();
    for (int i = 0; i < opCount; i++) {
      FlatBuffers.Table op = net.tableAt(MnnSchema.NET_OPLISTS, i);
      String type = typeName(op);
      String name = op.string(MnnSchema.OP_NAME);
      ctx.opName = name == null || name.isEmpty() ? type + i : name;
      ctx.inputs = orEmpty(op.ints(MnnSchema.OP_INPUT_INDEXES));
      ctx.outputs = orEmpty(op.ints(MnnSchema.OP_OUTPUT_INDEXES));
      for (int in : ctx.inputs) {
        if (!produced.contains(in)) {
          throw new IllegalArgumentException("op '" + ctx.opName + "' reads tensor " + in + " before any op writes it");
        }
        consumed.add(in);
      }
      for (int out : ctx.outputs) {
        produced.add(out);
      }
      FlatBuffers.Table param = op.getByte(MnnSchema.OP_MAIN_TYPE, 0) == 0 ? null : op.table(MnnSchema.OP_MAIN);
      try {
        if (type.equals("Input")) {
          inputs.add(input(param, ctx.out(0)));
        } else {
          MnnReaders.TABLE.get(type).read(param, ctx);
        }
      } catch (IllegalArgumentException | IndexOutOfBoundsException | NullPointerException e) {
        throw new MobilizeException(ErrorCode.INVALID_MODEL, "op '" + ctx.opName + "' (" + type + "): "
            + e.getMessage(), e);
      }
    }
    List<String> outNames = new ArrayList<>();
    for (int i = 0; i < net.length(MnnSchema.NET_OUTPUT_NAME); i++) {
      outNames.add(net.stringAt(MnnSchema.NET_OUTPUT_NAME, i));
    }
    if (outNames.isEmpty()) {
      for (int t : produced) {
        if (!consumed.contains(t) && inputs.stream().noneMatch(v -> v.name().equals(names.get(t)))) {
          outNames.add(names.get(t));
        }
      }
    }
    Graph.Builder g = ctx.graph.inputs(inputs)
        .outputs(outNames.stream().map(n -> new ValueInfo(n, DataType.FLOAT, Shape.UNKNOWN)).toList());
    Model model = Model.of(g.build(), Map.of("", 21L));
    Graph typed = inspector.inferShapes(model).graph();
    return model.withGraph(typed);
  }

  private static ValueInfo input(FlatBuffers.Table p, String name) {
    int[] dims = p == null ? null : p.ints(0);
    DataType type = ImportContext.type(p == null ? MnnSchema.DT_FLOAT : p.getInt(1, MnnSchema.DT_FLOAT));
    if (dims == null || dims.length == 0) {
      return new ValueInfo(name, type, Shape.UNKNOWN);
    }
    List<Dim> d = new ArrayList<>();
    for (int i = 0; i < dims.length; i++) {
      // MNN resizes inputs at run time; the batch is free
      d.add(dims[i] > 0 && i > 0 ? Dim.of(dims[i]) : Dim.symbol(i == 0 ? "N" : name + "_d" + i));
    }
    return new ValueInfo(name, type, Shape.of(d));
  }

  static String typeName(FlatBuffers.Table op) {
    int t = op.getInt(MnnSchema.OP_TYPE, 0);
    return MnnSchema.OP_TYPE_NAMES.getOrDefault(t, "OpType" + t);
  }

  private static int[] orEmpty(int[] a) {
    return a == null ? new int[0] : a;
  }
}
