package dev.mobilize.cli;

import dev.mobilize.ir.Model;
import dev.mobilize.service.AtomicFiles;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ModelExporter;
import dev.mobilize.service.ModelImporter;
import dev.mobilize.service.ModelInspector;
import dev.mobilize.service.Options;
import dev.mobilize.service.PassContext;
import dev.mobilize.service.Problem;
import dev.mobilize.service.Quantizer;
import dev.mobilize.service.ServiceProperties;
import dev.mobilize.ir.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** {@code convert}: import, optimize, export, read back and verify, with a manifest beside the output. */
@Component(
    service = ConvertCommand.class,
    property = {"osgi.command.scope=mobilize", "osgi.command.function=convert"})
public class ConvertCommand {

  /** The default largest relative error of a conversion with half-precision weights. */
  static final double FP16_TOLERANCE = 1e-2;

  /**
   * The default largest relative error of an int8 conversion against its QDQ model: frameworks
   * round their integer steps their own way and give float outputs where QDQ quantizes them (a
   * step of the output scale is up to 1/127 of the range).
   */
  static final double INT8_TOLERANCE = 5e-2;

  private final BundleContext context;
  private final ModelFiles files;
  private final ServiceCatalog catalog;

  @Activate
  public ConvertCommand(BundleContext context) {
    this.context = context;
    this.files = new ModelFiles(context);
    this.catalog = new ServiceCatalog(context);
  }

