package dev.mobilize.cli;

import dev.mobilize.ir.Model;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ModelImporter;
import dev.mobilize.service.Options;
import dev.mobilize.service.ServiceProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** Opens model files of any installed format, recognising the format by content. */
final class ModelFiles {

  private final BundleContext context;
  private final ServiceCatalog catalog;

  ModelFiles(BundleContext context) {
    this.context = context;
    this.catalog = new ServiceCatalog(context);
  }

  /** A model and the format it was read as. */
  record Loaded(Model model, String format, Path file, long fileBytes) {}

  /**
   * Reads a model, choosing the importer whose content check accepts the file (extension breaks ties).
   *
   * @throws MobilizeException naming the file when it is missing or no installed importer reads it
   */
  Loaded read(Path file, Options options) {
    if (!Files.exists(file)) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "does not exist").inFile(file.toString());
    }
    if (Files.isDirectory(file)) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "is a directory; give a model file").inFile(file.toString());
    }
    byte[] head = head(file);
    ServiceReference<ModelImporter> chosen = choose(file, head);
    String format = (String) chosen.getProperty(ServiceProperties.FORMAT);
    Model model = catalog.call(chosen, importer -> importer.read(file, options));
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      size = -1;
    }
    return new Loaded(model, format, file, size);
  }

  private ServiceReference<ModelImporter> choose(Path file, byte[] head) {
    List<ServiceReference<ModelImporter>> accepting = new ArrayList<>();
    List<String> formats = new ArrayList<>();
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    for (ServiceReference<ModelImporter> ref : importers()) {
      formats.add(String.valueOf(ref.getProperty(ServiceProperties.FORMAT)));
      boolean accepts = catalog.call(ref, i -> i.accepts(file, head));
      if (accepts) {
        boolean byName = catalog.call(ref, i -> i.extensions().stream().anyMatch(name::endsWith));
        accepting.add(byName ? 0 : accepting.size(), ref);
      }
    }
    if (accepting.isEmpty()) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_FORMAT, "is not a model in any installed format ("
          + (formats.isEmpty() ? "none installed" : String.join(", ", formats.stream().sorted().toList()))
          + "); check the file, or install the plugin for its format").inFile(file.toString());
    }
    return accepting.get(0);
  }

  private List<ServiceReference<ModelImporter>> importers() {
    try {
      return new ArrayList<>(context.getServiceReferences(ModelImporter.class, null));
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] head(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(4096);
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot be read: " + e.getMessage()).inFile(file.toString());
    }
  }
}
