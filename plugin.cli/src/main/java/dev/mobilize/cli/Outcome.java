package dev.mobilize.cli;

/** A {@link Report} that can say the command failed (for example a comparison beyond tolerance). */
public interface Outcome extends Report {

  /** True when the command should exit with a non-zero code. */
  boolean failed();
}
