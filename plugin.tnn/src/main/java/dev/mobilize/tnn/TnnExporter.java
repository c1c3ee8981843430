package dev.mobilize.tnn;

import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.AtomicFiles;
import dev.mobilize.service.ConstantFolder;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ModelExporter;
import dev.mobilize.service.ModelInspector;
import dev.mobilize.service.Options;
import dev.mobilize.service.Problem;
import dev.mobilize.service.ServiceProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes TNN models: {@code NAME.tnnproto} (text) and {@code NAME.tnnmodel} (fp32 resources), v2
 * format as TNN's onnx2tnn writes them. Graph input and output names are the blob names. Shapes
 * must be static (option {@code input-shape}, {@code x:1,3,224,224}; a symbolic batch becomes 1);
 * constant subgraphs (Constant, Shape of static values, ops on constants) are folded first.
 * Option {@code fp16} stores the weights as half ({@link HalfWeights}). In QDQ graphs the convolutions
 * and fully connected layers of the int8 pattern ({@link Int8Convs}, {@link Int8Fcs}) become
 * QuantizedConvolution / QuantizedInnerProduct layers, and pooling, Add, Concat and Relu between
 * Q/DQ pairs ({@link Int8Ops}) their Quantized layers, with BlobScale resources as TNN's int8 models
 * have them; the other QuantizeLinear/DequantizeLinear are written in float, with a warning. The
 * service properties ask {@code convert --int8} for that extended QDQ form (every output quantized,
 * {@link Int8Ops#DECLARED} in the QDQ style).
 */
@Component(service = ModelExporter.class, property = {"mobilize.format=tnn",
    ServiceProperties.INT8_OPS + "=" + Int8Ops.DECLARED, ServiceProperties.INT8_OUTPUTS + "=all"})
public final class TnnExporter implements ModelExporter {

  private static final Logger LOG = LoggerFactory.getLogger(TnnExporter.class);

  private final ConstantFolder folder;

  /**
   * @param inspector shape inference
   * @param executor the CPU executor to fold constant subgraphs, or null (then they are reported)
   */
  @Activate
  public TnnExporter(@Reference ModelInspector inspector,
      @Reference(cardinality = ReferenceCardinality.OPTIONAL, target = "(mobilize.executor=cpu)") GraphExecutor executor) {
    this.folder = new ConstantFolder(inspector, executor);
  }

  @Override
  public String format() {
    return "tnn";
  }

  @Override
  public Set<String> expresses() {
    return Set.of(FusedOps.FUSED_CONV, FusedOps.FUSED_GEMM);
  }

  @Override
  public List<Problem> check(Model model, Options options) {
    List<Problem> problems = new ArrayList<>();
    build(model, options, problems);
    return problems;
  }

  @Override
  public List<Path> write(Model model, Path directory, String baseName, Options options) {
    List<Problem> problems = new ArrayList<>();
    TnnNet net = build(model, options, problems);
    if (!problems.isEmpty()) {
      throw MobilizeException.ofProblems(problems.size() + " problem(s): the model cannot be written as TNN "
          + "layers; nothing was written", problems);
    }
    if (options.getBoolean("fp16", false)) {
      HalfWeights.apply(net);
    }
    List<String> floatQdq = net.floatQdq.entrySet().stream().filter(e -> !net.blobScales.containsKey(e.getValue()))
        .map(Map.Entry::getKey).toList();
    if (!floatQdq.isEmpty()) {
      LOG.warn("{}: {} QuantizeLinear/DequantizeLinear node(s) outside TNN's int8 layers are written in float (int8 "
          + "are convolutions and fully connected layers with quantized input and output, and {}): {}", baseName,
          floatQdq.size(), Int8Ops.DECLARED, String.join(", ", floatQdq.subList(0, Math.min(10, floatQdq.size())))
          + (floatQdq.size() > 10 ? ", ..." : ""));
    }
    Path proto = directory.resolve(baseName + ".tnnproto");
    Path bin = directory.resolve(baseName + ".tnnmodel");
    AtomicFiles.write(proto, TnnProto.write(net).getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(bin, TnnModelFile.write(net));
    return List.of(proto, bin);
  }

  /** The TNN net of a model; everything TNN cannot express goes to {@code problems}, all at once. */
  TnnNet build(Model model, Options options, List<Problem> problems) {
    Model m;
    Map<String, Int8Convs.Int8Conv> int8;
    Map<String, Int8Fcs.Int8Fc> int8Fcs;
    Map<String, Int8Ops.Int8Op> int8Ops;
    try {
      Model typed = folder.inferShapes(ConstantFolder.withInputShapes(model,
          options.getShapes("input-shape")));
      int8 = Int8Convs.find(typed.graph());
      int8Fcs = Int8Fcs.find(typed.graph());
      int8Ops = Int8Ops.find(typed.graph());
      m = folder.fold(typed);
    } catch (MobilizeException e) {
      problems.add(new Problem(e.code(), e.node(), e.detail()));
      return new TnnNet();
    }
    Graph g = m.graph();
    ExportContext ctx = new ExportContext(g, m.opset(), int8, int8Fcs, int8Ops);
    for (ValueInfo in : g.inputs()) {
      checkName(in.name(), problems);
      long[] d = in.shape().staticDims().orElse(null);
      if (d == null) {
        problems.add(new Problem(ErrorCode.SHAPE_MISMATCH, "", "input '" + in.name() + "' has shape " + in.shape()
            + "; TNN needs fixed input shapes: give them with option input-shape (" + in.name() + ":1,3,224,224)"));
        continue;
      }
      int[] dims = new int[d.length];
      for (int i = 0; i < d.length; i++) {
        dims[i] = (int) d[i];
      }
      ctx.net.inputs.add(new TnnNet.Input(in.name(), dims, RawBuffer.FLOAT));
    }
    for (Node n : g.nodes()) {
      if (ctx.written.contains(n.output(0))) {
        continue;
      }
      for (String o : n.outputs()) {
        checkName(o, problems);
      }
      TnnLayerWriter w = TnnWriters.TABLE.get(TnnWriters.key(n));
      if (w == null) {
        problems.add(Problem.at(n, ErrorCode.UNSUPPORTED_OP, "TNN has no layer written for " + TnnWriters.key(n)
            + "; the TNN exporter writes " + String.join(", ", new java.util.TreeSet<>(TnnWriters.TABLE.keySet()))));
        continue;
      }
      try {
        w.write(n, ctx);
      } catch (IllegalArgumentException | IllegalStateException e) {
        problems.add(Problem.at(n, ErrorCode.UNSUPPORTED_OP, e.getMessage()));
      }
    }
    for (ValueInfo out : g.outputs()) {
      if (g.initializer(out.name()).isPresent() || g.inputs().stream().anyMatch(i -> i.name().equals(out.name()))) {
        problems.add(new Problem(ErrorCode.UNSUPPORTED_OP, "", "output '" + out.name()
            + "' is a constant or an input; TNN outputs must be computed by a layer"));
      }
      ctx.net.outputs.add(out.name());
    }
    return ctx.net;
  }

  private static void checkName(String name, List<Problem> problems) {
    if (name.isEmpty() || name.chars().anyMatch(c -> Character.isWhitespace(c) || c == ',' || c == '"' || c == ':')) {
      problems.add(new Problem(ErrorCode.UNSUPPORTED_OP, "", "value name '" + name + "' holds a space, comma, "
          + "quote or colon, which the .tnnproto cannot hold; rename it"));
    }
  }
}
