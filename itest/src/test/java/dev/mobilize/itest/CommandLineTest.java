package dev.mobilize.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the built {@code mobilize} program the way a user does, and checks output and exit codes. */
class CommandLineTest {

  private static final Path ROOT = Path.of(System.getProperty("mobilize.root", "..")).toAbsolutePath().normalize();

  @TempDir Path plugins;

  record Result(int exit, String out, String err) {}

  private Result mobilize(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("mobilize").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    Map<String, String> env = pb.environment();
    env.put("MOBILIZE_PLUGINS", plugins.toString());
    env.put("MOBILIZE_LOG_DIR", plugins.resolve("logs").toString());
    Path out = Files.createTempFile("mobilize", ".out");
    Path err = Files.createTempFile("mobilize", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("mobilize " + String.join(" ", args) + " did not finish in 120 s");
    }
    Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  @Test
  void pluginsListsTheCoreBundles() throws Exception {
    Result r = mobilize("plugins");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("dev.mobilize.cli"), r.out());
    assertTrue(r.out().contains("dev.mobilize.core.api"), r.out());
    assertEquals("", r.err(), "nothing on stderr for a successful command");
  }

  @Test
  void pluginsAsJson() throws Exception {
    Result r = mobilize("plugins", "--json");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().trim().startsWith("[{\"plugin\":"), r.out());
  }

  @Test
  void formatsExitsZero() throws Exception {
    Result r = mobilize("formats");
    assertEquals(0, r.exit(), r.err());
    assertTrue(!r.out().isBlank());
  }

  @Test
  void unknownCommandIsOneLineAndNonZero() throws Exception {
    Result r = mobilize("frobnicate", "x");
    assertEquals(2, r.exit());
    assertEquals("mobilize: unknown command 'frobnicate'; run 'mobilize --help' for the list of commands\n", r.err());
  }

  @Test
  void unknownOptionIsOneLineAndNonZero() throws Exception {
    Result r = mobilize("--frobnicate");
    assertEquals(2, r.exit());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void helpListsEveryCommandWithOneLine() throws Exception {
    Result r = mobilize("--help");
    assertEquals(0, r.exit(), r.err());
    for (String command : new String[] {"plugins", "formats", "passes"}) {
      assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+" + command + "\\s+\\S.*")), command + " in\n" + r.out());
    }
  }

  @Test
  void scriptRunsEveryStatementAndPrintsEachResult() throws Exception {
    Path script = plugins.resolve("list.gogo");
    Files.writeString(script, "# a comment\nplugins\npasses\necho done $1\n");
    Result r = mobilize("-f", script.toString(), "now");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("dev.mobilize.cli"), r.out());
    assertTrue(r.out().contains("FuseConvBatchNorm"), r.out());
    assertTrue(r.out().contains("done now"), r.out());
  }

  @Test
  void missingScriptIsOneLineError() throws Exception {
    Result r = mobilize("-f", "no-such-script.gogo");
    assertEquals(2, r.exit());
    assertEquals("mobilize: script file 'no-such-script.gogo' does not exist\n", r.err());
  }

  @Test
  void pluginInFolderIsAvailableToTheFirstCommand() throws Exception {
    Files.copy(Path.of(System.getProperty("example.plugin")), plugins.resolve("obfuscate.jar"));
    Result r = mobilize("passes");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("ObfuscateNames"), r.out());
  }

  private static Path shared() {
    return ROOT.resolve("../shared").normalize();
  }

  @Test
  void infoReadsWellForMobileNetV2() throws Exception {
    Result r = mobilize("info", shared().resolve("models/mobilenet_v2/model.onnx").toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("input       input f32[1,3,224,224]"), r.out());
    assertTrue(r.out().contains("compute     300.77 M MACs"), r.out());
    assertTrue(r.out().contains("Conv 52"), r.out());
  }

  @Test
  void convertOptimizesWritesManifestAndVerifies() throws Exception {
    Path out = plugins.resolve("out");
    Result r = mobilize("convert", shared().resolve("models/digits_cnn/model.onnx").toString(), "--to", "onnx",
        "--out", out.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("nodes       12 -> 10"), r.out());
    assertTrue(r.out().contains("FuseConvBatchNorm 2"), r.out());
    assertTrue(r.out().contains("verify      output: max abs error"), r.out());
    assertTrue(Files.exists(out.resolve("model.onnx")), r.out());
    assertTrue(Files.readString(out.resolve("model.mobilize.json")).contains("\"source_sha256\""), r.out());
    Result bad = mobilize("convert", shared().resolve("models/digits_cnn/model.onnx").toString(), "--to", "tflite",
        "--out", out.toString());
    assertEquals(2, bad.exit(), bad.out());
    assertTrue(bad.err().matches("(?s)mobilize: unknown format 'tflite'; available: .*onnx.*"), bad.err());
  }

  @Test
  void analyzeNamesLayersInFindings() throws Exception {
    Result r = mobilize("analyze", shared().resolve("models/resnet18/model.onnx").toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("[kernel] /conv1/Conv: 7x7 convolution"), r.out());
    assertTrue(r.out().contains("size        fp32 46.80 MB, fp16 23.40 MB, int8 11.70 MB"), r.out());
  }

  @Test
  void infoJsonWithLayers() throws Exception {
    Result r = mobilize("info", "--json", "--layers", shared().resolve("models/squeezenet1_1/model.onnx").toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("{\"file\":"), r.out());
    assertTrue(r.out().contains("\"macs\":349"), r.out());
    assertTrue(r.out().contains("\"layers\":[{\"node\":"), r.out());
  }

  @Test
  void corruptModelIsOneLineError() throws Exception {
    byte[] model = Files.readAllBytes(shared().resolve("models/digits_cnn/model.onnx"));
    Path cut = plugins.resolve("cut.onnx");
    Files.write(cut, java.util.Arrays.copyOf(model, 3000));
    Result r = mobilize("info", cut.toString());
    assertEquals(1, r.exit());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("mobilize: INVALID_MODEL: " + cut + ": is not a valid ONNX model"), r.err());
  }

  @Test
  void missingModelIsOneLineError() throws Exception {
    Result r = mobilize("info", "no/such/model.onnx");
    assertEquals(1, r.exit());
    assertEquals("mobilize: IO_ERROR: no/such/model.onnx: does not exist\n", r.err());
  }

  @Test
  void runWritesOutputsThatMatchTheReference() throws Exception {
    Path model = shared().resolve("models/digits_cnn");
    Path out = plugins.resolve("out");
    Result r = mobilize("run", model.resolve("model.onnx").toString(), "--input",
        "input=" + model.resolve("test_data_set_0/input_0.pb"), "--out", out.toString(), "--npy");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("output f32[8,10] "), r.out());
    assertTrue(Files.isRegularFile(out.resolve("output.pb")) && Files.isRegularFile(out.resolve("output.npy")));
    Result missing = mobilize("run", model.resolve("model.onnx").toString(), "--input", "input=" + out.resolve("nope.npy"));
    assertEquals(1, missing.exit());
    assertEquals("mobilize: IO_ERROR: " + out.resolve("nope.npy") + ": does not exist\n", missing.err());
  }

  @Test
  void compareFailsBeyondToleranceWithExitOne() throws Exception {
    Result same = mobilize("compare", shared().resolve("models/squeezenet1_1/model.onnx").toString(),
        shared().resolve("models/squeezenet1_1/model.onnx").toString(), "--per-layer");
    assertEquals(0, same.exit(), same.err());
    assertTrue(same.out().contains("OK: outputs agree"), same.out());
    Result different = mobilize("compare", shared().resolve("models/squeezenet1_1/model.onnx").toString(),
        shared().resolve("models/resnet18/model.onnx").toString());
    assertEquals(1, different.exit());
    assertTrue(different.out().contains("BEYOND TOLERANCE"), different.out());
  }

  @Test
  void benchJson() throws Exception {
    Result r = mobilize("bench", shared().resolve("models/digits_cnn/model.onnx").toString(), "--iters", "3",
        "--warmup", "1", "--threads", "1", "--json", "--input-shape", "input=1,1,8,8");
    assertEquals(0, r.exit(), r.err());
    for (String key : new String[] {"median_ms", "p90_ms", "min_ms", "threads", "peak_activation_bytes"}) {
      assertTrue(r.out().contains("\"" + key + "\":"), key + " in " + r.out());
    }
  }

  /** Two models timed in one run: both medians and the speed-up, in text and JSON; --profile refused with it. */
  @Test
  void benchAgainstAnotherModel() throws Exception {
    String digits = shared().resolve("models/digits_cnn/model.onnx").toString();
    Result r = mobilize("bench", digits, "--against", digits, "--iters", "12", "--warmup", "1", "--threads", "1",
        "--input-shape", "input=1,1,8,8");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().matches("(?s).*speed-up of .*digits_cnn/model.onnx over .*: \\d+\\.\\d\\dx \\(medians\\).*12 runs"
        + " each in alternating blocks of 10, 1 threads.*"), r.out());
    Result j = mobilize("bench", digits, "--against", digits, "--iters", "3", "--warmup", "0", "--threads", "1",
        "--input-shape", "input=1,1,8,8", "--json");
    assertEquals(0, j.exit(), j.err());
    for (String key : new String[] {"median_ms", "against_median_ms", "speed_up", "iters", "peak_activation_bytes",
        "against_peak_activation_bytes"}) {
      assertTrue(j.out().contains("\"" + key + "\":"), key + " in " + j.out());
    }
    Result p = mobilize("bench", digits, "--against", digits, "--profile", "--input-shape", "input=1,1,8,8");
    assertEquals(2, p.exit(), p.out());
    assertTrue(p.err().contains("--profile times one model: run it without --against"), p.err());
  }

  @Test
  void conformanceEndsWithTheCountLine() throws Exception {
    Result r = mobilize("conformance", shared().resolve("onnx-node-tests").toString(), "--filter", "test_relu");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().trim().lines().reduce((a, b) -> b).orElse("").matches("\\d+ passed, 0 failed, \\d+ skipped"), r.out());
  }

  /** The README's quick start: the sample model converts to ncnn and proves itself. */
  @Test
  void quickStartConvertsTheSampleToNcnn() throws Exception {
    Path out = plugins.resolve("quickstart");
    Result r = mobilize("convert", ROOT.resolve("samples/mobilenet_tiny.onnx").toString(), "--to", "ncnn", "--out",
        out.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("cosine 1.000000"), r.out());
    for (String f : new String[] {"mobilenet_tiny.param", "mobilenet_tiny.bin", "mobilenet_tiny.mobilize.json"}) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    assertTrue(Files.readString(out.resolve("mobilenet_tiny.param")).startsWith("7767517\n"));
    Result c = mobilize("compare", ROOT.resolve("samples/mobilenet_tiny.onnx").toString(),
        out.resolve("mobilenet_tiny.param").toString());
    assertEquals(0, c.exit(), c.out() + c.err());
  }
}
