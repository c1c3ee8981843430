package dev.mobilize.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** The commands that show what is installed: {@code plugins}, {@code formats}, {@code passes}. */
@Component(
    service = RegistryCommands.class,
    property = {
      "osgi.command.scope=mobilize",
      "osgi.command.function=plugins",
      "osgi.command.function=formats",
      "osgi.command.function=passes"
    })
public class RegistryCommands {

  private final ServiceCatalog catalog;
  private final BundleContext context;

  @Activate
  public RegistryCommands(BundleContext context) {
    this.context = context;
    this.catalog = new ServiceCatalog(context);
  }

  @Descriptor("list installed Mobilize plugins with their versions and what each provides")
  public Object plugins(
      @Descriptor("print JSON") @Parameter(names = "--json", presentValue = "true", absentValue = "false")
          boolean json) {
    Map<Bundle, List<String>> provides = new TreeMap<>((a, b) -> a.getSymbolicName().compareTo(b.getSymbolicName()));
    for (Bundle b : context.getBundles()) {
      if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("dev.mobilize.")) {
        provides.put(b, new ArrayList<>());
      }
    }
    for (ServiceCatalog.Entry e : catalog.all()) {
      provides.computeIfAbsent(e.bundle(), k -> new ArrayList<>()).add(e.kind() + " " + e.name());
    }
    TableReport table = new TableReport("", "plugin", "version", "state", "provides");
    provides.forEach((b, list) -> table.row(b.getSymbolicName(), b.getVersion(), state(b),
        list.isEmpty() ? "-" : String.join(", ", list)));
    return json ? table.toJson() : table;
  }

  @Descriptor("list the model formats that can be imported and exported now")
  public Report formats() {
    Map<String, Map<String, String>> formats = new TreeMap<>();
    for (ServiceCatalog.Entry e : catalog.importers()) {
      formats.computeIfAbsent(e.name(), k -> new LinkedHashMap<>()).put("import", e.bundle().getSymbolicName());
    }
    for (ServiceCatalog.Entry e : catalog.exporters()) {
      formats.computeIfAbsent(e.name(), k -> new LinkedHashMap<>()).put("export", e.bundle().getSymbolicName());
    }
    TableReport table = new TableReport("", "format", "import", "export", "plugin")
        .whenEmpty("no formats: no importer or exporter plugin is installed");
    formats.forEach((name, m) -> table.row(name, m.containsKey("import") ? "yes" : "-",
        m.containsKey("export") ? "yes" : "-",
        m.values().stream().distinct().collect(Collectors.joining(", "))));
    return table;
  }

  @Descriptor("list the graph passes available now")
  public Report passes() {
    TableReport table = new TableReport("", "pass", "plugin", "description")
        .whenEmpty("no graph passes: no optimization plugin is installed");
    for (ServiceCatalog.Entry e : catalog.passes()) {
      table.row(e.name(), e.bundle().getSymbolicName(), e.description());
    }
    return table;
  }

  private static String state(Bundle b) {
    return switch (b.getState()) {
      case Bundle.ACTIVE -> "active";
      case Bundle.RESOLVED -> "resolved";
      case Bundle.INSTALLED -> "installed (unresolved)";
      case Bundle.STARTING -> "starting";
      case Bundle.STOPPING -> "stopping";
      default -> "uninstalled";
    };
  }
}
