package dev.mobilize.mnn;

import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.AtomicFiles;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ModelExporter;
import dev.mobilize.service.Options;
import dev.mobilize.service.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes MNN models: {@code NAME.mnn}, a FlatBuffers {@code Net} with NCHW Input ops, Const ops for
 * the constants the ops read as tensors, and weights inside the convolution ops. Graph input and
 * output names are the tensor names. Option {@code fp16=true} stores convolution weights and float
 * constants as half (IDSTQuan type 3 and DT_HALF blobs, as MNNConvert --fp16 does). A QDQ graph
 * (docs/QUANTIZATION.md) is written as MNN's quantized models are ({@link Int8Lowering}): int8
 * convolutions with per-channel weight scales, and the int8 scale of their tensors in
 * {@code extraTensorDescribe[].quantInfo}; quantized ops MNN does not run in int8 are written in float,
 * with a warning naming them.
 */
@Component(service = ModelExporter.class, property = "mobilize.format=mnn")
public final class MnnExporter implements ModelExporter {

  private static final Logger LOG = LoggerFactory.getLogger(MnnExporter.class);

  /** One op to write: its parameter is built by {@code param} (0 = none). */
  record Op(String type, String name, List<String> inputs, List<String> outputs, String paramType,
      ToIntFunction<FlatBuffers.Builder> param) {}

  @Override
  public String format() {
    return "mnn";
  }

  @Override
  public Set<String> expresses() {
    return Set.of(FusedOps.FUSED_CONV);
  }

  @Override
  public List<Problem> check(Model model, Options options) {
    List<Problem> problems = new ArrayList<>();
    Int8Lowering.Result lowered = Int8Lowering.lower(model.graph());
    ops(lowered, half(options), problems, new LinkedHashMap<>(lowered.scales()));
    return problems;
  }

  @Override
  public List<Path> write(Model model, Path directory, String baseName, Options options) {
    List<Problem> problems = new ArrayList<>();
    Int8Lowering.Result lowered = Int8Lowering.lower(model.graph());
    Map<String, Float> scales = new LinkedHashMap<>(lowered.scales());
    List<Op> ops = ops(lowered, half(options), problems, scales);
    if (!problems.isEmpty()) {
      throw MobilizeException.ofProblems(problems.size() + " node(s) cannot be written as MNN ops; nothing was "
          + "written", problems);
    }
    List<String> floatNodes = lowered.floatNodes();
    if (!floatNodes.isEmpty()) {
      LOG.warn("{}: {} quantized node(s) are written in float (MNN runs convolutions with quantized input and "
          + "output in int8, as its calibration tool quantizes them): {}", baseName, floatNodes.size(),
          String.join(", ", floatNodes.subList(0, Math.min(10, floatNodes.size())))
          + (floatNodes.size() > 10 ? ", ..." : ""));
    }
    Path file = directory.resolve(baseName + ".mnn");
    AtomicFiles.write(file, serialize(ops, model.graph().outputs().stream().map(ValueInfo::name).toList(), scales));
    return List.of(file);
  }

  /** Option {@code fp16}: weights and float constants stored as half, as MNNConvert --fp16 stores them. */
  static boolean half(Options options) {
    return options.getBoolean("fp16", false);
  }

