package dev.mobilize.cli;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** {@code compare}: runs two models on the same inputs and measures how far their outputs differ. */
@Component(service = CompareCommand.class, property = {"osgi.command.scope=mobilize", "osgi.command.function=compare"})
public class CompareCommand {

  private final ModelFiles files;
  private final TensorFiles tensors;
  private final Execution execution;

  @Activate
  public CompareCommand(BundleContext context) {
    ServiceCatalog catalog = new ServiceCatalog(context);
    this.files = new ModelFiles(context);
    this.tensors = new TensorFiles(catalog);
    this.execution = new Execution(catalog);
  }

  @Descriptor("run two models (any formats) on the same inputs; per output max abs/rel error and cosine similarity; "
      + "exit code 1 beyond tolerance")
  public Outcome compare(
      @Descriptor("inputs as NAME=FILE.pb or NAME=FILE.npy, separated by commas (default: deterministic inputs)")
          @Parameter(names = "--input", absentValue = "") String input,
      @Descriptor("tolerance: max |a-b| / max |a| per output") @Parameter(names = "--rtol", absentValue = "1e-4")
          double rtol,
      @Descriptor("find the first node whose result diverges (values matched by name)") @Parameter(
          names = "--per-layer", presentValue = "true", absentValue = "false") boolean perLayer,
      @Descriptor("fix dynamic inputs of both, e.g. input=1,3,224,224") @Parameter(names = "--input-shape",
          absentValue = "") String inputShape,
      @Descriptor("threads (0 = all processors)") @Parameter(names = "--threads", absentValue = "0") int threads,
      @Descriptor("reference model") String modelA,
      @Descriptor("model to check") String modelB) {
    Options opts = inputShape.isEmpty() ? Options.NONE : Options.of(Map.of("input-shape", inputShape));
    Model a = files.read(Path.of(modelA), opts).model();
    Model b = files.read(Path.of(modelB), opts).model();
    Map<String, Tensor> inputsA = ModelInputs.build(a.graph(), ModelInputs.parseFiles(input), tensors);
    Map<String, Tensor> inputsB = forB(a.graph(), b.graph(), inputsA);
    Map<String, String> outputNames = matchOutputs(a.graph(), b.graph());
    Set<String> shared = perLayer ? sharedValues(a.graph(), b.graph()) : Set.of();
    Map<String, Tensor> outA = execution.with(withOutputs(a, shared), threads, false, p -> p.run(inputsA));
    Map<String, Tensor> outB = execution.with(withOutputs(b, shared), threads, false, p -> p.run(inputsB));
    List<String[]> rows = new ArrayList<>();
    boolean failed = false;
    for (Map.Entry<String, String> e : outputNames.entrySet()) {
      OutputComparison c = OutputComparison.of(outA.get(e.getKey()), outB.get(e.getValue()));
      boolean ok = c.mismatch() == null && c.maxRel() <= rtol;
      failed |= !ok;
      String name = e.getKey().equals(e.getValue()) ? e.getKey() : e.getKey() + " / " + e.getValue();
      rows.add(new String[] {name, c.describe(), ok ? "ok" : "BEYOND TOLERANCE"});
    }
    String divergence = perLayer ? firstDivergence(a.graph(), shared, outA, outB, rtol) : null;
    return new CompareReport(modelA, modelB, rtol, rows, divergence, failed);
  }

