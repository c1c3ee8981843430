package dev.mobilize.ncnn;

/** Thrown by a writer when ncnn cannot express a node; the message says why and what to do. */
final class CannotExpress extends RuntimeException {

  private static final long serialVersionUID = 1L;

  CannotExpress(String message) {
    super(message);
  }
}
