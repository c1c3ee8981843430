package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.Options;
import dev.mobilize.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs the ONNX operator conformance tests in ../shared/onnx-node-tests. A test is skipped when it
 * uses an op or a data type the executor does not claim (prepare reports UNSUPPORTED_OP) or the
 * importer refuses it; every other test must match its outputs (rtol 1e-3, atol 1e-5; float16 looser).
 */
class OnnxNodeTestsTest {

  /** Types the executor claims. */
  private static final Set<DataType> TYPES = Set.of(DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE,
      DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16, DataType.INT32, DataType.UINT32,
      DataType.INT64, DataType.BOOL);

  @Test
  void nodeTests() throws IOException {
    Path root = SharedData.dir("onnx-node-tests");
    List<Path> dirs;
    try (Stream<Path> s = Files.list(root)) {
      dirs = s.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted().toList();
    }
    int passed = 0;
    List<String> failed = new ArrayList<>();
    Map<String, Integer> skipReasons = new TreeMap<>();
    List<String> skipped = new ArrayList<>();
    CpuGraphExecutor executor = new CpuGraphExecutor();
    for (Path dir : dirs) {
      String name = dir.getFileName().toString();
      Model model;
      try {
        model = new OnnxImporter().read(dir.resolve("model.onnx"), Options.NONE);
      } catch (RuntimeException e) {
        skipReasons.merge("import: " + firstLine(e.getMessage()), 1, Integer::sum);
        skipped.add(name + " (import)");
        continue;
      }
      String badType = unclaimedType(model);
      if (badType != null) {
        skipReasons.merge("type " + badType, 1, Integer::sum);
        skipped.add(name + " (" + badType + ")");
        continue;
      }
      CpuPreparedModel prepared;
      try {
        prepared = executor.prepare(model, Options.of(Map.of("threads", "2")));
      } catch (MobilizeException e) {
        if (e.code() == ErrorCode.UNSUPPORTED_OP) {
          String op = e.problems().isEmpty() ? e.detail() : e.problems().get(0).message();
          skipReasons.merge("op: " + firstLine(op), 1, Integer::sum);
          skipped.add(name);
          continue;
        }
        failed.add(name + ": prepare: " + firstLine(e.getMessage()));
        continue;
      }
      try (prepared) {
        String problem = runAll(dir, model, prepared);
        if (problem == null) {
          passed++;
        } else {
          failed.add(name + ": " + problem);
        }
      } catch (RuntimeException e) {
        failed.add(name + ": " + firstLine(e.toString()));
      }
    }
    StringBuilder report = new StringBuilder();
    report.append(String.format("ONNX node tests: %d passed, %d failed, %d skipped%n", passed, failed.size(),
        skipped.size()));
    failed.forEach(f -> report.append("FAILED ").append(f).append('\n'));
    skipReasons.forEach((k, v) -> report.append("skipped ").append(v).append(": ").append(k).append('\n'));
    Files.writeString(Path.of("target", "onnx-node-tests.txt"), report + String.join("\n", skipped) + "\n");
    System.out.print(report);
    assertTrue(passed > 0, "no node test ran");
    assertTrue(failed.isEmpty(), failed.size() + " node tests failed:\n" + String.join("\n", failed));
  }

  private static String runAll(Path dir, Model model, CpuPreparedModel prepared) throws IOException {
    List<Path> sets;
    try (Stream<Path> s = Files.list(dir)) {
      sets = s.filter(x -> x.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
    }
    boolean half = model.graph().outputs().stream().anyMatch(v -> v.type() == DataType.FLOAT16);
    for (Path set : sets) {
      Map<String, Tensor> in = SharedModelsTest.read(set, "input_",
          model.graph().inputs().stream().map(ValueInfo::name).toList());
      Map<String, Tensor> ref = SharedModelsTest.read(set, "output_",
          model.graph().outputs().stream().map(ValueInfo::name).toList());
      Map<String, Tensor> out = prepared.run(in);
      for (Map.Entry<String, Tensor> e : ref.entrySet()) {
        Tensor actual = out.get(e.getKey());
        if (actual == null) {
          return set.getFileName() + " output " + e.getKey() + " missing";
        }
        String m = Compare.mismatch(e.getValue(), actual, half ? 1e-3 : 1e-5, half ? 1e-2 : 1e-3);
        if (m != null) {
          return set.getFileName() + " output " + e.getKey() + ": " + m;
        }
      }
    }
    return null;
  }

  private static String unclaimedType(Model model) {
    for (ValueInfo v : model.graph().inputs()) {
      if (!TYPES.contains(v.type())) {
        return v.type().toString();
      }
    }
    for (ValueInfo v : model.graph().outputs()) {
      if (v.type() != DataType.UNDEFINED && !TYPES.contains(v.type())) {
        return v.type().toString();
      }
    }
    for (Tensor t : model.graph().initializers().values()) {
      if (!TYPES.contains(t.type())) {
        return t.type().toString();
      }
    }
    return null;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "null";
    }
    int i = s.indexOf('\n');
    String l = i < 0 ? s : s.substring(0, i);
    return l.length() > 160 ? l.substring(0, 160) : l;
  }
}
