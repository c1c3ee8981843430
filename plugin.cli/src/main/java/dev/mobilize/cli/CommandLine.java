package dev.mobilize.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The operating-system command line of one {@code mobilize} run, split into the launcher's own
 * flags and the command to run.
 *
 * <pre>
 * mobilize                      interactive shell
 * mobilize --help               list the commands
 * mobilize -f script.gogo       run a Gogo script
 * mobilize [--verbose] COMMAND [ARGS...]
 * </pre>
 */
record CommandLine(Mode mode, boolean verbose, String script, List<String> command) {

  enum Mode { INTERACTIVE, HELP, SCRIPT, COMMAND }

  static CommandLine parse(String[] args) {
    boolean verbose = false;
    int i = 0;
    while (i < args.length && (args[i].equals("--verbose") || args[i].equals("-v"))) {
      verbose = true;
      i++;
    }
    if (i >= args.length) {
      return new CommandLine(Mode.INTERACTIVE, verbose, null, List.of());
    }
    String first = args[i];
    if (first.equals("--help") || first.equals("-h") || first.equals("help") && i == args.length - 1) {
      return new CommandLine(Mode.HELP, verbose, null, List.of());
    }
    if (first.equals("-f")) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("-f needs a script file: mobilize -f SCRIPT.gogo");
      }
      List<String> rest = new ArrayList<>(List.of(args).subList(i + 2, args.length));
      return new CommandLine(Mode.SCRIPT, verbose, args[i + 1], rest);
    }
    if (first.startsWith("-")) {
      throw new IllegalArgumentException("unknown option '" + first + "'; run 'mobilize --help' for the commands");
    }
    List<String> command = new ArrayList<>();
    for (int j = i; j < args.length; j++) {
      if (args[j].equals("--verbose")) {
        verbose = true;
      } else {
        command.add(args[j]);
      }
    }
    return new CommandLine(Mode.COMMAND, verbose, null, List.copyOf(command));
  }
}
