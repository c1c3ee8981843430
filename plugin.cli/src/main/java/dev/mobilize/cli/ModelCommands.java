package dev.mobilize.cli;

import dev.mobilize.ir.Model;
import dev.mobilize.service.ModelInspector;
import dev.mobilize.service.NodeCost;
import dev.mobilize.service.Options;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Commands that read a model: {@code info}. */
@Component(
    service = ModelCommands.class,
    property = {"osgi.command.scope=mobilize", "osgi.command.function=info"})
public class ModelCommands {

  private final ModelFiles files;
  private final ServiceCatalog catalog;
  @Activate
  public ModelCommands(BundleContext context) {
    this.files = new ModelFiles(context);
    this.catalog = new ServiceCatalog(context);
  }

  @Descriptor("show a model's inputs, outputs, opsets, operators, parameters, MACs/FLOPs and peak activation memory")
  public Object info(
      @Descriptor("list every node with its cost") @Parameter(names = "--layers", presentValue = "true",
          absentValue = "false") boolean layers,
      @Descriptor("print JSON") @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
      @Descriptor("fix dynamic inputs, e.g. input=1,3,224,224;mask=1,128") @Parameter(names = "--input-shape",
          absentValue = "") String inputShape,
      @Descriptor("model file (any installed format)") String model) {
    Map<String, String> opts = new LinkedHashMap<>();
    if (!inputShape.isEmpty()) {
      opts.put("input-shape", inputShape);
    }
    ModelFiles.Loaded loaded = files.read(Path.of(model), Options.of(opts));
    // Importers of other formats may leave shapes out; the inspector fills them in.
    Model shaped = catalog.firstOf(ModelInspector.class, i -> i.inferShapes(loaded.model()));
    List<NodeCost> costs = catalog.firstOf(ModelInspector.class, i -> i.costs(shaped));
    ModelFiles.Loaded typed = new ModelFiles.Loaded(shaped, loaded.format(), loaded.file(), loaded.fileBytes());
    InfoReport report = new InfoReport(typed, costs, ActivationMemory.peakBytes(typed.model().graph()), layers);
    return json ? report.toJson() : report;
  }
}
