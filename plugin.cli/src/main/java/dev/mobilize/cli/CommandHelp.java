package dev.mobilize.cli;

import java.lang.reflect.Method;
import java.util.TreeMap;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The text of {@code mobilize --help}: usage and every command of the {@code mobilize} scope that
 * is registered now, one line each, from the commands' own {@link Descriptor}s.
 */
final class CommandHelp implements Report {
  /** The text form, so that Gogo's echo and string conversion show the report. */
  @Override
  public String toString() {
    return toText();
  }


  private final BundleContext context;

  CommandHelp(BundleContext context) {
    this.context = context;
  }

  /** Command name to its one-line description. */
  TreeMap<String, String> commands() {
    TreeMap<String, String> commands = new TreeMap<>();
    ServiceReference<?>[] refs;
    try {
      refs = context.getServiceReferences((String) null, "(osgi.command.scope=mobilize)");
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException(e);
    }
    if (refs == null) {
      return commands;
    }
    for (ServiceReference<?> ref : refs) {
      Object service = context.getService(ref);
      if (service == null) {
        continue;
      }
      try {
        for (String function : functions(ref.getProperty("osgi.command.function"))) {
          commands.put(function, describe(service.getClass(), function));
        }
      } finally {
        context.ungetService(ref);
      }
    }
    return commands;
  }

  private static String[] functions(Object property) {
    if (property instanceof String[] a) {
      return a;
    }
    return property == null ? new String[0] : new String[] {property.toString()};
  }

  private static String describe(Class<?> type, String function) {
    // Gogo itself finds commands by reflection; we read the same @Descriptor it shows in 'help'.
    for (Method m : type.getMethods()) {
      if (m.getName().equals(function) && m.getAnnotation(Descriptor.class) != null) {
        return m.getAnnotation(Descriptor.class).value();
      }
    }
    return "";
  }

  @Override
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append("Mobilize: put trained neural networks on phones.\n\n");
    sb.append("Usage:\n");
    sb.append("  mobilize                       open the interactive shell (Gogo)\n");
    sb.append("  mobilize COMMAND [ARGS...]     run one command and exit\n");
    sb.append("  mobilize -f SCRIPT.gogo [ARGS] run a Gogo script\n");
    sb.append("  mobilize --help                this list\n");
    sb.append("Options: --verbose shows log messages and stack traces.\n\n");
    sb.append("Commands:\n");
    TreeMap<String, String> commands = commands();
    int width = commands.keySet().stream().mapToInt(String::length).max().orElse(0);
    commands.forEach((name, text) ->
        sb.append("  ").append(name).append(" ".repeat(width - name.length() + 2)).append(text).append('\n'));
    sb.append("\nIn the shell, 'help COMMAND' shows a command's arguments.");
    return sb.toString();
  }

  @Override
  public String toJson() {
    return Json.write(commands());
  }
}
