package dev.mobilize.cli;

import dev.mobilize.service.Quantizer;

/** Shows a quantizer's phases as {@link Progress} bars, one after the other. */
final class QuantProgress implements Quantizer.Progress, AutoCloseable {

  private String phase;
  private Progress bar;
  private long shown;

  @Override
  public void update(String phase, long done, long total) {
    if (phase.isEmpty()) {
      return;
    }
    if (!phase.equals(this.phase) || done < shown) {
      close();
      this.phase = phase;
      bar = Progress.start(phase, total);
      shown = 0;
    }
    for (; shown < done; shown++) {
      bar.step();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
