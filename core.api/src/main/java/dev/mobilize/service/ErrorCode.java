package dev.mobilize.service;

/** What kind of failure a {@link MobilizeException} reports; shown to users as its name. */
public enum ErrorCode {
  /** The file is not a readable model of the expected format (empty, truncated, corrupt). */
  INVALID_MODEL,
  /** The graph is malformed: undefined values, cycles, duplicate definitions. */
  INVALID_GRAPH,
  /** An operator (or an attribute value or type of it) is not supported. */
  UNSUPPORTED_OP,
  /** Shapes or types do not fit together. */
  SHAPE_MISMATCH,
  /** No plugin reads or writes the requested format. */
  UNSUPPORTED_FORMAT,
  /** A size or count exceeds what can be handled (overflow, memory). */
  LIMIT_EXCEEDED,
  /** A file could not be read or written. */
  IO_ERROR,
  /** A command-line argument or option is wrong. */
  INVALID_ARGUMENT,
  /** Running a model failed. */
  EXECUTION_FAILED,
  /** A converted model does not compute what the original computed. */
  VERIFICATION_FAILED,
  /** A service went away while it was in use (a plugin was removed or updated). */
  PLUGIN_UNAVAILABLE
}
