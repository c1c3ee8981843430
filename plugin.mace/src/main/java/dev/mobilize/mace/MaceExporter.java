package dev.mobilize.mace;

import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.mace.proto.MaceNet;
import dev.mobilize.mace.proto.MaceNet.InputOutputInfo;
import dev.mobilize.mace.proto.MaceNet.NetDef;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

/**
 * Writes MACE models as MACE's converter does for the CPU runtime: {@code NAME.pb} (a MultiNetDef
 * with one NetDef: ops with their arguments and output shapes, weights as ConstTensors with
 * offsets, input_info/output_info), {@code NAME.data} (the weights) and {@code NAME.yml} (the
 * deployment description). Options: {@code fp16} stores float weights as DT_HALF; {@code obfuscate}
 * replaces op and internal tensor names by opaque ids (the graph's input and output names stay, as
 * with MACE's obfuscation) and writes the mapping to {@code NAME.obfuscation.txt} (keep it private);
 * {@code embed} writes {@code NAME.h}, C++ source holding graph and weights as byte arrays, instead of
 * .pb and .data; {@code input-shape} ({@code x=1,3,224,224}) fixes input shapes (a symbolic batch is 1).
 *
 * <p>Example: {@code exporter.write(model, Path.of("out"), "mobilenet", Options.of(Map.of("fp16", "true")))}.
 */
@Component(service = ModelExporter.class, property = {"mobilize.format=mace", ServiceProperties.INT8_OUTPUTS + "=all"})
public final class MaceExporter implements ModelExporter {

  private final ConstantFolder folder;

  @Activate
  public MaceExporter(@Reference ModelInspector inspector,
      @Reference(cardinality = ReferenceCardinality.OPTIONAL, target = "(mobilize.executor=cpu)") GraphExecutor executor) {
    this.folder = new ConstantFolder(inspector, executor);
  }

  @Override
  public String format() {
    return "mace";
  }

  @Override
  public Set<String> expresses() {
    return Set.of(FusedOps.FUSED_CONV, FusedOps.FUSED_CONV_TRANSPOSE, FusedOps.FUSED_GEMM);
  }

  @Override
  public List<Problem> check(Model model, Options options) {
    List<Problem> problems = new ArrayList<>();
    build(model, options, problems, false);
    return problems;
  }

  @Override
  public List<Path> write(Model model, Path directory, String baseName, Options options) {
    List<Problem> problems = new ArrayList<>();
    Built built = build(model, options, problems, true);
    if (!problems.isEmpty()) {
      throw MobilizeException.ofProblems(problems.size() + " problem(s): the model cannot be written as MACE ops; "
          + "nothing was written", problems);
    }
    boolean fp16 = options.getBoolean("fp16", false);
    boolean obfuscate = options.getBoolean("obfuscate", false);
    boolean embed = options.getBoolean("embed", false);
    MaceNet.MultiNetDef net = built.net;
    List<Path> written = new ArrayList<>();
    if (obfuscate) {
      MaceObfuscation.Result r = MaceObfuscation.apply(net);
      net = r.net();
      Path map = directory.resolve(baseName + ".obfuscation.txt");
      AtomicFiles.write(map, r.mapping().getBytes(StandardCharsets.UTF_8));
      written.add(map);
    }
    Path yml = directory.resolve(baseName + ".yml");
    String yaml = MaceYaml.write(baseName, net, fp16, obfuscate, embed);
    if (embed) {
      Path h = directory.resolve(baseName + ".h");
      AtomicFiles.write(h, MaceEmbed.write(baseName, net.toByteArray(), built.data).getBytes(StandardCharsets.UTF_8));
      written.add(0, h);
    } else {
      Path pb = directory.resolve(baseName + ".pb");
      Path data = directory.resolve(baseName + ".data");
      AtomicFiles.write(pb, net.toByteArray());
      AtomicFiles.write(data, built.data);
      written.add(0, pb);
      written.add(1, data);
    }
    AtomicFiles.write(yml, yaml.getBytes(StandardCharsets.UTF_8));
    written.add(yml);
    return written;
  }

  /** The net and its weight bytes. */
  record Built(MaceNet.MultiNetDef net, byte[] data) {}

