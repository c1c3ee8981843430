package dev.mobilize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {

  @Test
  void noArgumentsIsInteractive() {
    assertEquals(CommandLine.Mode.INTERACTIVE, CommandLine.parse(new String[0]).mode());
    CommandLine v = CommandLine.parse(new String[] {"--verbose"});
    assertEquals(CommandLine.Mode.INTERACTIVE, v.mode());
    assertTrue(v.verbose());
  }

  @Test
  void commandWithArgumentsAndVerboseAnywhere() {
    CommandLine c = CommandLine.parse(new String[] {"info", "model.onnx", "--verbose", "--json"});
    assertEquals(CommandLine.Mode.COMMAND, c.mode());
    assertEquals(List.of("info", "model.onnx", "--json"), c.command());
    assertTrue(c.verbose());
  }

  @Test
  void helpAndScript() {
    assertEquals(CommandLine.Mode.HELP, CommandLine.parse(new String[] {"--help"}).mode());
    assertEquals(CommandLine.Mode.HELP, CommandLine.parse(new String[] {"help"}).mode());
    assertEquals(CommandLine.Mode.COMMAND, CommandLine.parse(new String[] {"help", "info"}).mode());
    CommandLine s = CommandLine.parse(new String[] {"-f", "run.gogo", "a", "b"});
    assertEquals(CommandLine.Mode.SCRIPT, s.mode());
    assertEquals("run.gogo", s.script());
    assertEquals(List.of("a", "b"), s.command());
  }

  @Test
  void usageErrors() {
    assertEquals("-f needs a script file: mobilize -f SCRIPT.gogo",
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"-f"})).getMessage());
    assertEquals("unknown option '--frob'; run 'mobilize --help' for the commands",
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--frob"})).getMessage());
  }
}
