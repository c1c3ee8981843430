package dev.mobilize.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mobilize.service.GraphPass;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

/**
 * Inside the real framework, with the launcher's bundle set: the core services and commands
 * register, and a plugin jar dropped into the watched plugins folder appears in {@code passes}
 * without a restart, then disappears when the jar is deleted.
 */
class HotSwapTest {

  private final BundleContext context = FrameworkUtil.getBundle(HotSwapTest.class).getBundleContext();

  @Test
  void coreBundlesAreActiveAndCommandsRegistered() throws Exception {
    for (String name : new String[] {"dev.mobilize.core.api", "dev.mobilize.cli", "org.apache.felix.scr",
        "org.apache.felix.fileinstall", "org.apache.felix.gogo.runtime"}) {
      Bundle b = bundle(name);
      assertNotNull(b, name + " is installed");
      assertEquals(Bundle.ACTIVE, b.getState(), name + " is active");
    }
    ServiceReference<?>[] commands = context.getServiceReferences((String) null, "(osgi.command.scope=mobilize)");
    assertNotNull(commands, "mobilize commands are registered");
    // The command-line entry serves only the mobilize launcher (mobilize.main=true); in any other
    // launcher, like this test runner, it must not take over the main thread.
    ServiceReference<?>[] main = context.getServiceReferences(Callable.class.getName(), "(main.thread=true)");
    assertEquals(null, main, "no main-thread service outside the mobilize launcher");
    assertTrue(shell("mobilize:plugins").contains("dev.mobilize.cli"));
  }

  @Test
  void pluginDroppedIntoFolderAppearsAndDisappears() throws Exception {
    Path folder = Path.of(context.getProperty("felix.fileinstall.dir"));
    Path source = Path.of(context.getProperty("example.plugin"));
    assertTrue(Files.isRegularFile(source), "example plugin is built: " + source);
    Files.createDirectories(folder);
    Path dropped = folder.resolve("plugin.obfuscate.jar");

    assertFalse(shell("mobilize:passes").contains("ObfuscateNames"), "not there before the drop");

    Path tmp = folder.resolve("plugin.obfuscate.jar.part");
    Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, dropped, StandardCopyOption.ATOMIC_MOVE);
    awaitTrue(() -> passRegistered("ObfuscateNames"), "the pass registers after the drop");
    String passes = shell("mobilize:passes");
    assertTrue(passes.contains("ObfuscateNames"), passes);
    assertTrue(shell("mobilize:plugins").contains("com.example.mobilize.obfuscate"));

    Files.delete(dropped);
    awaitTrue(() -> !passRegistered("ObfuscateNames"), "the pass goes away after the delete");
    assertFalse(shell("mobilize:passes").contains("ObfuscateNames"));
    assertEquals(null, bundle("com.example.mobilize.obfuscate"), "the bundle is uninstalled");
  }

  private boolean passRegistered(String name) {
    try {
      return context.getServiceReferences(GraphPass.class, "(mobilize.pass=" + name + ")").size() == 1;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String shell(String command) throws Exception {
    ServiceReference<CommandProcessor> ref = context.getServiceReference(CommandProcessor.class);
    CommandProcessor processor = context.getService(ref);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
      Object result = session.execute(command);
      return bytes.toString(StandardCharsets.UTF_8) + session.format(result, Converter.INSPECT);
    } finally {
      context.ungetService(ref);
    }
  }

  private Bundle bundle(String symbolicName) {
    for (Bundle b : context.getBundles()) {
      if (symbolicName.equals(b.getSymbolicName())) {
        return b;
      }
    }
    return null;
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(100);
    }
  }
}
