package dev.mobilize.ncnn;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.PassContext;
import org.osgi.service.component.annotations.Component;

/**
 * Removes nodes that copy their input: Identity, inference Dropout, and Cast to the type the value
 * already has. ncnn has no Identity layer (onnx2ncnn fails on it).
 */
@Component(service = GraphPass.class, property = "mobilize.pass=DropIdentities")
public final class DropIdentities implements GraphPass {

  @Override
  public String name() {
    return "DropIdentities";
  }

  @Override
  public String description() {
    return "remove Identity, inference Dropout and Cast to the same type (for ncnn)";
  }

  @Override
  public PassResult apply(Model model, PassContext context) {
    Graph g = model.graph();
    int rewrites = 0;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Node n : g.nodes()) {
        if (isCopy(n, g)) {
          Graph next = GraphEdits.bypass(g, n);
          if (next != g) {
            g = next;
            rewrites++;
            changed = true;
            break;
          }
        }
      }
    }
    return new PassResult(rewrites == 0 ? model : model.withGraph(g), rewrites);
  }

  private static boolean isCopy(Node n, Graph g) {
    if (!n.domain().isEmpty() || n.inputs().isEmpty() || n.input(0).isEmpty()) {
      return false;
    }
    return switch (n.opType()) {
      case "Identity" -> true;
      case "Dropout" -> n.outputs().size() == 1 && !n.hasInput(2);
      case "Cast" -> {
        DataType from = g.info(n.input(0)).map(v -> v.type()).orElse(DataType.UNDEFINED);
        yield from != DataType.UNDEFINED && from.code() == n.attributes().getInt("to", -1);
      }
      default -> false;
    };
  }
}
