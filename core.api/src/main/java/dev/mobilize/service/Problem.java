package dev.mobilize.service;

import dev.mobilize.ir.Node;
import java.util.Objects;

/**
 * One thing wrong with a model, found by a check that reports everything at once (for example an
 * exporter's pre-flight check).
 *
 * <p>Example: {@code Problem.at(node, ErrorCode.UNSUPPORTED_OP, "ncnn has no layer for GridSample")}.
 *
 * @param code the kind of problem
 * @param node how the node is named in messages ({@link Node#describe()}), or "" for the whole model
 * @param message what is wrong, with expected and found values, and the fix where one is known
 */
public record Problem(ErrorCode code, String node, String message) {

  public Problem {
    Objects.requireNonNull(code, "code");
    node = node == null ? "" : node;
    Objects.requireNonNull(message, "message");
  }

  /** A problem at a node. */
  public static Problem at(Node node, ErrorCode code, String message) {
    return new Problem(code, node.describe(), message);
  }

  /** {@code node 'conv1' (Conv): message}. */
  @Override
  public String toString() {
    return node.isEmpty() ? message : "node " + node + ": " + message;
  }
}
