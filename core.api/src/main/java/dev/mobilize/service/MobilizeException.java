package dev.mobilize.service;

import dev.mobilize.ir.Node;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A user-facing failure: an {@link ErrorCode}, the file and node it concerns, and a message that
 * says what was expected, what was found and what to do. Its {@link #getMessage()} is the one line
 * users see:
 *
 * <pre>
 * mobilenet.onnx: node 'conv_3' (Conv): input 'W' has dtype INT64, expected FLOAT. Re-export with float weights.
 * </pre>
 *
 * <p>Deep code that does not know the file throws without it; the importer adds it with
 * {@link #inFile(String)}.
 */
public class MobilizeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String file;
  private final String node;
  private final String detail;
  private final List<Problem> problems;

  /** A failure with a message and no file or node. */
  public MobilizeException(ErrorCode code, String detail) {
    this(code, "", "", detail, List.of(), null);
  }

  /** A failure with a message and a cause. */
  public MobilizeException(ErrorCode code, String detail, Throwable cause) {
    this(code, "", "", detail, List.of(), cause);
  }

  private MobilizeException(ErrorCode code, String file, String node, String detail, List<Problem> problems,
      Throwable cause) {
    super(format(file, node, detail, problems), cause);
    this.code = Objects.requireNonNull(code, "code");
    this.file = file;
    this.node = node;
    this.detail = detail;
    this.problems = List.copyOf(problems);
  }

  /** A failure at a node. */
  public static MobilizeException atNode(Node node, ErrorCode code, String detail) {
    return new MobilizeException(code, "", node.describe(), detail, List.of(), null);
  }

  /** A failure that lists several problems (all of them, not only the first). */
  public static MobilizeException ofProblems(String summary, List<Problem> problems) {
    ErrorCode code = problems.isEmpty() ? ErrorCode.INVALID_GRAPH : problems.get(0).code();
    return new MobilizeException(code, "", "", summary, problems, null);
  }

  /** The same failure, attributed to {@code fileName} (kept if already set). */
  public MobilizeException inFile(String fileName) {
    if (!file.isEmpty()) {
      return this;
    }
    MobilizeException e = new MobilizeException(code, fileName, node, detail, problems, getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }

  public ErrorCode code() {
    return code;
  }

  /** The file it concerns, or "". */
  public String file() {
    return file;
  }

  /** The node it concerns ({@link Node#describe()}), or "". */
  public String node() {
    return node;
  }

  /** The message without file and node. */
  public String detail() {
    return detail;
  }

  /** The individual problems, when this failure reports several. */
  public List<Problem> problems() {
    return problems;
  }

  private static String format(String file, String node, String detail, List<Problem> problems) {
    StringBuilder sb = new StringBuilder();
    if (!file.isEmpty()) {
      sb.append(file).append(": ");
    }
    if (!node.isEmpty()) {
      sb.append("node ").append(node).append(": ");
    }
    sb.append(detail);
    if (!problems.isEmpty()) {
      sb.append(problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n", "\n", "")));
    }
    return sb.toString();
  }
}
