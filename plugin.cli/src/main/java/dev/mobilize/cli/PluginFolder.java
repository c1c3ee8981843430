package dev.mobilize.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code plugins/} folder that Felix FileInstall watches. FileInstall installs its jars
 * asynchronously; a one-shot command waits here until each of them is started, so that a plugin
 * dropped into the folder is always available to the next command.
 */
final class PluginFolder {

  private static final Logger LOG = LoggerFactory.getLogger(PluginFolder.class);
  private static final long TIMEOUT_MILLIS = 15_000;

  private final BundleContext context;

  PluginFolder(BundleContext context) {
    this.context = context;
  }

  /** Waits (at most 15 s) until every jar in the folder is an active bundle. */
  void awaitInstalled() {
    String dir = context.getProperty("felix.fileinstall.dir");
    if (dir == null) {
      return;
    }
    List<String> jars = jars(Path.of(dir));
    long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
    List<String> pending = new ArrayList<>(jars);
    while (!pending.isEmpty() && System.currentTimeMillis() < deadline) {
      pending.removeIf(this::isStarted);
      if (!pending.isEmpty()) {
        sleep();
      }
    }
    for (String jar : pending) {
      LOG.warn("plugin {} in {} did not start within {} s; see the log for why", jar, dir, TIMEOUT_MILLIS / 1000);
    }
  }

  private boolean isStarted(String jarName) {
    for (Bundle b : context.getBundles()) {
      String location = b.getLocation();
      if (location != null && location.endsWith("/" + jarName)) {
        boolean fragment = b.getHeaders().get("Fragment-Host") != null;
        return b.getState() == Bundle.ACTIVE || fragment && b.getState() == Bundle.RESOLVED;
      }
    }
    return false;
  }

  private static List<String> jars(Path dir) {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
      s.forEach(p -> out.add(p.getFileName().toString()));
    } catch (IOException e) {
      LOG.warn("cannot list plugin folder {}: {}", dir, e.toString());
    }
    return out;
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
