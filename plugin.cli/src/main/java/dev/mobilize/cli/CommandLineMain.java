package dev.mobilize.cli;

import dev.mobilize.service.MobilizeException;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.felix.gogo.runtime.CommandNotFoundException;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mobilize} program's main thread. The bnd launcher calls a {@link Callable} service
 * registered with {@code main.thread=true} with the process's arguments, and exits with the code it
 * returns: 0 on success, 1 when a command fails, 2 for a usage error.
 *
 * <p>Without arguments it waits while the Gogo console (started by gogo.jline) serves the user,
 * and returns when the framework stops.
 *
 * <p>The service is registered only when the framework property {@value #ENABLE} is true (the
 * launcher sets it): in any other framework, such as the OSGi test runner, which also calls
 * main-thread services, it stays out of the way.
 */
@Component(service = {}, immediate = true)
public class CommandLineMain implements Callable<Integer> {

  /** Framework property that turns this component into the program's main thread. */
  static final String ENABLE = "mobilize.main";

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private static final Logger LOG = LoggerFactory.getLogger(CommandLineMain.class);

  private final BundleContext context;
  private final CommandProcessor processor;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private ServiceRegistration<?> registration;

  @Activate
  public CommandLineMain(BundleContext context, @Reference CommandProcessor processor) {
    this.context = context;
    this.processor = processor;
    if (Boolean.parseBoolean(context.getProperty(ENABLE))) {
      // A named class, not a lambda: the bnd launcher rejects lambdas as main-thread services.
      registration = context.registerService(Callable.class, this,
          new Hashtable<>(Map.of("main.thread", "true")));
    }
  }

  @Deactivate
  void deactivate() {
    if (registration != null) {
      try {
        registration.unregister();
      } catch (IllegalStateException alreadyGone) {
        // the framework is stopping
      }
    }
    stopped.countDown();
  }

  @Override
  public Integer call() {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    CommandLine line;
    try {
      line = CommandLine.parse(launcherArguments());
    } catch (IllegalArgumentException e) {
      err.println("mobilize: " + e.getMessage());
      return USAGE;
    }
    switch (line.mode()) {
      case INTERACTIVE -> {
        awaitStop();
        return OK;
      }
      case HELP -> {
        out.println(new CommandHelp(context).toText());
        return OK;
      }
      default -> {
        new PluginFolder(context).awaitInstalled();
        return execute(line, out, err);
      }
    }
  }

  private int execute(CommandLine line, PrintStream out, PrintStream err) {
    InputStream in = new ByteArrayInputStream(new byte[0]);
    try (CommandSession session = processor.createSession(in, out, err)) {
      session.put("SCOPE", "mobilize:*");
      if (line.mode() == CommandLine.Mode.SCRIPT) {
        return runScript(session, Path.of(line.script()), line.command(), out);
      }
      StringBuilder program = new StringBuilder(line.command().get(0));
      for (int i = 1; i < line.command().size(); i++) {
        // Arguments travel as variables so that Gogo never re-parses what the OS shell already split.
        session.put("mobilize.arg" + i, line.command().get(i));
        program.append(" $mobilize.arg").append(i);
      }
      Object result = session.execute(program);
      print(session, result, out);
      return result instanceof Outcome o && o.failed() ? FAILED : OK;
    } catch (Exception e) {
      return report(e, line, err);
    } catch (LinkageError e) {
      err.println("mobilize: a plugin was removed or updated while the command was using it (" + e
          + "); run the command again");
      return FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int runScript(CommandSession session, Path script, List<String> args, PrintStream out) throws Exception {
    String text;
    try {
      text = Files.readString(script);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("script file '" + script + "' does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read script file '" + script + "': " + e.getMessage());
    }
    session.put("0", script.toString());
    session.put("args", args);
    for (int i = 0; i < args.size(); i++) {
      session.put(String.valueOf(i + 1), args.get(i));
    }
    int status = OK;
    for (CharSequence statement : ScriptStatements.split(text)) {
      Object result = session.execute(statement);
      print(session, result, out);
      if (result instanceof Outcome o && o.failed()) {
        status = FAILED;
      }
    }
    return status;
  }

  private static void print(CommandSession session, Object result, PrintStream out) {
    if (result == null) {
      return;
    }
    if (result instanceof Report r) {
      out.println(r.toText());
    } else if (result instanceof java.util.Collection<?> list && list.stream().anyMatch(Report.class::isInstance)) {
      list.forEach(item -> print(session, item, out)); // e.g. the reports of a script's 'each' loop
    } else {
      out.println(session.format(result, Converter.INSPECT));
    }
  }

  private static int report(Exception e, CommandLine line, PrintStream err) {
    Throwable t = e;
    if (t instanceof CommandNotFoundException c) {
      err.println("mobilize: unknown command '" + c.getCommand().replaceFirst("^\\*:", "")
          + "'; run 'mobilize --help' for the list of commands");
      return USAGE;
    }
    if (t instanceof MobilizeException m) {
      err.println("mobilize: " + m.code() + ": " + m.getMessage());
      LOG.info("command failed", m);
    } else if (t instanceof IllegalArgumentException) {
      err.println("mobilize: " + t.getMessage());
      LOG.info("command failed", t);
      if (line.verbose()) {
        t.printStackTrace(err);
      }
      return USAGE;
    } else {
      err.println("mobilize: internal error: " + t + (line.verbose() ? "" : " (run with --verbose for details)"));
      LOG.error("internal error", t);
    }
    if (line.verbose()) {
      t.printStackTrace(err);
    }
    return FAILED;
  }

  private String[] launcherArguments() {
    try {
      ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(launcher.arguments=*)");
      if (refs != null && refs.length > 0 && refs[0].getProperty("launcher.arguments") instanceof String[] a) {
        return a;
      }
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException(e);
    }
    return new String[0];
  }

  private void awaitStop() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
