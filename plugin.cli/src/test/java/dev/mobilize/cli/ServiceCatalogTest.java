package dev.mobilize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.GraphPass;
import dev.mobilize.service.MobilizeException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

@ExtendWith(MockitoExtension.class)
class ServiceCatalogTest {

  @Mock BundleContext context;
  @Mock Bundle bundle;
  @Mock ServiceReference<GraphPass> ref;
  @Mock GraphPass pass;

  @Test
  void listsPassesWithTheirDescriptionAndReleasesThem() throws Exception {
    when(context.getServiceReferences(GraphPass.class, null)).thenReturn(List.of(ref));
    when(ref.getProperty("mobilize.pass")).thenReturn("FoldConstants");
    when(ref.getBundle()).thenReturn(bundle);
    when(context.getService(ref)).thenReturn(pass);
    when(pass.description()).thenReturn("fold constant subgraphs");

    List<ServiceCatalog.Entry> passes = new ServiceCatalog(context).passes();

    assertEquals(1, passes.size());
    assertEquals("FoldConstants", passes.get(0).name());
    assertEquals("fold constant subgraphs", passes.get(0).description());
    verify(context).ungetService(ref);
  }

  @Test
  void missingServiceNamesWhatWasAsked() throws Exception {
    when(context.getServiceReferences(eq(GraphPass.class), any())).thenReturn(List.of());
    MobilizeException e = assertThrows(MobilizeException.class,
        () -> new ServiceCatalog(context).with(GraphPass.class, "mobilize.pass", "Nope", GraphPass::name));
    assertEquals(ErrorCode.UNSUPPORTED_FORMAT, e.code());
    assertEquals("no GraphPass for 'Nope' is installed", e.getMessage());
  }

  @Test
  void pluginRemovedDuringACallIsAClearError() {
    when(context.getService(ref)).thenReturn(pass);
    when(ref.getBundle()).thenReturn(bundle);
    when(bundle.getState()).thenReturn(Bundle.UNINSTALLED);
    when(bundle.getSymbolicName()).thenReturn("com.example.plugin");
    when(pass.name()).thenThrow(new NoClassDefFoundError("com/example/Helper"));

    MobilizeException e = assertThrows(MobilizeException.class,
        () -> new ServiceCatalog(context).call(ref, GraphPass::name));

    assertEquals(ErrorCode.PLUGIN_UNAVAILABLE, e.code());
    assertEquals("plugin com.example.plugin was removed or updated while the command was using it; "
        + "run the command again", e.getMessage());
    verify(context).ungetService(ref);
  }

  @Test
  void serviceGoneBeforeTheCallIsAClearError() {
    when(context.getService(ref)).thenReturn(null);
    when(ref.getBundle()).thenReturn(null);
    MobilizeException e = assertThrows(MobilizeException.class,
        () -> new ServiceCatalog(context).call(ref, GraphPass::name));
    assertEquals(ErrorCode.PLUGIN_UNAVAILABLE, e.code());
  }

  @Test
  void filterValuesAreEscaped() throws Exception {
    when(context.getServiceReferences(GraphPass.class, "(mobilize.pass=a\\(b\\)\\*)")).thenReturn(List.of());
    assertThrows(MobilizeException.class,
        () -> new ServiceCatalog(context).with(GraphPass.class, "mobilize.pass", "a(b)*", GraphPass::name));
  }
}
