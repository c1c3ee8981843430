package dev.mobilize.onnx.shape;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Einsum: each letter names one size; "..." stands for broadcast leading dims. Without "->" the
 * output is "..." followed by the letters used once, in alphabetical order.
 */
final class EinsumShapes {

  private EinsumShapes() {}

  static void einsum(NodeContext c) {
    String equation = c.attrs().getString("equation").replace(" ", "");
    int arrow = equation.indexOf("->");
    String lhs = arrow >= 0 ? equation.substring(0, arrow) : equation;
    String[] terms = lhs.split(",", -1);
    if (terms.length != c.inputCount()) {
      throw c.mismatch("equation '" + equation + "' has " + terms.length + " operands, expected " + c.inputCount()
          + " (one per input)");
    }
    Map<Character, Dim> sizes = new TreeMap<>();
    Map<Character, Integer> uses = new TreeMap<>();
    List<Shape> ellipses = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      Shape s = c.shape(i);
      if (!s.hasRank()) {
        c.output(0, c.type(0), Shape.UNKNOWN);
        return;
      }
      String term = terms[i];
      int dots = term.indexOf("...");
      int letters = term.replace("...", "").length();
      int ellipsisRank = dots >= 0 ? s.rank() - letters : 0;
      if (ellipsisRank < 0 || dots < 0 && letters != s.rank()) {
        throw c.mismatch("operand '" + term + "' of equation '" + equation + "' does not fit input " + i + " " + s
            + ": expected rank " + letters + (dots >= 0 ? " or more" : ""));
      }
      int axis = 0;
      for (int k = 0; k < term.length(); k++) {
        if (term.startsWith("...", k)) {
          ellipses.add(Shape.of(s.dimList().subList(axis, axis + ellipsisRank)));
          axis += ellipsisRank;
          k += 2;
          continue;
        }
        char letter = term.charAt(k);
        Dim d = s.dim(axis++);
        Dim before = sizes.get(letter);
        sizes.put(letter, before == null ? d : Dims.unify(c, before, d, "label '" + letter + "' of equation '"
            + equation + "'"));
        uses.merge(letter, 1, Integer::sum);
      }
    }
    List<Dim> ellipsis = ellipses.isEmpty() ? List.of() : Dims.broadcast(c, new ArrayList<>(ellipses)).dimList();
    List<Dim> out = new ArrayList<>();
    if (arrow >= 0) {
      String rhs = equation.substring(arrow + 2);
      for (int k = 0; k < rhs.length(); k++) {
        if (rhs.startsWith("...", k)) {
          out.addAll(ellipsis);
          k += 2;
          continue;
        }
        Dim d = sizes.get(rhs.charAt(k));
        if (d == null) {
          throw c.mismatch("output label '" + rhs.charAt(k) + "' of equation '" + equation
              + "' does not appear in any operand, expected one of " + sizes.keySet());
        }
        out.add(d);
      }
    } else {
      out.addAll(ellipsis);
      uses.forEach((letter, n) -> {
        if (n == 1) {
          out.add(sizes.get(letter));
        }
      });
    }
    c.output(0, c.type(0), Shape.of(out));
  }
}