  /**
   * The MACE net of a model; everything MACE cannot express goes to {@code problems}, all at once.
   * With {@code warn}, quantized ops written in float are logged.
   */
  Built build(Model model, Options options, List<Problem> problems, boolean warn) {
    Model m;
    try {
      Model typed = folder.inferShapes(ConstantFolder.withInputShapes(model,
          options.getShapes("input-shape")));
      m = folder.fold(typed.withGraph(MaceInt8Lowering.lower(typed.graph(), warn)));
    } catch (MobilizeException e) {
      problems.add(new Problem(e.code(), e.node(), e.detail()));
      return new Built(MaceNet.MultiNetDef.getDefaultInstance(), new byte[0]);
    }
    Graph g = MaceLowering.lower(m.graph());
    ExportContext ctx = new ExportContext(g, options.getBoolean("fp16", false));
    NetDef.Builder net = NetDef.newBuilder();
    for (ValueInfo in : g.inputs()) {
      long[] d = in.shape().staticDims().orElse(null);
      if (d == null) {
        problems.add(new Problem(ErrorCode.SHAPE_MISMATCH, "", "input '" + in.name() + "' has shape " + in.shape()
            + "; MACE needs fixed input shapes: give them with option input-shape (" + in.name() + "=1,3,224,224)"));
        continue;
      }
      boolean nhwc = d.length == 4;
      if (nhwc) {
        ctx.formatted.add(in.name());
      }
      net.addInputInfo(info(in.name(), nhwc ? Formats.toNhwc(d) : d, in.type().isFloatingPoint()
          ? MaceNet.DataType.DT_FLOAT : MaceNet.DataType.DT_INT32, nhwc ? Formats.NHWC : Formats.NONE));
    }
    for (Node n : g.nodes()) {
      MaceWriters.Writer w = MaceInt8Lowering.lowered(n) ? MaceInt8Writers.writer(n)
          : MaceWriters.TABLE.get(MaceWriters.key(n));
      if (w == null) {
        problems.add(Problem.at(n, ErrorCode.UNSUPPORTED_OP, "MACE has no op written for " + MaceWriters.key(n)
            + "; the MACE exporter writes " + String.join(", ", new TreeSet<>(MaceWriters.TABLE.keySet()))));
        continue;
      }
      try {
        w.write(n, ctx);
      } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
        problems.add(Problem.at(n, ErrorCode.UNSUPPORTED_OP, String.valueOf(e.getMessage())));
      }
    }
    Set<String> inputs = new HashSet<>();
    g.inputs().forEach(i -> inputs.add(i.name()));
    for (ValueInfo out : g.outputs()) {
      if (g.initializer(out.name()).isPresent() || inputs.contains(out.name())) {
        problems.add(new Problem(ErrorCode.UNSUPPORTED_OP, "", "output '" + out.name()
            + "' is a constant or an input; MACE outputs must be computed by an op"));
        continue;
      }
      long[] d = ctx.dims(out.name());
      if (d == null) {
        problems.add(new Problem(ErrorCode.SHAPE_MISMATCH, "", "output '" + out.name() + "' has no static shape"));
        continue;
      }
      boolean nhwc = ctx.formatted.contains(out.name());
      net.addOutputInfo(info(out.name(), nhwc ? Formats.toNhwc(d) : d, MaceNet.DataType.DT_FLOAT,
          nhwc ? Formats.NHWC : d.length == 4 ? Formats.NCHW : Formats.NONE));
    }
    net.addAllOp(ctx.ops);
    net.addArg(ExportContext.intArg("filter_format", Formats.OIHW));
    net.addArg(ExportContext.intArg("data_format", Formats.NCHW));
    net.addArg(ExportContext.intArg("framework_type", Formats.FRAMEWORK_ONNX));
    net.addArg(ExportContext.intArg("runtime_type", 0));
    net.addAllTensors(ctx.tensors.values());
    net.setDataType(options.getBoolean("fp16", false) ? MaceNet.DataType.DT_HALF : MaceNet.DataType.DT_FLOAT);
    net.setName("default_graph").setDataOffset(0).setDataSize(ctx.data.size()).setInferOrder(0);
    MaceNet.MultiNetDef.Builder multi = MaceNet.MultiNetDef.newBuilder().addNetDef(net);
    g.inputs().forEach(i -> multi.addInputTensor(i.name()));
    g.outputs().forEach(o -> multi.addOutputTensor(o.name()));
    return new Built(multi.build(), ctx.data.toByteArray());
  }

  private static InputOutputInfo info(String name, long[] dims, MaceNet.DataType type, int format) {
    InputOutputInfo.Builder b = InputOutputInfo.newBuilder().setName(name).setDataType(type).setDataFormat(format)
        .setAlias(name);
    for (long d : dims) {
      b.addDims(Math.toIntExact(d));
    }
    return b.build();
  }
}
