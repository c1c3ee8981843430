package dev.mobilize.quant;

import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Half;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores float weights as float16: every FLOAT initializer of at least {@value #MIN_ELEMENTS}
 * elements becomes {@code <W>_fp16} (FLOAT16) and {@code W = Cast(<W>_fp16, to=FLOAT)} at the start
 * of the graph, so every reader still sees a float {@code W} (rounded to float16). Model metadata
 * {@code mobilize.weights} = {@code float16}.
 */
final class Float16Weights {

  static final String WEIGHTS = "mobilize.weights";
  /** Smaller constants (scalars, shapes, Clip bounds) stay float. */
  static final int MIN_ELEMENTS = 16;

  private Float16Weights() {}

  static Model apply(Model model) {
    Graph g = model.graph();
    Graph.Builder b = g.toBuilder();
    List<Node> casts = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
      Tensor t = e.getValue();
      boolean isOutput = g.outputs().stream().anyMatch(o -> o.name().equals(e.getKey()));
      if (t.type() != DataType.FLOAT || t.numElements() < MIN_ELEMENTS || isOutput) {
        continue;
      }
      String half = e.getKey() + "_fp16";
      b.removeInitializer(e.getKey());
      b.initializer(half, toHalf(t));
      b.valueInfo(new ValueInfo(e.getKey(), DataType.FLOAT, t.shape()));
      casts.add(Node.builder("Cast").name(e.getKey() + "_Cast").inputs(half).outputs(e.getKey())
          .attributes(Attributes.builder().set("to", (long) DataType.FLOAT.code()).build()).build());
    }
    if (casts.isEmpty()) {
      return model;
    }
    List<Node> nodes = new ArrayList<>(casts);
    nodes.addAll(g.nodes());
    Map<String, String> meta = new LinkedHashMap<>(model.metadata());
    meta.put(WEIGHTS, "float16");
    return model.withGraph(b.nodes(nodes).build()).withMetadata(meta);
  }

  private static Tensor toHalf(Tensor t) {
    float[] v = t.toFloatArray();
    ByteBuffer out = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      out.putShort(Half.fromFloat(x));
    }
    return Tensor.of(DataType.FLOAT16, t.dims(), out.array());
  }
}
