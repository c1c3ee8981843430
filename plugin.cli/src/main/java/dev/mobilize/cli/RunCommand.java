package dev.mobilize.cli;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.service.Options;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** {@code run}: runs a model of any format once and writes its outputs. */
@Component(service = RunCommand.class, property = {"osgi.command.scope=mobilize", "osgi.command.function=run"})
public class RunCommand {

  private final ModelFiles files;
  private final TensorFiles tensors;
  private final Execution execution;

  @Activate
  public RunCommand(BundleContext context) {
    ServiceCatalog catalog = new ServiceCatalog(context);
    this.files = new ModelFiles(context);
    this.tensors = new TensorFiles(catalog);
    this.execution = new Execution(catalog);
  }

  @Descriptor("run a model once on given or deterministic inputs and write its outputs as .pb (and .npy)")
  public Report run(
      @Descriptor("inputs as NAME=FILE.pb or NAME=FILE.npy, several separated by commas; missing inputs get the "
          + "deterministic input (uniform [-1,1) from seed 20261128+index)") @Parameter(names = "--input",
          absentValue = "") String input,
      @Descriptor("output folder") @Parameter(names = "--out", absentValue = "out") String out,
      @Descriptor("also write .npy files") @Parameter(names = "--npy", presentValue = "true", absentValue = "false")
          boolean npy,
      @Descriptor("fix dynamic inputs, e.g. input=1,3,224,224") @Parameter(names = "--input-shape", absentValue = "")
          String inputShape,
      @Descriptor("threads (0 = all processors)") @Parameter(names = "--threads", absentValue = "0") int threads,
      @Descriptor("model file (any installed format)") String model) {
    Map<String, String> opts = new LinkedHashMap<>();
    if (!inputShape.isEmpty()) {
      opts.put("input-shape", inputShape);
    }
    Model m = files.read(Path.of(model), Options.of(opts)).model();
    Map<String, Tensor> inputs = ModelInputs.build(m.graph(), ModelInputs.parseFiles(input), tensors);
    long started = System.nanoTime();
    Map<String, Tensor> outputs = execution.with(m, threads, false, p -> p.run(inputs));
    double ms = (System.nanoTime() - started) / 1e6;
    Path dir = Path.of(out);
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
      String file = safeName(e.getKey());
      tensors.write(dir.resolve(file + ".pb"), e.getKey(), e.getValue());
      if (npy) {
        tensors.write(dir.resolve(file + ".npy"), e.getKey(), e.getValue());
      }
      lines.add(summary(e.getKey(), e.getValue()) + " -> " + dir.resolve(file + ".pb"));
    }
    lines.add(String.format(Locale.ROOT, "ran %s in %.1f ms (including preparation)", model, ms));
    String text = String.join("\n", lines);
    return new Report() {
      @Override
      public String toText() {
        return text;
      }

      @Override
      public String toJson() {
        return Json.write(lines);
      }
    };
  }

  /** Output names become file names: '/' and ':' (and other path characters) are replaced by '_'. */
  static String safeName(String name) {
    String s = name.replaceAll("[/:\\\\\\x00]", "_");
    return s.isEmpty() || s.equals(".") || s.equals("..") ? "_" + s : s;
  }

  /** {@code output f32[1,1000] min -0.47 max 0.47 mean 0.0033 argmax 812}. */
  static String summary(String name, Tensor t) {
    String head = name + " " + t.type().shortName() + dev.mobilize.ir.Shape.format(t.dims());
    if (t.numElements() == 0 || t.type() == dev.mobilize.ir.DataType.STRING) {
      return head;
    }
    float[] v = t.toFloatArray();
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    double sum = 0;
    int argmax = 0;
    for (int i = 0; i < v.length; i++) {
      min = Math.min(min, v[i]);
      if (v[i] > max) {
        max = v[i];
        argmax = i;
      }
      sum += v[i];
    }
    return String.format(Locale.ROOT, "%s min %.4g max %.4g mean %.4g argmax %d", head, min, max, sum / v.length, argmax);
  }
}
