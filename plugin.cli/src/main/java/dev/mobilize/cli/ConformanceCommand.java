package dev.mobilize.cli;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ModelImporter;
import dev.mobilize.service.Options;
import dev.mobilize.service.ServiceProperties;
import dev.mobilize.service.TensorFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code conformance}: runs ONNX backend node tests (folders with model.onnx and
 * test_data_set_N/input_K.pb, output_K.pb) in the CPU runtime. A test is skipped when the model
 * uses an operator or type the importer or the runtime does not claim (they say UNSUPPORTED_OP);
 * every other test must match: |actual - expected| ≤ atol + rtol·|expected| with rtol 1e-3 and
 * atol 1e-5 (1e-2 and 1e-3 for float16 outputs).
 */
@Component(service = ConformanceCommand.class,
    property = {"osgi.command.scope=mobilize", "osgi.command.function=conformance"})
public class ConformanceCommand {

  private final ServiceCatalog catalog;
  private final Execution execution;

  @Activate
  public ConformanceCommand(BundleContext context) {
    this.catalog = new ServiceCatalog(context);
    this.execution = new Execution(catalog);
  }

  @Descriptor("run ONNX backend node tests; prints each failure and, last, 'N passed, N failed, N skipped'")
  public Outcome conformance(
      @Descriptor("also list skipped tests with the reason") @Parameter(names = "--verbose-skips",
          presentValue = "true", absentValue = "false") boolean listSkips,
      @Descriptor("only tests whose folder name contains this text") @Parameter(names = "--filter", absentValue = "")
          String filter,
      @Descriptor("folder of test folders, e.g. ../shared/onnx-node-tests") String dir) {
    Path root = Path.of(dir);
    if (!Files.isDirectory(root)) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "is not a folder of ONNX node tests").inFile(dir);
    }
    List<Path> tests = testDirs(root, filter);
    List<String> failures = new ArrayList<>();
    Map<String, Integer> skipReasons = new TreeMap<>();
    List<String> skipped = new ArrayList<>();
    int passed = 0;
    try (Progress progress = Progress.start("conformance", tests.size())) {
      for (Path t : tests) {
        String name = t.getFileName().toString();
        try {
          String failure = runOne(t);
          if (failure == null) {
            passed++;
          } else {
            failures.add(name + ": " + failure);
          }
        } catch (MobilizeException e) {
          if (e.code() == ErrorCode.UNSUPPORTED_OP) {
            String reason = firstLine(e.problems().isEmpty() ? e.detail() : e.problems().get(0).toString());
            skipped.add(name + ": " + reason);
            skipReasons.merge(reason.replaceAll("'[^']*'", "'…'"), 1, Integer::sum);
          } else {
            failures.add(name + ": " + firstLine(e.getMessage()));
          }
        } catch (RuntimeException e) {
          failures.add(name + ": " + firstLine(e.toString()));
        }
        progress.step();
      }
    }
    return new ConformanceReport(passed, failures, listSkips ? skipped : List.of(), skipped.size());
  }

  private String runOne(Path test) {
    Path modelFile = test.resolve("model.onnx");
    Model model = catalog.with(ModelImporter.class, ServiceProperties.FORMAT, "onnx",
        i -> i.read(modelFile, Options.NONE));
    List<Path> sets = list(test, "test_data_set_");
    return execution.with(model, 2, false, prepared -> {
      for (Path set : sets) {
        Map<String, Tensor> inputs = read(set, "input_", model.graph().inputs());
        Map<String, Tensor> expected = read(set, "output_", model.graph().outputs());
        Map<String, Tensor> actual = prepared.run(inputs);
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
          Tensor a = actual.get(e.getKey());
          if (a == null) {
            return set.getFileName() + ": output '" + e.getKey() + "' missing";
          }
          boolean half = e.getValue().type() == DataType.FLOAT16;
          String m = OutputComparison.allClose(e.getValue(), a, half ? 1e-3 : 1e-5, half ? 1e-2 : 1e-3);
          if (m != null) {
            return set.getFileName() + ": output '" + e.getKey() + "': " + m;
          }
        }
      }
      return null;
    });
  }

  /** The tensors of one data set, named by the file or else by position. */
  private Map<String, Tensor> read(Path set, String prefix, List<ValueInfo> values) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    List<Path> files = list(set, prefix);
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      TensorFormat.NamedTensor t = catalog.with(TensorFormat.class, ServiceProperties.TENSOR_FORMAT, "pb",
          fmt -> fmt.read(f));
      String name = !t.name().isEmpty() ? t.name() : i < values.size() ? values.get(i).name() : "";
      out.put(name, t.tensor());
    }
    return out;
  }

  private static List<Path> testDirs(Path root, String filter) {
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(d -> Files.isRegularFile(d.resolve("model.onnx")))
          .filter(d -> d.getFileName().toString().contains(filter)).sorted().toList();
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot be listed: " + e.getMessage()).inFile(root.toString());
    }
  }

  private static List<Path> list(Path dir, String prefix) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix))
          .sorted((a, b) -> naturalKey(a).compareTo(naturalKey(b))).toList();
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot be listed: " + e.getMessage()).inFile(dir.toString());
    }
  }

  /** input_10 after input_9. */
  private static String naturalKey(Path p) {
    String n = p.getFileName().toString();
    String digits = n.replaceAll("\\D", "");
    return String.format("%s%08d", n.replaceAll("\\d", ""), digits.isEmpty() ? 0 : Long.parseLong(digits.length() > 8
        ? digits.substring(0, 8) : digits));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "null";
    }
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }

  /** Failures, then the closing count line. */
  private record ConformanceReport(int passed, List<String> failures, List<String> skips, int skipped)
      implements Outcome {
    /** The text form, so that Gogo's echo and string conversion show the report. */
    @Override
    public String toString() {
      return toText();
    }


    @Override
    public boolean failed() {
      return !failures.isEmpty();
    }

    @Override
    public String toText() {
      StringBuilder sb = new StringBuilder();
      failures.forEach(f -> sb.append("FAILED ").append(f).append('\n'));
      skips.forEach(s -> sb.append("skipped ").append(s).append('\n'));
      return sb.append(passed).append(" passed, ").append(failures.size()).append(" failed, ").append(skipped)
          .append(" skipped").toString();
    }

    @Override
    public String toJson() {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("passed", passed);
      j.put("failed", failures.size());
      j.put("skipped", skipped);
      j.put("failures", failures);
      return Json.write(j);
    }
  }
}
