package dev.mobilize.cpu;

import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.PreparedModel;
import dev.mobilize.service.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A graph prepared to run: one {@link Kernel.Step} per node in order, value slots, constants, and
 * for every value the step after which nobody reads it (its buffer then goes back to the pool).
 * Nodes whose inputs are all constant are computed once at prepare time.
 */
final class Program {

  private final Graph graph;
  private final Map<String, Integer> slotOf = new HashMap<>();
  private final List<String> slotNames = new ArrayList<>();
  private final NdArray[] constants;
  private final List<StepInfo> steps = new ArrayList<>();
  private final int[] inputSlots;
  private final int[] outputSlots;
  /** Values read here but defined in an enclosing graph: name and slot. */
  private final Map<String, Integer> captured = new LinkedHashMap<>();

  private record StepInfo(Node node, Kernel.Step step, int[] in, int[] out, int[] dieAfter) {}

  private Program(Graph graph) {
    this.graph = graph;
    for (ValueInfo v : graph.inputs()) {
      slot(v.name());
    }
    graph.initializers().keySet().forEach(this::slot);
    for (Node n : graph.nodes()) {
      n.inputs().forEach(i -> {
        if (!i.isEmpty()) {
          slot(i);
        }
      });
      n.outputs().forEach(o -> {
        if (!o.isEmpty()) {
          slot(o);
        }
      });
    }
    graph.outputs().forEach(v -> slot(v.name()));
    this.constants = new NdArray[slotNames.size()];
    this.inputSlots = graph.inputs().stream().mapToInt(v -> slotOf.get(v.name())).toArray();
    this.outputSlots = graph.outputs().stream().mapToInt(v -> slotOf.get(v.name())).toArray();
  }

  private int slot(String name) {
    return slotOf.computeIfAbsent(name, k -> {
      slotNames.add(k);
      return slotNames.size() - 1;
    });
  }

  /**
   * Prepares {@code graph}; unsupported operators and bad attributes are added to {@code problems}
   * (the caller throws once all are known).
   *
   * @param outerScope names defined by enclosing graphs (empty for the main graph)
   */
  static Program compile(Graph graph, long opset, Set<String> outerScope, Map<String, Kernel> kernels,
      List<Problem> problems) {
    Program p = new Program(graph);
    p.build(opset, outerScope, kernels, problems);
    return p;
  }

