package dev.mobilize.cli;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.service.Options;
import dev.mobilize.service.PreparedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** {@code bench}: measures a model's latency in the CPU runtime. */
@Component(service = BenchCommand.class, property = {"osgi.command.scope=mobilize", "osgi.command.function=bench"})
public class BenchCommand {

  private final ModelFiles files;
  private final TensorFiles tensors;
  private final Execution execution;

  @Activate
  public BenchCommand(BundleContext context) {
    ServiceCatalog catalog = new ServiceCatalog(context);
    this.files = new ModelFiles(context);
    this.tensors = new TensorFiles(catalog);
    this.execution = new Execution(catalog);
  }

  @Descriptor("measure latency: median, p90 and min over timed runs after warm-up (--profile: time per node and op)")
  public Object bench(
      @Descriptor("threads (0 = all processors)") @Parameter(names = "--threads", absentValue = "0") int threads,
      @Descriptor("untimed warm-up runs") @Parameter(names = "--warmup", absentValue = "10") int warmup,
      @Descriptor("timed runs") @Parameter(names = "--iters", absentValue = "50") int iters,
      @Descriptor("time per node and per op type") @Parameter(names = "--profile", presentValue = "true",
          absentValue = "false") boolean profile,
      @Descriptor("print one JSON object") @Parameter(names = "--json", presentValue = "true", absentValue = "false")
          boolean json,
      @Descriptor("inputs as NAME=FILE.pb, separated by commas (default: deterministic inputs)") @Parameter(
          names = "--input", absentValue = "") String input,
      @Descriptor("fix dynamic inputs, e.g. input=1,3,224,224") @Parameter(names = "--input-shape", absentValue = "")
          String inputShape,
      @Descriptor("a second model timed in the same run, e.g. the float model of an int8 one: blocks of 10 runs of"
          + " each alternate, and the report gives both and the speed-up") @Parameter(names = "--against",
          absentValue = "") String against,
      @Descriptor("model file (any installed format)") String model) {
    if (iters < 1 || warmup < 0) {
      throw new IllegalArgumentException("--iters must be at least 1 and --warmup at least 0");
    }
    if (profile && !against.isEmpty()) {
      throw new IllegalArgumentException("--profile times one model: run it without --against");
    }
    Options opts = inputShape.isEmpty() ? Options.NONE : Options.of(Map.of("input-shape", inputShape));
    Model m = files.read(Path.of(model), opts).model();
    Map<String, Tensor> inputs = ModelInputs.build(m.graph(), ModelInputs.parseFiles(input), tensors);
    if (!against.isEmpty()) {
      Model b = files.read(Path.of(against), opts).model();
      Map<String, Tensor> bInputs = ModelInputs.build(b.graph(), ModelInputs.parseFiles(input), tensors);
      PairedReport report = execution.with(m, threads, false, pm -> execution.with(b, threads, false, pb -> {
        try (Progress progress = Progress.start("bench", 2L * (warmup + iters))) {
          PairedTimings.Sorted t = PairedTimings.measure(pm, inputs, pb, bInputs, warmup, iters, progress);
          return new PairedReport(model, against, used(threads), iters, t, pm.peakActivationBytes(),
              pb.peakActivationBytes());
        }
      }));
      return json ? report.toJson() : report;
    }
    BenchReport report = execution.with(m, threads, profile, p -> measure(p, inputs, warmup, iters, model, threads));
    return json ? report.toJson() : report;
  }

  private static int used(int threads) {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }

  /** Two models timed in one run ({@code --against}). */
  private record PairedReport(String model, String against, int threads, int iters, PairedTimings.Sorted t,
      long peak, long againstPeak) implements Report {
    @Override
    public String toString() {
      return toText();
    }

    @Override
    public String toText() {
      return String.format(Locale.ROOT, "%s: median %.2f ms, min %.2f ms; peak activations %s%n%s: median %.2f ms,"
          + " min %.2f ms; peak activations %s%nspeed-up of %s over %s: %.2fx (medians), %.2fx (minima); %d runs"
          + " each in alternating blocks of %d, %d threads", model, t.medianMs(t.model()), t.minMs(t.model()),
          Units.bytes(peak), against, t.medianMs(t.against()), t.minMs(t.against()), Units.bytes(againstPeak), model,
          against, speedUp(), t.minMs(t.against()) / t.minMs(t.model()), iters, PairedTimings.BLOCK, threads);
    }

    /** How many times faster {@link #model} runs than {@link #against}: the ratio of their medians. */
    double speedUp() {
      return t.medianMs(t.against()) / t.medianMs(t.model());
    }

    @Override
    public String toJson() {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("model", model);
      j.put("median_ms", t.medianMs(t.model()));
      j.put("min_ms", t.minMs(t.model()));
      j.put("against", against);
      j.put("against_median_ms", t.medianMs(t.against()));
      j.put("against_min_ms", t.minMs(t.against()));
      j.put("peak_activation_bytes", peak);
      j.put("against_peak_activation_bytes", againstPeak);
      j.put("speed_up", speedUp());
      j.put("iters", iters);
      j.put("threads", threads);
      return Json.write(j);
    }
  }

