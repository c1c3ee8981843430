package dev.mobilize.cli;

import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ModelExporter;
import dev.mobilize.service.ModelImporter;
import dev.mobilize.service.ServiceProperties;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The Mobilize services registered right now, read from the live OSGi service registry on every
 * call, so that installing or removing a plugin shows at once.
 */
final class ServiceCatalog {

  /** One registered service and the bundle that provides it. */
  record Entry(String kind, String name, String description, Bundle bundle) {}

  private final BundleContext context;

  ServiceCatalog(BundleContext context) {
    this.context = context;
  }

  List<Entry> importers() {
    return list(ModelImporter.class, "importer", ServiceProperties.FORMAT, i -> "");
  }

  List<Entry> exporters() {
    return list(ModelExporter.class, "exporter", ServiceProperties.FORMAT, e -> "");
  }

  List<Entry> passes() {
    return list(GraphPass.class, "pass", ServiceProperties.PASS, GraphPass::description);
  }

  List<Entry> executors() {
    return list(GraphExecutor.class, "executor", ServiceProperties.EXECUTOR, e -> "");
  }

  /** Every Mobilize service, of every kind. */
  List<Entry> all() {
    List<Entry> all = new ArrayList<>();
    all.addAll(importers());
    all.addAll(exporters());
    all.addAll(passes());
    all.addAll(executors());
    return all;
  }

  /** The format names that have an importer. */
  TreeSet<String> importFormats() {
    TreeSet<String> s = new TreeSet<>();
    importers().forEach(e -> s.add(e.name()));
    return s;
  }

  /**
   * Calls {@code action} with the service of {@code type} whose {@code property} equals {@code value},
   * releasing it afterwards.
   *
   * @throws MobilizeException if no such service is registered, or its plugin goes away during the call
   */
  <S, R> R with(Class<S> type, String property, String value, Function<S, R> action) {
    Collection<ServiceReference<S>> refs = references(type, "(" + property + "=" + escape(value) + ")");
    Optional<ServiceReference<S>> ref = refs.stream().max(Comparator.naturalOrder());
    if (ref.isEmpty()) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_FORMAT,
          "no " + type.getSimpleName() + " for '" + value + "' is installed");
    }
    return call(ref.get(), action);
  }

  /**
   * The value of service property {@code key} of the service {@link #with} would pick, or "" when it
   * has none (or no such service is installed).
   */
  <S> String property(Class<S> type, String property, String value, String key) {
    Collection<ServiceReference<S>> refs = references(type, "(" + property + "=" + escape(value) + ")");
    Object v = refs.stream().max(Comparator.naturalOrder()).map(r -> r.getProperty(key)).orElse(null);
    return v == null ? "" : v.toString();
  }

  /**
   * Calls {@code action} with the highest-ranked service of {@code type}.
   *
   * @throws MobilizeException when none is installed
   */
  <S, R> R firstOf(Class<S> type, Function<S, R> action) {
    return firstOf(type, "the plugin for ONNX (dev.mobilize.onnx)", action);
  }

  /**
   * Calls {@code action} with the highest-ranked service of {@code type}.
   *
   * @param plugin the plugin that provides it, for the error message
   * @throws MobilizeException when none is installed
   */
  <S, R> R firstOf(Class<S> type, String plugin, Function<S, R> action) {
    Optional<ServiceReference<S>> ref = references(type, null).stream().max(Comparator.naturalOrder());
    if (ref.isEmpty()) {
      throw new MobilizeException(ErrorCode.PLUGIN_UNAVAILABLE,
          "no " + type.getSimpleName() + " is installed; it comes with " + plugin);
    }
    return call(ref.get(), action);
  }

  /** Calls {@code action} with the service behind {@code ref}, releasing it afterwards. */
  <S, R> R call(ServiceReference<S> ref, Function<S, R> action) {
    S service = context.getService(ref);
    if (service == null) {
      throw unavailable(ref, null);
    }
    try {
      return action.apply(service);
    } catch (LinkageError | IllegalStateException e) {
      if (ref.getBundle() == null || ref.getBundle().getState() != Bundle.ACTIVE) {
        throw unavailable(ref, e);
      }
      throw e;
    } finally {
      try {
        context.ungetService(ref);
      } catch (IllegalStateException ignored) {
        // the plugin or this bundle is stopping; nothing left to release
      }
    }
  }

  private MobilizeException unavailable(ServiceReference<?> ref, Throwable cause) {
    Bundle b = ref.getBundle();
    String who = b == null ? "its plugin" : "plugin " + b.getSymbolicName();
    return new MobilizeException(ErrorCode.PLUGIN_UNAVAILABLE,
        who + " was removed or updated while the command was using it; run the command again", cause);
  }

  private <S> List<Entry> list(Class<S> type, String kind, String property, Function<S, String> describe) {
    List<Entry> out = new ArrayList<>();
    for (ServiceReference<S> ref : references(type, null)) {
      Object name = ref.getProperty(property);
      Bundle bundle = ref.getBundle();
      if (name == null || bundle == null) {
        continue;
      }
      String description;
      try {
        description = call(ref, describe);
      } catch (MobilizeException e) {
        continue; // went away while listing
      }
      out.add(new Entry(kind, name.toString(), description, bundle));
    }
    out.sort(Comparator.comparing(Entry::name));
    return out;
  }

  private <S> Collection<ServiceReference<S>> references(Class<S> type, String filter) {
    try {
      return context.getServiceReferences(type, filter);
    } catch (InvalidSyntaxException e) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "bad name '" + filter + "'", e);
    } catch (IllegalStateException e) {
      return List.of(); // this bundle is stopping
    }
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("*", "\\*");
  }
}
