package dev.mobilize.ncnn;

import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.AtomicFiles;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ModelExporter;
import dev.mobilize.service.ModelInspector;
import dev.mobilize.service.Options;
import dev.mobilize.service.Problem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

/**
 * Writes ncnn models: {@code NAME.param} (text) and {@code NAME.bin} (weights), plus with option
 * {@code param-bin} the binary {@code NAME.param.bin}, and with {@code embed} the C headers
 * {@code NAME.id.h} and {@code NAME.mem.h} as ncnn2mem makes them. Option {@code fp16} stores
 * weights as float16. Graph input and output names are the blob names.
 *
 * <p>Example: {@code exporter.write(model, Path.of("out"), "mobilenet", Options.of(Map.of("embed", "true")))}.
 */
@Component(service = ModelExporter.class, property = "mobilize.format=ncnn")
public final class NcnnExporter implements ModelExporter {

  private final NcnnLowering lowering;

  /**
   * @param inspector shape inference (ncnn needs static shapes)
   * @param executor the CPU executor to fold shape computations, or null
   */
  @Activate
  public NcnnExporter(@Reference ModelInspector inspector,
      @Reference(cardinality = ReferenceCardinality.OPTIONAL, target = "(mobilize.executor=cpu)") GraphExecutor executor) {
    this.lowering = new NcnnLowering(inspector, executor);
  }

  @Override
  public String format() {
    return "ncnn";
  }

  @Override
  public Set<String> expresses() {
    return Set.of(FusedOps.FUSED_CONV, FusedOps.FUSED_CONV_TRANSPOSE, FusedOps.FUSED_GEMM);
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
    NcnnNet net = build(model, options, problems);
    if (!problems.isEmpty()) {
      throw MobilizeException.ofProblems(problems.size() + " node(s) cannot be written as ncnn layers; nothing was "
          + "written", problems);
    }
    ModelBin.Storage storage = options.getBoolean("fp16", false) ? ModelBin.Storage.FP16 : ModelBin.Storage.FP32;
    byte[] param = ParamText.write(net).getBytes(StandardCharsets.UTF_8);
    byte[] bin = ModelBin.write(net, storage);
    List<Path> files = new ArrayList<>();
    files.add(put(directory.resolve(baseName + ".param"), param));
    files.add(put(directory.resolve(baseName + ".bin"), bin));
    boolean embed = options.getBoolean("embed", false);
    if (options.getBoolean("param-bin", false) || embed) {
      byte[] paramBin = ParamBinary.write(net);
      files.add(put(directory.resolve(baseName + ".param.bin"), paramBin));
      if (embed) {
        files.add(put(directory.resolve(baseName + ".id.h"),
            EmbedHeaders.idHeader(net, baseName + ".param", baseName + ".id.h")));
        files.add(put(directory.resolve(baseName + ".mem.h"),
            EmbedHeaders.memHeader(paramBin, baseName + ".param.bin", bin, baseName + ".bin", baseName + ".mem.h")));
      }
    }
    return files;
  }

  private static Path put(Path file, byte[] bytes) {
    AtomicFiles.write(file, bytes);
    return file;
  }

  /** The ncnn net for a model; every node ncnn cannot express is added to {@code problems}. */
  NcnnNet build(Model model, Options options, List<Problem> problems) {
    Model lowered;
    try {
      lowered = lowering.lower(model, options);
    } catch (CannotExpress e) {
      problems.add(new Problem(ErrorCode.UNSUPPORTED_OP, "", e.getMessage()));
      return new NcnnNet();
    }
    Graph g = lowered.graph();
    ExportContext ctx = new ExportContext(g);
    for (ValueInfo in : g.inputs()) {
      try {
        NcnnLayer l = new NcnnLayer("Input", ctx.unique(in.name()), List.of(), List.of(in.name()));
        ExportContext.setShape(l.params, ctx.blobDims(in.name()));
        ctx.net.layers.add(l);
      } catch (CannotExpress e) {
        problems.add(new Problem(ErrorCode.SHAPE_MISMATCH, "", "input '" + in.name() + "': " + e.getMessage()));
      }
    }
    for (Node n : g.nodes()) {
      NcnnLayerWriter w = NcnnWriters.TABLE.get(NcnnWriters.key(n));
      if (w == null) {
        problems.add(Problem.at(n, ErrorCode.UNSUPPORTED_OP, "ncnn has no layer for " + NcnnWriters.key(n)
            + " here (the ncnn exporter writes " + NcnnWriters.TABLE.size() + " op types; see 'formats')"));
        continue;
      }
      try {
        w.write(n, ctx);
      } catch (CannotExpress | IllegalArgumentException e) {
        problems.add(Problem.at(n, ErrorCode.UNSUPPORTED_OP, e.getMessage()));
      }
    }
    for (ValueInfo out : g.outputs()) {
      if (g.initializer(out.name()).isPresent() || g.inputs().stream().anyMatch(i -> i.name().equals(out.name()))) {
        problems.add(new Problem(ErrorCode.UNSUPPORTED_OP, "", "output '" + out.name()
            + "' is a constant or an input; ncnn outputs must be computed by a layer"));
      }
    }
    if (!problems.isEmpty()) {
      return ctx.net;
    }
    NcnnNet net = ctx.net;
    dropRedundantReshapes(net, g);
    insertSplits(net);
    FuseRequantize.apply(net);
    return net;
  }

  /**
   * A Reshape or Flatten read only by a Reshape, Flatten or InnerProduct changes nothing they
   * compute (InnerProduct flattens its input): skip it, as ncnnoptimize drops the Flatten after a
   * global pooling.
   */
  static void dropRedundantReshapes(NcnnNet net, Graph g) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (NcnnLayer r : net.layers) {
        if (!r.type.equals("Reshape") && !r.type.equals("Flatten") || r.outputs.size() != 1) {
          continue;
        }
        String out = r.outputs.get(0);
        if (g.outputs().stream().anyMatch(o -> o.name().equals(out))) {
          continue;
        }
        List<NcnnLayer> users = net.layers.stream().filter(l -> l.inputs.contains(out)).toList();
        if (users.size() == 1 && Set.of("Reshape", "Flatten", "InnerProduct").contains(users.get(0).type)
            && users.get(0).inputs.size() == 1) {
          users.get(0).inputs.set(0, r.inputs.get(0));
          net.layers.remove(r);
          changed = true;
          break;
        }
      }
    }
  }

  /** ncnn wants each blob read once: a blob read by several layers goes through a Split. */
  static void insertSplits(NcnnNet net) {
    Map<String, Integer> uses = new HashMap<>();
    for (NcnnLayer l : net.layers) {
      for (String in : l.inputs) {
        uses.merge(in, 1, Integer::sum);
      }
    }
    int splitCount = 0;
    for (int i = 0; i < net.layers.size(); i++) {
      NcnnLayer producer = net.layers.get(i);
      for (String blob : producer.outputs) {
        int n = uses.getOrDefault(blob, 0);
        if (n < 2) {
          continue;
        }
        List<String> outs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
          outs.add(blob + "_splitncnn_" + k);
        }
        NcnnLayer split = new NcnnLayer("Split", "splitncnn_" + splitCount++, List.of(blob), outs);
        int next = 0;
        for (int j = i + 1; j < net.layers.size(); j++) {
          NcnnLayer c = net.layers.get(j);
          for (int k = 0; k < c.inputs.size(); k++) {
            if (c.inputs.get(k).equals(blob)) {
              c.inputs.set(k, outs.get(next++));
            }
          }
        }
        net.layers.add(i + 1, split);
      }
    }
  }
}