  private static BenchReport measure(PreparedModel p, Map<String, Tensor> inputs, int warmup, int iters,
      String model, int threads) {
    long[] nanos = new long[iters];
    Map<String, long[]> perNode = new LinkedHashMap<>();
    Map<String, Long> perOp = new TreeMap<>();
    try (Progress progress = Progress.start("bench", (long) warmup + iters)) {
      for (int i = 0; i < warmup; i++) {
        p.run(inputs);
        progress.step();
      }
      for (int i = 0; i < iters; i++) {
        long t0 = System.nanoTime();
        p.run(inputs);
        nanos[i] = System.nanoTime() - t0;
        for (PreparedModel.NodeTiming t : p.lastProfile()) {
          perNode.computeIfAbsent(t.node() + "\u0000" + t.opType(), k -> new long[1])[0] += t.nanos();
          perOp.merge(t.opType(), t.nanos(), Long::sum);
        }
        progress.step();
      }
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new BenchReport(model, used(threads), iters, sorted[sorted.length / 2] / 1e6,
        sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.9) - 1)] / 1e6, sorted[0] / 1e6,
        p.peakActivationBytes(), perNode, perOp);
  }

  /** The measured figures. */
  private record BenchReport(String model, int threads, int iters, double medianMs, double p90Ms, double minMs,
      long peakActivationBytes, Map<String, long[]> perNode, Map<String, Long> perOp) implements Report {
    /** The text form, so that Gogo's echo and string conversion show the report. */
    @Override
    public String toString() {
      return toText();
    }


    @Override
    public String toText() {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
          "%s: median %.2f ms, p90 %.2f ms, min %.2f ms over %d runs, %d threads; peak activations %s",
          model, medianMs, p90Ms, minMs, iters, threads, Units.bytes(peakActivationBytes)));
      if (!perOp.isEmpty()) {
        long total = perOp.values().stream().mapToLong(Long::longValue).sum();
        TableReport ops = new TableReport("\ntime per op type (mean per run)", "op", "ms", "share");
        perOp.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).forEach(e -> ops.row(
            e.getKey(), String.format(Locale.ROOT, "%.3f", e.getValue() / 1e6 / iters),
            String.format(Locale.ROOT, "%.1f%%", 100.0 * e.getValue() / total)));
        sb.append('\n').append(ops.toText());
        TableReport nodes = new TableReport("\nslowest nodes (mean per run)", "node", "op", "ms");
        perNode.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).limit(15)
            .forEach(e -> {
              String[] k = e.getKey().split("\u0000");
              nodes.row(k[0], k[1], String.format(Locale.ROOT, "%.3f", e.getValue()[0] / 1e6 / iters));
            });
        sb.append('\n').append(nodes.toText());
      }
      return sb.toString();
    }

    @Override
    public String toJson() {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("model", model);
      j.put("median_ms", medianMs);
      j.put("p90_ms", p90Ms);
      j.put("min_ms", minMs);
      j.put("iters", iters);
      j.put("threads", threads);
      j.put("peak_activation_bytes", peakActivationBytes);
      if (!perOp.isEmpty()) {
        Map<String, Double> ops = new LinkedHashMap<>();
        perOp.forEach((k, v) -> ops.put(k, v / 1e6 / iters));
        j.put("op_ms", ops);
        List<Map<String, Object>> nodes = new ArrayList<>();
        perNode.forEach((k, v) -> {
          String[] parts = k.split("\u0000");
          nodes.add(Map.of("node", parts[0], "op", parts[1], "ms", v[0] / 1e6 / iters));
        });
        j.put("node_ms", nodes);
      }
      return Json.write(j);
    }
  }
}
