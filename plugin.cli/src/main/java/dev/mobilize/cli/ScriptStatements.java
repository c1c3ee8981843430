package dev.mobilize.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.felix.gogo.runtime.Parser;

/**
 * Splits a Gogo script into its top-level statements, so that the result of each one is printed
 * (a script of several {@code convert} lines shows every report, not only the last).
 */
final class ScriptStatements {

  private ScriptStatements() {}

  /**
   * The statements of {@code script}, in order.
   *
   * @throws IllegalArgumentException with the line and column of a syntax error
   */
  static List<CharSequence> split(String script) {
    try {
      Parser.Program program = new Parser(script).program();
      return new ArrayList<>(program.tokens());
    } catch (org.apache.felix.gogo.runtime.SyntaxError e) {
      throw new IllegalArgumentException("script syntax error at line " + (e.line() + 1) + ", column "
          + (e.column() + 1) + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("script syntax error: " + e.getMessage());
    }
  }
}
