package dev.mobilize.cli;

/**
 * What a command returns: something the shell formats for people ({@link #toText()}) and, with
 * {@code --json}, for machines ({@link #toJson()}).
 */
public interface Report {

  /** The text shown to people; ends without a newline. */
  String toText();

  /** One JSON value. */
  String toJson();
}
