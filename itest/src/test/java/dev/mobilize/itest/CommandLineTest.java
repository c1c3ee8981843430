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
    // the passes statement printed its result: the list, or that there are none
    assertTrue(r.out().contains("DropIdentities") || r.out().contains("no graph passes"), r.out());
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
}
