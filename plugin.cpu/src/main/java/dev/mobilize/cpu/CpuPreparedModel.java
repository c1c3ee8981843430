package dev.mobilize.cpu;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.PreparedModel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A model prepared by {@link CpuGraphExecutor}. Runs one call at a time (calls are serialized);
 * buffers are pooled across runs. {@link #peakActivationBytes()} reports the memory plan's peak.
 */
public final class CpuPreparedModel implements PreparedModel {

  private final Graph graph;
  private final Program program;
  private final Parallel parallel;
  private final Exec exec;

  CpuPreparedModel(Graph graph, Program program, int threads, boolean profile) {
    this.graph = graph;
    this.program = program;
    this.parallel = new Parallel(threads);
    this.exec = new Exec(parallel);
    if (profile) {
      exec.profile = new java.util.ArrayList<>();
    }
  }

  /** Time per node of the last run (prepared with {@code profile=true}), in the order they ran. */
  @Override
  public synchronized List<NodeTiming> lastProfile() {
    return exec.profile == null ? List.of() : List.copyOf(exec.profile);
  }

  @Override
  public List<ValueInfo> inputs() {
    return graph.inputs();
  }

  @Override
  public List<ValueInfo> outputs() {
    return graph.outputs();
  }

  /** The threads this model runs on. */
  public int threads() {
    return parallel.threads();
  }

  /**
   * The most bytes of intermediate tensors (activations and kernel scratch) alive at once in the
   * runs so far; buffers of values nobody reads any more are reused.
   */
  public synchronized long peakActivationBytes() {
    return exec.peakBytes();
  }

  /** Number of nodes executed per run (after prepare-time folding and fusion). */
  public int nodeCount() {
    return program.stepCount();
  }

  @Override
  public synchronized Map<String, Tensor> run(Map<String, Tensor> inputs) {
    if (exec.profile != null) {
      exec.profile.clear();
    }
    NdArray[] in = checkInputs(inputs);
    NdArray[] out = program.run(in, null, exec);
    Map<String, Tensor> result = new LinkedHashMap<>();
    List<ValueInfo> outs = graph.outputs();
    for (int i = 0; i < out.length; i++) {
      if (out[i] == null) {
        throw new IllegalStateException("output '" + outs.get(i).name() + "' was not computed");
      }
      result.put(outs.get(i).name(), out[i].toTensor());
    }
    for (NdArray o : out) {
      exec.release(o.data());
    }
    return result;
  }

  private NdArray[] checkInputs(Map<String, Tensor> inputs) {
    List<ValueInfo> expected = graph.inputs();
    for (String name : inputs.keySet()) {
      if (expected.stream().noneMatch(v -> v.name().equals(name))) {
        throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "unknown input '" + name + "'; the model's inputs are "
            + expected.stream().map(v -> v.name() + " " + v.typeString()).collect(Collectors.joining(", ")));
      }
    }
    NdArray[] out = new NdArray[expected.size()];
    Map<String, Long> symbols = new HashMap<>();
    for (int i = 0; i < out.length; i++) {
      ValueInfo v = expected.get(i);
      Tensor t = inputs.get(v.name());
      if (t == null) {
        throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "missing input '" + v.name() + "', expected "
            + v.typeString());
      }
      if (v.type() != DataType.UNDEFINED && t.type() != v.type()) {
        throw new MobilizeException(ErrorCode.SHAPE_MISMATCH, "input '" + v.name() + "' has dtype " + t.type()
            + ", expected " + v.type());
      }
      checkShape(v, t, symbols);
      try {
        out[i] = NdArray.fromTensor(t);
      } catch (IllegalArgumentException e) {
        throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, "input '" + v.name() + "': " + e.getMessage());
      }
    }
    return out;
  }

  private static void checkShape(ValueInfo v, Tensor t, Map<String, Long> symbols) {
    Shape s = v.shape();
    if (!s.hasRank()) {
      return;
    }
    long[] dims = t.dims();
    boolean ok = dims.length == s.rank();
    for (int d = 0; ok && d < dims.length; d++) {
      Dim dim = s.dim(d);
      if (dim.isFixed()) {
        ok = dim.value() == dims[d];
      } else {
        Long seen = symbols.putIfAbsent(dim.symbol(), dims[d]);
        if (seen != null && seen != dims[d]) {
          throw new MobilizeException(ErrorCode.SHAPE_MISMATCH, "input '" + v.name() + "' has shape "
              + Shape.format(dims) + ", expected " + s + " with " + dim.symbol() + "=" + seen
              + " as in an earlier input");
        }
      }
    }
    if (!ok) {
      throw new MobilizeException(ErrorCode.SHAPE_MISMATCH, "input '" + v.name() + "' has shape "
          + Shape.format(dims) + ", expected " + s);
    }
  }

  @Override
  public synchronized void close() {
    exec.clear();
    parallel.close();
  }
}