  private void build(long opset, Set<String> outerScope, Map<String, Kernel> kernels, List<Problem> problems) {
    boolean[] defined = new boolean[slotNames.size()];
    for (int s : inputSlots) {
      defined[s] = true;
    }
    for (Map.Entry<String, Tensor> e : graph.initializers().entrySet()) {
      int s = slotOf.get(e.getKey());
      if (!defined[s]) { // a graph input of the same name overrides the initializer
        constants[s] = NdArray.fromTensor(e.getValue());
        defined[s] = true;
      }
    }
    Set<String> scope = new HashSet<>(outerScope);
    scope.addAll(slotNames);
    Exec folding = new Exec(new Parallel(1));
    for (Node node : graph.nodes()) {
      for (String in : node.inputs()) {
        if (!in.isEmpty() && !defined[slotOf.get(in)]) {
          if (outerScope.contains(in)) {
            captured.putIfAbsent(in, slotOf.get(in));
            defined[slotOf.get(in)] = true;
          } else {
            problems.add(Problem.at(node, ErrorCode.INVALID_GRAPH, "input '" + in
                + "' is not a graph input, initializer or output of an earlier node"));
          }
        }
      }
      Kernel kernel = kernels.get(node.domain().isEmpty() ? node.opType() : node.domain() + "." + node.opType());
      for (String o : node.outputs()) {
        if (!o.isEmpty()) {
          defined[slotOf.get(o)] = true;
        }
      }
      if (kernel == null) {
        problems.add(Problem.at(node, ErrorCode.UNSUPPORTED_OP, "operator " + (node.domain().isEmpty() ? ""
            : node.domain() + ".") + node.opType() + " is not supported by the cpu executor"));
        continue;
      }
      int[] in = node.inputs().stream().mapToInt(i -> i.isEmpty() ? -1 : slotOf.get(i)).toArray();
      int[] out = node.outputs().stream().mapToInt(o -> o.isEmpty() ? -1 : slotOf.get(o)).toArray();
      Kernel.Step step;
      try {
        step = kernel.bind(node, new Binding() {
          @Override
          public NdArray constant(int i) {
            return i < in.length && in[i] >= 0 ? constants[in[i]] : null;
          }

          @Override
          public long opset() {
            return opset;
          }

          @Override
          public Program compile(Graph subgraph) {
            return Program.compile(subgraph, opset, scope, kernels, problems);
          }

          @Override
          public Set<String> scope() {
            return scope;
          }
        });
      } catch (MobilizeException e) {
        problems.add(new Problem(e.code(), node.describe(), e.detail()));
        continue;
      } catch (RuntimeException e) {
        problems.add(Problem.at(node, ErrorCode.UNSUPPORTED_OP, String.valueOf(e.getMessage())));
        continue;
      }
      if (foldable(node, in)) {
        NdArray[] args = new NdArray[in.length];
        for (int i = 0; i < in.length; i++) {
          args[i] = in[i] < 0 ? null : constants[in[i]];
        }
        try {
          NdArray[] res = step.run(args, folding);
          for (int i = 0; i < out.length && i < res.length; i++) {
            if (out[i] >= 0) {
              constants[out[i]] = res[i];
              narrow(res[i]);
            }
          }
          continue;
        } catch (RuntimeException e) {
          // keep the step: the same failure will be reported, with its node, when the model runs
        }
      }
      steps.add(new StepInfo(node, step, in, out, null));
    }
    // subgraph outputs or values that captured values flow into may be undefined
    for (ValueInfo v : graph.outputs()) {
      int s = slotOf.get(v.name());
      if (!defined[s]) {
        if (outerScope.contains(v.name())) {
          captured.putIfAbsent(v.name(), s);
        } else {
          problems.add(new Problem(ErrorCode.INVALID_GRAPH, "", "graph output '" + v.name() + "' is never computed"));
        }
      }
    }
    planLiveness();
  }

  private boolean foldable(Node node, int[] in) {
    if (node.opType().equals("Constant")) {
      return true;
    }
    if (in.length == 0 || node.attributes().asMap().values().stream().anyMatch(a -> a instanceof Attribute.GraphValue)) {
      return false;
    }
    for (int s : in) {
      if (s >= 0 && constants[s] == null) {
        return false;
      }
    }
    return !node.opType().startsWith("Random") && !node.opType().equals("Multinomial");
  }

  /** For each step, the slots read or written for the last time there. */
  private void planLiveness() {
    int[] last = new int[slotNames.size()];
    java.util.Arrays.fill(last, -1);
    for (int k = 0; k < steps.size(); k++) {
      for (int s : steps.get(k).in()) {
        if (s >= 0) {
          last[s] = k;
        }
      }
      for (String name : subgraphReads(steps.get(k).node(), new HashSet<>())) {
        Integer s = slotOf.get(name);
        if (s != null) {
          last[s] = k;
        }
      }
      for (int s : steps.get(k).out()) {
        if (s >= 0 && last[s] < k) {
          last[s] = k;
        }
      }
    }
    Set<Integer> keep = new HashSet<>();
    for (int s : outputSlots) {
      keep.add(s);
    }
    for (int s : inputSlots) {
      keep.add(s);
    }
    keep.addAll(captured.values());
    List<List<Integer>> die = new ArrayList<>();
    for (int k = 0; k < steps.size(); k++) {
      die.add(new ArrayList<>());
    }
    for (int s = 0; s < last.length; s++) {
      if (last[s] >= 0 && constants[s] == null && !keep.contains(s)) {
        die.get(last[s]).add(s);
      }
    }
    for (int k = 0; k < steps.size(); k++) {
      StepInfo st = steps.get(k);
      steps.set(k, new StepInfo(st.node(), st.step(), st.in(), st.out(),
          die.get(k).stream().mapToInt(Integer::intValue).toArray()));
    }
  }

