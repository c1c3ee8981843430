package dev.mobilize.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A progress bar on the console's error stream, shown only on an interactive terminal (the
 * launcher script sets {@code mobilize.tty=true} when stderr is one), so logs and pipes stay clean.
 */
final class Progress implements AutoCloseable {

  private static final int WIDTH = 30;

  private final String label;
  private final long total;
  private final PrintStream out;
  private long done;
  private long lastDraw;

  private Progress(String label, long total, PrintStream out) {
    this.label = label;
    this.total = total;
    this.out = out;
  }

  /** A bar for {@code total} steps; silent when not on a terminal. */
  static Progress start(String label, long total) {
    return new Progress(label, total, Boolean.getBoolean("mobilize.tty") ? terminal() : null).drawn();
  }

  private Progress drawn() {
    draw(true);
    return this;
  }

  /** The controlling terminal itself (stderr may pass through the launcher script's filter). */
  private static PrintStream terminal() {
    try {
      return new PrintStream(new FileOutputStream("/dev/tty"), true, StandardCharsets.UTF_8);
    } catch (java.io.IOException | SecurityException e) {
      return new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    }
  }

  void step() {
    done++;
    draw(done == total);
  }

  private void draw(boolean force) {
    if (out == null) {
      return;
    }
    long now = System.nanoTime();
    if (!force && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    int filled = total <= 0 ? 0 : (int) (WIDTH * done / total);
    out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total);
    out.flush();
  }

  @Override
  public void close() {
    if (out != null) {
      out.print("\r" + " ".repeat(label.length() + WIDTH + 24) + "\r");
      out.flush();
    }
  }
}
