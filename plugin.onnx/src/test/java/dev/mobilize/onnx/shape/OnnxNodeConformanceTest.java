package dev.mobilize.onnx.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.onnx.proto.Onnx;
import dev.mobilize.service.Options;
import dev.mobilize.service.MobilizeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs inference on every ONNX backend node test whose ops all have a rule, with the declared
 * output shapes removed, and compares with what the files declare.
 */
class OnnxNodeConformanceTest {

  private enum Verdict { PASSED, INCOMPLETE, MISMATCHED }

  @Test
  void inferredOutputsMatchTheDeclaredOutputs() throws IOException {
    Path root = OnnxTestFiles.shared().resolve("onnx-node-tests");
    List<Path> folders;
    try (Stream<Path> s = Files.list(root)) {
      folders = s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList();
    }
    int claimed = 0;
    int passed = 0;
    int unreadable = 0;
    Map<String, Integer> skippedOps = new TreeMap<>();
    List<String> mismatched = new ArrayList<>();
    List<String> incomplete = new ArrayList<>();
    for (Path folder : folders) {
      String name = folder.getFileName().toString();
      Graph graph;
      try {
        graph = new OnnxImporter().read(folder.resolve("model.onnx"), Options.NONE).graph();
      } catch (RuntimeException e) {
        unreadable++; // sequences, optionals, ops the importer rejects
        continue;
      }
      Set<String> ops = new TreeSet<>();
      Set<String> unsupported = new TreeSet<>();
      collectOps(graph, ops, unsupported);
      if (!unsupported.isEmpty()) {
        unsupported.forEach(op -> skippedOps.merge(op, 1, Integer::sum));
        continue;
      }
      claimed++;
      Graph original = graph;
      Graph stripped = withSmallInputsConstant(original, folder).toBuilder().valueInfos(Map.of())
          .outputs(original.outputs().stream().map(o -> ValueInfo.unknown(o.name())).toList()).build();
      Graph inferred;
      try {
        inferred = new ShapeInference().infer(stripped);
      } catch (MobilizeException e) {
        mismatched.add(name + ": " + e.code() + " " + e.getMessage());
        continue;
      }
      Verdict worst = Verdict.PASSED;
      StringBuilder why = new StringBuilder();
      for (int i = 0; i < original.outputs().size(); i++) {
        ValueInfo want = original.outputs().get(i);
        ValueInfo got = inferred.outputs().get(i);
        Verdict v = compare(want, got);
        if (v != Verdict.PASSED) {
          why.append(" ").append(want.name()).append(": declared ").append(want.typeString()).append(", inferred ")
              .append(got.typeString()).append(";");
        }
        worst = v.ordinal() > worst.ordinal() ? v : worst;
      }
      switch (worst) {
        case PASSED -> passed++;
        case INCOMPLETE -> incomplete.add(name + ":" + why);
        case MISMATCHED -> mismatched.add(name + ":" + why);
        default -> throw new IllegalStateException();
      }
    }
    System.out.printf("ONNX node tests: %d folders, %d claimed, %d passed, %d incomplete, %d mismatched;"
        + " skipped: %d unreadable, %d with unclaimed ops%n", folders.size(), claimed, passed,
        incomplete.size(), mismatched.size(), unreadable, folders.size() - claimed - unreadable);
    System.out.println("unclaimed ops (folders): " + skippedOps);
    incomplete.forEach(s -> System.out.println("INCOMPLETE " + s));
    mismatched.forEach(s -> System.out.println("MISMATCH " + s));
    assertTrue(claimed > 500, "claimed only " + claimed + " node tests");
    assertEquals(List.of(), mismatched, "node tests whose inferred outputs contradict the file");
  }

  /**
   * Small rank-0/1 inputs (shapes, axes, pads, scales, K, ...) become initializers with their test
   * values, as they are in real models; this does not change any shape the file declares.
   */
  private static Graph withSmallInputsConstant(Graph g, Path folder) {
    Graph.Builder b = g.toBuilder();
    List<ValueInfo> inputs = new ArrayList<>();
    for (int i = 0; i < g.inputs().size(); i++) {
      ValueInfo in = g.inputs().get(i);
      Path pb = folder.resolve("test_data_set_0").resolve("input_" + i + ".pb");
      boolean small = in.shape().isStatic() && in.shape().rank() <= 1 && in.shape().numElements() <= 64;
      if (small && Files.isRegularFile(pb)) {
        try {
          Tensor t = OnnxTestFiles.tensor(Onnx.TensorProto.parseFrom(Files.readAllBytes(pb)));
          if (t.type() == in.type() && t.shape().equals(in.shape())) {
            b.initializer(in.name(), t);
            continue;
          }
        } catch (IOException | OnnxTestFiles.Unreadable | RuntimeException e) {
          // keep it an input
        }
      }
      inputs.add(in);
    }
    return b.inputs(inputs).build();
  }

  private static void collectOps(Graph g, Set<String> ops, Set<String> unsupported) {
    for (Node n : g.nodes()) {
      String op = n.domain().isEmpty() ? n.opType() : n.domain() + "." + n.opType();
      ops.add(op);
      if (ShapeRules.find(n) == null) {
        unsupported.add(op);
      }
      for (Attribute a : n.attributes().asMap().values()) {
        if (a instanceof Attribute.GraphValue gv) {
          collectOps(gv.value(), ops, unsupported);
        }
      }
    }
  }

  private static Verdict compare(ValueInfo want, ValueInfo got) {
    Verdict v = Verdict.PASSED;
    if (want.type() != DataType.UNDEFINED) {
      if (got.type() == DataType.UNDEFINED) {
        v = Verdict.INCOMPLETE;
      } else if (got.type() != want.type()) {
        return Verdict.MISMATCHED;
      }
    }
    Shape ws = want.shape();
    Shape gs = got.shape();
    if (!ws.hasRank()) {
      return v;
    }
    if (!gs.hasRank()) {
      return Verdict.INCOMPLETE;
    }
    if (ws.rank() != gs.rank()) {
      return Verdict.MISMATCHED;
    }
    for (int i = 0; i < ws.rank(); i++) {
      Dim w = ws.dim(i);
      Dim g = gs.dim(i);
      if (w.isFixed() && g.isFixed() && w.value() != g.value()) {
        return Verdict.MISMATCHED;
      }
      if (w.isFixed() && !g.isFixed()) {
        v = Verdict.INCOMPLETE;
      }
    }
    return v;
  }
}
