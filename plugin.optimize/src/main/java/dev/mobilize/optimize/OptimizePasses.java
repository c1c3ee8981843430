package dev.mobilize.optimize;

import dev.mobilize.service.GraphExecutor;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.ServiceProperties;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Registers every pass of the {@link Pipeline} as a {@link GraphPass} service with
 * {@code mobilize.pass=<name>} and {@code mobilize.pass.order=<position>}. Constant folding runs
 * nodes in the CPU executor, so the passes are there while it is.
 */
@Component(immediate = true, service = {})
public class OptimizePasses {

  /** Service property: the position of a pass in the default pipeline (an Integer). */
  public static final String ORDER = "mobilize.pass.order";

  private final List<ServiceRegistration<GraphPass>> registrations = new ArrayList<>();

  @Activate
  public OptimizePasses(BundleContext context,
      @Reference(target = "(" + ServiceProperties.EXECUTOR + "=cpu)") GraphExecutor executor) {
    List<GraphPass> passes = Pipeline.defaults(executor);
    for (int i = 0; i < passes.size(); i++) {
      Hashtable<String, Object> props = new Hashtable<>();
      props.put(ServiceProperties.PASS, passes.get(i).name());
      props.put(ORDER, i);
      registrations.add(context.registerService(GraphPass.class, passes.get(i), props));
    }
  }

  @Deactivate
  void deactivate() {
    for (ServiceRegistration<GraphPass> r : registrations) {
      try {
        r.unregister();
      } catch (IllegalStateException ignored) {
        // already gone with the bundle
      }
    }
    registrations.clear();
  }
}