  /** B's inputs: by name when B has the same names, else by position. */
  private static Map<String, Tensor> forB(Graph a, Graph b, Map<String, Tensor> inputsA) {
    if (a.inputs().size() != b.inputs().size()) {
      throw new MobilizeException(ErrorCode.SHAPE_MISMATCH, "the models have " + a.inputs().size() + " and "
          + b.inputs().size() + " inputs; compare needs the same inputs");
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (int i = 0; i < b.inputs().size(); i++) {
      String nb = b.inputs().get(i).name();
      Tensor t = inputsA.containsKey(nb) ? inputsA.get(nb) : inputsA.get(a.inputs().get(i).name());
      out.put(nb, t);
    }
    return out;
  }

  /** A's output name → B's: by name when all names match, else by position. */
  private static Map<String, String> matchOutputs(Graph a, Graph b) {
    if (a.outputs().size() != b.outputs().size()) {
      throw new MobilizeException(ErrorCode.SHAPE_MISMATCH, "the models have " + a.outputs().size() + " and "
          + b.outputs().size() + " outputs");
    }
    Set<String> namesB = new HashSet<>();
    b.outputs().forEach(v -> namesB.add(v.name()));
    boolean byName = a.outputs().stream().allMatch(v -> namesB.contains(v.name()));
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < a.outputs().size(); i++) {
      String na = a.outputs().get(i).name();
      m.put(na, byName ? na : b.outputs().get(i).name());
    }
    return m;
  }

  /** Intermediate values both graphs compute under the same name. */
  private static Set<String> sharedValues(Graph a, Graph b) {
    Set<String> inB = new HashSet<>();
    b.nodes().forEach(n -> inB.addAll(n.outputs()));
    Set<String> shared = new java.util.LinkedHashSet<>();
    for (Node n : a.nodes()) {
      for (String o : n.outputs()) {
        if (!o.isEmpty() && inB.contains(o)) {
          shared.add(o);
        }
      }
    }
    a.outputs().forEach(v -> shared.remove(v.name()));
    return shared;
  }

  private static Model withOutputs(Model m, Set<String> extra) {
    if (extra.isEmpty()) {
      return m;
    }
    Graph g = m.graph();
    Graph.Builder b = g.toBuilder();
    for (String v : extra) {
      b.output(g.info(v).orElse(ValueInfo.unknown(v)));
    }
    return m.withGraph(b.build());
  }

  private static String firstDivergence(Graph a, Set<String> shared, Map<String, Tensor> outA,
      Map<String, Tensor> outB, double rtol) {
    if (shared.isEmpty()) {
      return "no intermediate values have the same name in both models";
    }
    for (Node n : a.nodes()) {
      for (String o : n.outputs()) {
        if (shared.contains(o) && outA.containsKey(o) && outB.containsKey(o)) {
          OutputComparison c = OutputComparison.of(outA.get(o), outB.get(o));
          if (c.mismatch() != null || c.maxRel() > rtol) {
            return "first divergence at node " + n.describe() + ", value '" + o + "': " + c.describe();
          }
        }
      }
    }
    return String.format(Locale.ROOT, "all %d values both models share agree within %.3g", shared.size(), rtol);
  }

  /** The comparison table and verdict. */
  private record CompareReport(String a, String b, double rtol, List<String[]> rows, String divergence,
      boolean failed) implements Outcome {
    /** The text form, so that Gogo's echo and string conversion show the report. */
    @Override
    public String toString() {
      return toText();
    }


    @Override
    public String toText() {
      TableReport t = new TableReport("compare " + a + " (reference) with " + b, "output", "difference", "verdict");
      rows.forEach(r -> t.row((Object[]) r));
      StringBuilder sb = new StringBuilder(t.toText());
      if (divergence != null) {
        sb.append('\n').append(divergence);
      }
      sb.append('\n').append(failed ? String.format(Locale.ROOT, "FAILED: outputs differ by more than %.3g", rtol)
          : String.format(Locale.ROOT, "OK: outputs agree within %.3g", rtol));
      return sb.toString();
    }

    @Override
    public String toJson() {
      List<Map<String, String>> outs = new ArrayList<>();
      for (String[] r : rows) {
        outs.add(Map.of("output", r[0], "difference", r[1], "verdict", r[2]));
      }
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("reference", a);
      j.put("model", b);
      j.put("rtol", rtol);
      j.put("outputs", outs);
      j.put("per_layer", divergence);
      j.put("failed", failed);
      return Json.write(j);
    }
  }
}