  @Descriptor("convert a model to another format: import, optimize, export, then read the result back and check it computes the same")
  public Object convert(
      @Descriptor("target format, e.g. onnx") @Parameter(names = "--to", absentValue = "") String to,
      @Descriptor("output folder") @Parameter(names = "--out", absentValue = "") String out,
      @Descriptor("passes to run instead of the default pipeline, e.g. FuseConvBatchNorm,RemoveUnused")
          @Parameter(names = "--passes", absentValue = "") String passes,
      @Descriptor("run no optimization pass") @Parameter(names = "--no-optimize", presentValue = "true",
          absentValue = "false") boolean noOptimize,
      @Descriptor("run the model after every pass and name the first pass that changes the outputs")
          @Parameter(names = "--verify-passes", presentValue = "true", absentValue = "false") boolean verifyPasses,
      @Descriptor("skip reading the result back and comparing outputs") @Parameter(names = "--no-verify",
          presentValue = "true", absentValue = "false") boolean noVerify,
      @Descriptor("largest accepted max error relative to max|output| (default 1e-4; 1e-2 with --fp16, 5e-2 with --int8)")
          @Parameter(names = "--tolerance", absentValue = "") String tolerance,
      @Descriptor("fix dynamic inputs, e.g. input=1,3,224,224") @Parameter(names = "--input-shape", absentValue = "")
          String inputShape,
      @Descriptor("store weights as half precision (ncnn, mnn, tnn, mace: their fp16 storage; onnx: FLOAT16 weights with a Cast); the default tolerance becomes 1e-2")
          @Parameter(names = "--fp16", presentValue = "true", absentValue = "false") boolean fp16,
      @Descriptor("replace op and internal tensor names by opaque ids, the mapping written beside (mace)")
          @Parameter(names = "--obfuscate", presentValue = "true", absentValue = "false") boolean obfuscate,
      @Descriptor("write the model as C/C++ source to compile into the app (ncnn, mace)")
          @Parameter(names = "--embed", presentValue = "true", absentValue = "false") boolean embed,
      @Descriptor("print JSON") @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
      @Descriptor("quantize to int8 (QDQ) with calibration data (--calib); prints an accuracy report")
          @Parameter(names = "--int8", presentValue = "true", absentValue = "false") boolean int8,
      @Descriptor("calibration data for --int8: a folder of images (.jpg, .png) or tensor files (.pb, .npy), or one"
          + " batch tensor file") @Parameter(names = "--calib", absentValue = "") String calib,
      @Descriptor("how activation ranges are chosen: kl (default), minmax, percentile, mse, or eq (kl scales"
          + " searched one by one against the model's outputs; minutes)")
          @Parameter(names = "--calib-method", absentValue = "") String calibMethod,
      @Descriptor("nodes (or their output values) that stay float, e.g. conv1,fc")
          @Parameter(names = "--keep-float", absentValue = "") String keepFloat,
      @Descriptor("largest accepted accuracy drop in percentage points (top-1 agreement for classifiers, else"
          + " 100*(1-cosine)); the most sensitive layers stay float until it holds")
          @Parameter(names = "--max-accuracy-drop", absentValue = "") String maxAccuracyDrop,
      @Descriptor("lowest accepted cosine similarity to float of every output on every sample, e.g. 0.99; the most"
          + " sensitive layers stay float until it holds") @Parameter(names = "--min-cosine", absentValue = "")
          String minCosine,
      @Descriptor("rank layers by the accuracy lost when only that layer is int8")
          @Parameter(names = "--sensitivity", presentValue = "true", absentValue = "false") boolean sensitivity,
      @Descriptor("data the accuracy report is measured on (same forms as --calib; default the calibration data)")
          @Parameter(names = "--validate", absentValue = "") String validate,
      @Descriptor("images: resize to W,H (default the input's size)") @Parameter(names = "--resize", absentValue = "")
          String resize,
      @Descriptor("images: per-channel mean subtracted from 0..255 pixels, e.g. 123.675,116.28,103.53")
          @Parameter(names = "--mean", absentValue = "") String mean,
      @Descriptor("images: per-channel factor applied after the mean, e.g. 0.01712,0.01751,0.01743")
          @Parameter(names = "--norm", absentValue = "") String norm,
      @Descriptor("images: channel order rgb (default), bgr or gray") @Parameter(names = "--color", absentValue = "")
          String color,
      @Descriptor("model file (any installed format)") String model) {
    if (to.isEmpty()) {
      throw new IllegalArgumentException("give the target format with --to; available: " + exportFormats());
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("give the output folder with --out");
    }
    double tol = int8 ? INT8_TOLERANCE : fp16 ? FP16_TOLERANCE : Verification.DEFAULT_TOLERANCE;
    if (!tolerance.isEmpty()) {
      try {
        tol = Double.parseDouble(tolerance);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--tolerance '" + tolerance + "' is not a number, e.g. 1e-4");
      }
    }
    if (!exportFormats().contains(to)) {
      throw new IllegalArgumentException("unknown format '" + to + "'; available: " + String.join(", ", exportFormats()));
    }
    Map<String, String> quantOpts = quantOptions(int8, fp16, calib, calibMethod, keepFloat, maxAccuracyDrop, minCosine,
        sensitivity, validate, resize, mean, norm, color);
    Map<String, String> readOpts = new LinkedHashMap<>();
    if (!inputShape.isEmpty()) {
      readOpts.put("input-shape", inputShape);
    }
    Path source = Path.of(model);
    ModelFiles.Loaded loaded = files.read(source, Options.of(readOpts));
    Model original = catalog.firstOf(ModelInspector.class, i -> i.inferShapes(loaded.model()));
    Set<String> expressible = catalog.with(ModelExporter.class, ServiceProperties.FORMAT, to, ModelExporter::expresses);

    Map<String, String> options = new LinkedHashMap<>();
    options.put("to", to);
    options.put("optimize", String.valueOf(!noOptimize));
    options.put("passes", passes);
    options.put("verify", String.valueOf(!noVerify));
    options.put("verify_passes", String.valueOf(verifyPasses));
    options.put("tolerance", String.valueOf(tol));
    options.put("input_shape", inputShape);
    options.put("int8", String.valueOf(int8));
    options.put("fp16", String.valueOf(fp16));
    quantOpts.forEach((k, v) -> options.put(k.replace('-', '_'), v));
    // the ONNX exporter writes the IR as it is: there the weights become FLOAT16 in the graph itself
    boolean fp16InGraph = fp16 && to.equals("onnx");
    Map<String, String> exportOpts = new LinkedHashMap<>();
    if (fp16 && !fp16InGraph) {
      exportOpts.put("fp16", "true");
    }
    if (obfuscate) {
      exportOpts.put("obfuscate", "true");
    }
    if (embed) {
      exportOpts.put("embed", "true");
    }
    options.putAll(exportOpts);
    Options exportOptions = Options.of(exportOpts);

    ConvertReport report = new ConvertReport(loaded.file(), to, original.graph().nodes().size(), tol);
    Model result = original;
    if (!noOptimize) {
      PassPipeline pipeline = new PassPipeline(context, catalog);
      List<String> names = passes.isEmpty() ? List.of() : Arrays.stream(passes.split(",")).map(String::trim)
          .filter(s -> !s.isEmpty()).toList();
      List<ServiceReference<GraphPass>> selected = pipeline.select(names);
      PassPipeline.Check check = null;
      if (verifyPasses) {
        Map<String, Tensor> in = Verification.inputs(original);
        Map<String, Tensor> expected = runCpu(original, in);
        double t = tol;
        check = (pass, m) -> {
          List<Verification.Figures> f = Verification.compare(expected, runCpu(m, in));
          if (!Verification.within(f, t)) {
            throw new MobilizeException(ErrorCode.VERIFICATION_FAILED, "pass " + pass
                + " changed the outputs: " + f + "; run without it (--passes) and report the model");
          }
        };
      }
      PassPipeline.Result r = pipeline.run(original, selected, expressible, PassContext.of(Options.NONE, to),
          m -> catalog.firstOf(ModelInspector.class, i -> i.inferShapes(m)), check);
      result = r.model();
      report.optimized(r);
    }
    Map<String, Tensor> verifyOn = Verification.inputs(original);
    Model floatResult = result;
    if (int8) {
      // the target format says how far its int8 layers reach (every output int8, pooling/add/concat in int8)
      // and whether they take activation zero points
      String ops = catalog.property(ModelExporter.class, ServiceProperties.FORMAT, to, ServiceProperties.INT8_OPS);
      String outputs = catalog.property(ModelExporter.class, ServiceProperties.FORMAT, to,
          ServiceProperties.INT8_OUTPUTS);
      if (!ops.isEmpty()) {
        quantOpts.put(Quantizer.INT8_OPS, ops);
        options.put("int8_ops", ops);
      }
      if (!outputs.isEmpty()) {
        quantOpts.put(Quantizer.INT8_OUTPUTS, outputs);
        options.put("int8_outputs", outputs);
      }
      // asymmetric activations (zero point -128 for never-negative tensors) only where the format takes zero points
      String activations = catalog.property(ModelExporter.class, ServiceProperties.FORMAT, to,
          ServiceProperties.INT8_ACTIVATIONS);
      if (!activations.isEmpty()) {
        quantOpts.put(Quantizer.ACTIVATIONS, activations);
      }
      Model optimized = result;
      Quantizer.Result q;
      try (QuantProgress progress = new QuantProgress()) {
        q = catalog.firstOf(Quantizer.class, "the quantization plugin (dev.mobilize.quant)",
            z -> z.quantizeInt8(optimized, Options.of(quantOpts), progress));
      }
      result = q.model();
      verifyOn = q.sample();
      report.quantized(q.report());
    } else if (fp16InGraph) {
      Model optimized = result;
      result = catalog.firstOf(Quantizer.class, "the quantization plugin (dev.mobilize.quant)",
          z -> z.storeWeightsFloat16(optimized, Options.NONE));
      report.float16();
    }
    // int8 and fp16 weights in the graph change the numbers on purpose: the file is checked against that model
    Model floatModel = int8 ? floatResult : original;
    Model reference = int8 || fp16InGraph ? result : original;
    Model toWrite = result;
    List<Problem> problems = catalog.with(ModelExporter.class, ServiceProperties.FORMAT, to,
        e -> e.check(toWrite, exportOptions));
    if (!problems.isEmpty()) {
      throw MobilizeException.ofProblems(source + ": cannot be written as " + to + " (" + problems.size()
          + " problem(s)):", problems);
    }
    String base = baseName(source);
    Path outDir = Path.of(out).toAbsolutePath().normalize();
    Path staging = null;
    try {
      Files.createDirectories(outDir);
      staging = Files.createTempDirectory(outDir, ".mobilize-convert-");
      Path stage = staging;
      List<Path> written = catalog.with(ModelExporter.class, ServiceProperties.FORMAT, to,
          e -> e.write(toWrite, stage, base, exportOptions));
      for (Path f : written) {
        if (outDir.resolve(f.getFileName()).equals(source.toAbsolutePath().normalize())) {
          throw new IllegalArgumentException("the output " + outDir.resolve(f.getFileName())
              + " would overwrite the input; choose another --out folder");
        }
      }
      if (!noVerify) {
        Path main = written.get(0);
        Model back = catalog.with(ModelImporter.class, ServiceProperties.FORMAT, to,
            i -> i.read(main, Options.of(readOpts)));
        Map<String, Tensor> in = verifyOn;
        Map<String, Tensor> expected = runCpu(reference, in);
        Map<String, Tensor> actual = runCpu(back, in);
        report.verified(Verification.compare(expected, actual));
        if (int8 && report.failed()) {
          // two int8 approximations (the QDQ model, the framework's integer steps) differ by more than
          // a few output steps on noise-amplifying networks: the file passes when it is as close to the
          // float model as the QDQ model is
          Map<String, Tensor> floating = runCpu(floatModel, in);
          report.int8Accuracy(Verification.int8Accuracy(floating, expected, actual));
        }
      }
      List<Path> placed = new ArrayList<>();
      if (!report.failed()) {
        for (Path f : written) {
          Path target = outDir.resolve(f.getFileName());
          move(f, target);
          placed.add(target);
        }
        Path manifest = outDir.resolve(base + ".mobilize.json");
        AtomicFiles.write(manifest, manifest(loaded, options, report, placed).getBytes(StandardCharsets.UTF_8));
        placed.add(manifest);
      }
      report.written(placed);
      return json ? report.toJson() : report;
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot write into " + outDir + ": " + e.getMessage(), e);
    } finally {
      deleteTree(staging);
    }
  }