  /**
   * The MNN ops for a lowered graph; every node MNN cannot express is added to {@code problems}, the
   * int8 scales of the tensors the writers make to {@code scales}.
   */
  static List<Op> ops(Int8Lowering.Result lowered, boolean half, List<Problem> problems, Map<String, Float> scales) {
    Graph g = lowered.graph();
    List<Op> ops = new ArrayList<>();
    for (ValueInfo in : g.inputs()) {
      int[] dims = in.shape().hasRank()
          ? in.shape().dimList().stream().mapToInt(d -> d.isFixed() ? (int) d.value() : -1).toArray() : new int[0];
      int type;
      try {
        type = ImportContext.mnnType(in.type());
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(ErrorCode.UNSUPPORTED_OP, "", "input '" + in.name() + "': " + e.getMessage()));
        continue;
      }
      ops.add(new Op("Input", in.name(), List.of(), List.of(in.name()), "Input", b -> {
        int d = b.ints(dims);
        b.startTable(3);
        b.addOffset(0, d);
        b.addInt(1, type, MnnSchema.DT_FLOAT);
        b.addByte(2, MnnSchema.NCHW, MnnSchema.NC4HW4);
        return b.endTable();
      }));
    }
    ExportContext ctx = new ExportContext(g, ops, half, lowered.convs(), scales);
    for (Node n : g.nodes()) {
      MnnOpWriter w = MnnWriters.TABLE.get(n.opType());
      if (w == null) {
        problems.add(Problem.at(n, ErrorCode.UNSUPPORTED_OP, "MNN has no op for " + n.opType()
            + " here (the MNN exporter writes " + MnnWriters.TABLE.size() + " op types)"));
        continue;
      }
      try {
        w.write(n, ctx);
      } catch (IllegalArgumentException e) {
        problems.add(Problem.at(n, ErrorCode.UNSUPPORTED_OP, e.getMessage()));
      }
    }
    for (ValueInfo out : g.outputs()) {
      if (g.initializer(out.name()).isPresent() || g.inputs().stream().anyMatch(i -> i.name().equals(out.name()))) {
        problems.add(new Problem(ErrorCode.UNSUPPORTED_OP, "", "output '" + out.name()
            + "' is a constant or an input; MNN outputs must be computed by an op"));
      }
    }
    return ops;
  }

  /**
   * The FlatBuffer of a net; {@code scales} are the int8 scales of tensors (symmetric, clamp [-128, 127]
   * as QuantizeLinear), written as {@code extraTensorDescribe[].quantInfo}.
   */
  static byte[] serialize(List<Op> ops, List<String> outputs, Map<String, Float> scales) {
    Map<String, Integer> index = new LinkedHashMap<>();
    for (Op op : ops) {
      for (String s : op.inputs()) {
        index.putIfAbsent(s, index.size());
      }
      for (String s : op.outputs()) {
        index.putIfAbsent(s, index.size());
      }
    }
    FlatBuffers.Builder b = new FlatBuffers.Builder();
    int[] opOffsets = new int[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      int param = op.param() == null ? 0 : op.param().applyAsInt(b);
      int name = b.string(op.name());
      int ins = b.ints(op.inputs().stream().mapToInt(index::get).toArray());
      int outs = b.ints(op.outputs().stream().mapToInt(index::get).toArray());
      b.startTable(MnnSchema.OP_FIELDS);
      b.addOffset(MnnSchema.OP_INPUT_INDEXES, ins);
      if (param != 0) {
        b.addByte(MnnSchema.OP_MAIN_TYPE, MnnSchema.param(op.paramType()), 0);
        b.addOffset(MnnSchema.OP_MAIN, param);
      }
      b.addOffset(MnnSchema.OP_NAME, name);
      b.addOffset(MnnSchema.OP_OUTPUT_INDEXES, outs);
      b.addInt(MnnSchema.OP_TYPE, MnnSchema.opType(op.type()), 0);
      b.addByte(MnnSchema.OP_DEFAULT_FORMAT, MnnSchema.NCHW, MnnSchema.NHWC);
      opOffsets[i] = b.endTable();
    }
    int opList = b.offsets(opOffsets);
    int describe = scales.isEmpty() ? 0 : b.offsets(scales.entrySet().stream().filter(e -> index.containsKey(e.getKey()))
        .mapToInt(e -> quantDescribe(b, index.get(e.getKey()), e.getValue())).toArray());
    int outNames = b.offsets(outputs.stream().mapToInt(b::string).toArray());
    int tensorNames = b.offsets(index.keySet().stream().mapToInt(b::string).toArray());
    b.startTable(MnnSchema.NET_FIELDS);
    b.addOffset(MnnSchema.NET_EXTRA_TENSOR_DESCRIBE, describe);
    b.addOffset(MnnSchema.NET_OPLISTS, opList);
    b.addOffset(MnnSchema.NET_OUTPUT_NAME, outNames);
    b.addByte(MnnSchema.NET_SOURCE_TYPE, MnnSchema.SOURCE_ONNX, 0);
    b.addOffset(MnnSchema.NET_TENSOR_NAME, tensorNames);
    b.addInt(MnnSchema.NET_TENSOR_NUMBER, index.size(), 0);
    return b.finish(b.endTable());
  }

  /** TensorDescribe {index, quantInfo: TensorQuantInfo {scale, zero 0, min -128, max 127, type DT_INT8}}. */
  private static int quantDescribe(FlatBuffers.Builder b, int tensor, float scale) {
    b.startTable(MnnSchema.QUANT_INFO_FIELDS);
    b.addFloat(MnnSchema.QUANT_INFO_SCALE, scale, 0f);
    b.addFloat(MnnSchema.QUANT_INFO_MIN, -128f, 0f);
    b.addFloat(MnnSchema.QUANT_INFO_MAX, 127f, 0f);
    b.addInt(MnnSchema.QUANT_INFO_TYPE, MnnSchema.DT_INT8, 0);
    int info = b.endTable();
    b.startTable(MnnSchema.DESCRIBE_FIELDS);
    b.addInt(MnnSchema.DESCRIBE_INDEX, tensor, -1);
    b.addOffset(MnnSchema.DESCRIBE_QUANT_INFO, info);
    return b.endTable();
  }
}