  /** Names read by nodes of the node's subgraphs (at any depth): they must live until the node ran. */
  private static Set<String> subgraphReads(Node node, Set<String> out) {
    for (Attribute a : node.attributes().asMap().values()) {
      if (a instanceof Attribute.GraphValue gv) {
        for (Node n : gv.value().nodes()) {
          out.addAll(n.inputs());
          subgraphReads(n, out);
        }
        gv.value().outputs().forEach(v -> out.add(v.name()));
      }
    }
    return out;
  }

  Graph graph() {
    return graph;
  }

  /** Number of nodes that run (after prepare-time folding). */
  int stepCount() {
    return steps.size();
  }

  /**
   * Runs the graph.
   *
   * @param inputs the graph inputs in order (already checked)
   * @param outer values of enclosing graphs by name (for subgraphs), else null
   * @return the graph outputs in order
   */
  NdArray[] run(NdArray[] inputs, Function<String, NdArray> outer, Exec exec) {
    NdArray[] slots = constants.clone();
    for (int i = 0; i < inputSlots.length; i++) {
      slots[inputSlots[i]] = inputs[i];
    }
    for (Map.Entry<String, Integer> c : captured.entrySet()) {
      NdArray v = outer.apply(c.getKey());
      if (v == null) {
        throw new MobilizeException(ErrorCode.EXECUTION_FAILED, "value '" + c.getKey()
            + "' of an enclosing graph is not available in subgraph '" + graph.name() + "'");
      }
      slots[c.getValue()] = v;
    }
    IdentityHashMap<Object, int[]> refs = new IdentityHashMap<>();
    java.util.function.Function<String, NdArray> saved = exec.scope;
    exec.scope = name -> {
      Integer s = slotOf.get(name);
      NdArray v = s == null ? null : slots[s];
      return v != null ? v : outer == null ? null : outer.apply(name);
    };
    try {
      return runSteps(slots, refs, exec);
    } finally {
      exec.scope = saved;
    }
  }

  private NdArray[] runSteps(NdArray[] slots, IdentityHashMap<Object, int[]> refs, Exec exec) {
    for (StepInfo st : steps) {
      NdArray[] args = new NdArray[st.in().length];
      for (int i = 0; i < args.length; i++) {
        args[i] = st.in()[i] < 0 ? null : slots[st.in()[i]];
      }
      NdArray[] res;
      long t0 = exec.profile != null ? System.nanoTime() : 0;
      try {
        res = st.step().run(args, exec);
        if (exec.profile != null) {
          Node n = st.node();
          exec.profile.add(new PreparedModel.NodeTiming(n.name().isEmpty() ? n.describe() : n.name(),
              n.domain().isEmpty() ? n.opType() : n.domain() + "." + n.opType(), System.nanoTime() - t0));
        }
      } catch (MobilizeException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new MobilizeException(ErrorCode.EXECUTION_FAILED, "node " + st.node().describe() + ": " + e, e);
      }
      if (res.length < countOutputs(st.out())) {
        throw new IllegalStateException("kernel for " + st.node().describe() + " returned " + res.length
            + " outputs, the node has " + st.out().length);
      }
      for (int i = 0; i < st.out().length; i++) {
        int s = st.out()[i];
        if (s >= 0 && i < res.length && res[i] != null) {
          slots[s] = res[i];
          narrow(res[i]);
          refs.computeIfAbsent(res[i].data(), k -> new int[1])[0]++;
        }
      }
      for (int s : st.dieAfter()) {
        NdArray v = slots[s];
        slots[s] = null;
        if (v != null) {
          int[] c = refs.get(v.data());
          if (c != null && --c[0] == 0) {
            refs.remove(v.data());
            exec.release(v.data());
          }
        }
      }
    }
    NdArray[] out = new NdArray[outputSlots.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = slots[outputSlots[i]];
    }
    return out;
  }


  private static int countOutputs(int[] out) {
    int n = out.length;
    while (n > 0 && out[n - 1] < 0) {
      n--;
    }
    return n;
  }

  private static void narrow(NdArray a) {
    switch (a.type) {
      case FLOAT, DOUBLE, INT64, UINT64, STRING -> { }
      default -> NdArray.narrow(a.type, a.f, a.l);
    }
  }
}