  /** The quantizer's options; flags that need --int8 without it are errors. */
  static Map<String, String> quantOptions(boolean int8, boolean fp16, String calib, String method, String keepFloat,
      String maxDrop, String minCosine, boolean sensitivity, String validate, String resize, String mean, String norm, String color) {
    if (int8 && fp16) {
      throw new IllegalArgumentException("--int8 and --fp16 exclude each other: int8 already stores weights in 8 bits");
    }
    Map<String, String> o = new LinkedHashMap<>();
    put(o, Quantizer.CALIB, calib);
    put(o, Quantizer.METHOD, method);
    put(o, Quantizer.KEEP_FLOAT, keepFloat);
    put(o, Quantizer.MAX_ACCURACY_DROP, maxDrop);
    put(o, Quantizer.MIN_COSINE, minCosine);
    put(o, Quantizer.VALIDATE, validate);
    put(o, Quantizer.RESIZE, resize);
    put(o, Quantizer.MEAN, mean);
    put(o, Quantizer.NORM, norm);
    put(o, Quantizer.COLOR, color);
    if (sensitivity) {
      o.put(Quantizer.SENSITIVITY, "true");
    }
    if (!int8 && !o.isEmpty()) {
      throw new IllegalArgumentException("--" + String.join(", --", o.keySet()) + " only apply with --int8");
    }
    if (int8 && calib.isEmpty()) {
      throw new IllegalArgumentException("--int8 needs calibration data: --calib FOLDER_OR_FILE (images .jpg/.png,"
          + " or tensors .pb/.npy, or one batch tensor file) of typical inputs");
    }
    return o;
  }

