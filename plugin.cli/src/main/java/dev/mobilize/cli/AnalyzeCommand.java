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

/** {@code analyze}: a light-model design review of a model, layer by layer. */
@Component(
    service = AnalyzeCommand.class,
    property = {"osgi.command.scope=mobilize", "osgi.command.function=analyze"})
public class AnalyzeCommand {

  private final ModelFiles files;
  private final ServiceCatalog catalog;

  @Activate
  public AnalyzeCommand(BundleContext context) {
    this.files = new ModelFiles(context);
    this.catalog = new ServiceCatalog(context);
  }

  @Descriptor("review a model for mobile: per layer params, MACs, memory access cost, arithmetic intensity, "
      + "and design findings (ShuffleNet V2 guidelines, MobileNet, large kernels), size as fp32/fp16/int8")
  public Object analyze(
      @Descriptor("print JSON") @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
      @Descriptor("fix dynamic inputs, e.g. input=1,3,224,224") @Parameter(names = "--input-shape", absentValue = "")
          String inputShape,
      @Descriptor("model file (any installed format)") String model) {
    Map<String, String> opts = new LinkedHashMap<>();
    if (!inputShape.isEmpty()) {
      opts.put("input-shape", inputShape);
    }
    ModelFiles.Loaded loaded = files.read(Path.of(model), Options.of(opts));
    Model shaped = catalog.firstOf(ModelInspector.class, i -> i.inferShapes(loaded.model()));
    List<NodeCost> costs = catalog.firstOf(ModelInspector.class, i -> i.costs(shaped));
    AnalyzeReport report = new AnalyzeReport(loaded.file(), shaped, costs);
    return json ? report.toJson() : report;
  }
}
