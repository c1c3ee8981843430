package dev.mobilize.service;

import java.util.Optional;

/**
 * What a {@link GraphPass} may know about the run it is part of.
 *
 * <p>Example: {@code PassContext.of(Options.NONE).targetFormat()} is empty: the pass runs for no
 * particular target, so it must keep standard ONNX operators.
 */
public interface PassContext {

  /** Options of the command that runs the pass. */
  Options options();

  /** The format the model is being converted to, if any (e.g. {@code ncnn}). */
  Optional<String> targetFormat();

  /** A context without target. */
  static PassContext of(Options options) {
    return of(options, null);
  }

  /** A context for a conversion to {@code targetFormat} (may be null). */
  static PassContext of(Options options, String targetFormat) {
    return new PassContext() {
      @Override
      public Options options() {
        return options;
      }

      @Override
      public Optional<String> targetFormat() {
        return Optional.ofNullable(targetFormat);
      }
    };
  }
}