  private static void put(Map<String, String> o, String key, String value) {
    if (!value.isEmpty()) {
      o.put(key, value);
    }
  }

  private Map<String, Tensor> runCpu(Model m, Map<String, Tensor> in) {
    return catalog.with(GraphExecutor.class, ServiceProperties.EXECUTOR, "cpu", x -> Verification.run(x, m, in));
  }

  private List<String> exportFormats() {
    List<String> f = new ArrayList<>();
    catalog.exporters().forEach(e -> f.add(e.name()));
    return f;
  }

  static String baseName(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  private String manifest(ModelFiles.Loaded loaded, Map<String, String> options, ConvertReport report,
      List<Path> outputs) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("source", loaded.file().getFileName().toString());
    j.put("source_format", loaded.format());
    j.put("source_sha256", sha256(loaded.file()));
    j.put("tool", "mobilize");
    j.put("tool_version", context.getBundle().getVersion().toString());
    j.put("plugins", plugins());
    j.put("options", options);
    j.putAll(report.figures());
    List<Map<String, Object>> files = new ArrayList<>();
    for (Path p : outputs) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("file", p.getFileName().toString());
      f.put("sha256", sha256(p));
      files.add(f);
    }
    j.put("outputs", files);
    return Json.write(j) + "\n";
  }

  private Map<String, String> plugins() {
    Map<String, String> m = new java.util.TreeMap<>();
    for (org.osgi.framework.Bundle b : context.getBundles()) {
      if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("dev.mobilize.")) {
        m.put(b.getSymbolicName(), b.getVersion().toString());
      }
    }
    return m;
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // best effort: the staging folder is hidden and named for what it is
    }
  }
}
