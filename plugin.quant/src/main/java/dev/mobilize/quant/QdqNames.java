package dev.mobilize.quant;

import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import java.util.HashSet;
import java.util.Set;

/**
 * Short names for what the QDQ rewrite adds, since every name is stored once per reference in the
 * file the user ships: group {@code k} (1, 2, ...) names a quantized value {@code q<k>}, its
 * dequantized form {@code d<k>}, a scale {@code s<k>}, an int8 weight {@code w<k>}, an int32 bias
 * {@code b<k>} and a weight zero point {@code z<k>}. A group whose names the graph already uses (as a
 * value or a node name) is skipped, so the user's names stay as they are.
 */
final class QdqNames {

  private static final String LETTERS = "qdswbz";

  private final Set<String> used = new HashSet<>();
  private int last;

  QdqNames(Graph g) {
    used.addAll(g.initializers().keySet());
    g.inputs().forEach(i -> used.add(i.name()));
    g.outputs().forEach(o -> used.add(o.name()));
    for (Node n : g.nodes()) {
      used.addAll(n.inputs());
      used.addAll(n.outputs());
      used.add(n.name());
    }
  }

  /** The next group number none of whose names the graph uses. */
  int group() {
    for (last++; taken(last); last++) {
      // skip a group the model already uses
    }
    return last;
  }

  private boolean taken(int k) {
    for (char c : LETTERS.toCharArray()) {
      if (used.contains(c + Integer.toString(k))) {
        return true;
      }
    }
    return false;
  }

  /** {@code base}, or {@code base_2}, {@code base_3}, ... whichever the graph does not use; then taken. */
  String fresh(String base) {
    String name = base;
    for (int k = 2; used.contains(name); k++) {
      name = base + "_" + k;
    }
    used.add(name);
    return name;
  }
}
