package dev.mobilize.ncnn;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.FusedOps;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ModelImporter;
import dev.mobilize.service.ModelInspector;
import dev.mobilize.service.Options;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Reads ncnn models ({@code NAME.param} text or {@code NAME.param.bin} binary, weights from
 * {@code NAME.bin} beside it) into the IR with ncnn's semantics: padding modes, fused activations,
 * broadcasting, int8 scales. Outputs are the blobs no layer reads. Option {@code input-shape}
 * ({@code input:1,3,224,224}) gives input shapes the file lacks.
 */
@Component(service = ModelImporter.class, property = "mobilize.format=ncnn")
public final class NcnnImporter implements ModelImporter {

  private final ModelInspector inspector;

  @Activate
  public NcnnImporter(@Reference ModelInspector inspector) {
    this.inspector = inspector;
  }

  @Override
  public String format() {
    return "ncnn";
  }

  @Override
  public List<String> extensions() {
    return List.of(".param", ".param.bin");
  }

  @Override
  public boolean accepts(Path file, byte[] head) {
    if (head.length >= 4 && ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt() == NcnnNet.MAGIC) {
      return true;
    }
    String s = new String(head, 0, Math.min(head.length, 16), StandardCharsets.US_ASCII).strip();
    return s.startsWith(String.valueOf(NcnnNet.MAGIC));
  }

  @Override
  public Model read(Path file, Options options) {
    String fileName = file.getFileName().toString();
    try {
      byte[] paramBytes = Files.readAllBytes(file);
      boolean binary = paramBytes.length >= 4
          && ByteBuffer.wrap(paramBytes).order(ByteOrder.LITTLE_ENDIAN).getInt() == NcnnNet.MAGIC;
      NcnnNet net = binary ? ParamBinary.read(paramBytes) : ParamText.read(paramBytes);
      Path bin = weightsFile(file, options);
      byte[] weights = Files.exists(bin) ? Files.readAllBytes(bin) : new byte[0];
      return toModel(net, new ModelBin.Reader(weights), options.getShapes("input-shape"), bin);
    } catch (IllegalArgumentException e) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL, e.getMessage(), e).inFile(fileName);
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot be read: " + e.getMessage(), e).inFile(fileName);
    } catch (MobilizeException e) {
      throw e.inFile(fileName);
    }
  }

  /** {@code NAME.bin} beside {@code NAME.param} or {@code NAME.param.bin}; option {@code weights} names another in the same folder. */
  static Path weightsFile(Path param, Options options) {
    String name = param.getFileName().toString();
    String base = name.endsWith(".param.bin") ? name.substring(0, name.length() - 10)
        : name.endsWith(".param") ? name.substring(0, name.length() - 6) : name;
    String w = options.get("weights", base + ".bin");
    Path p = param.toAbsolutePath().getParent().resolve(w).normalize();
    if (!p.getParent().equals(param.toAbsolutePath().getParent().normalize())) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "weights file '" + w
          + "' must be in the folder of the param file");
    }
    return p;
  }

  Model toModel(NcnnNet net, ModelBin.Reader weights, Map<String, long[]> inputShapes, Path bin) {
    ImportContext ctx = new ImportContext(inspector, weights, inputShapes);
    List<String> unsupported = new ArrayList<>();
    for (NcnnLayer l : net.layers) {
      if (!NcnnReaders.TABLE.containsKey(l.type)) {
        unsupported.add(l.type + " ('" + l.name + "')");
      }
    }
    if (!unsupported.isEmpty()) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, unsupported.size() + " layer(s) have types the ncnn "
          + "importer does not read: " + String.join(", ", unsupported));
    }
    Set<String> consumed = new HashSet<>();
    Set<String> produced = new LinkedHashSet<>();
    for (NcnnLayer l : net.layers) {
      for (String in : l.inputs) {
        if (!produced.contains(in)) {
          throw new IllegalArgumentException("layer '" + l.name + "' reads blob '" + in
              + "' before any layer produces it");
        }
        consumed.add(in);
      }
      for (String out : l.outputs) {
        if (!produced.add(out)) {
          throw new IllegalArgumentException("blob '" + out + "' is produced twice (again by layer '" + l.name + "')");
        }
      }
      ctx.layer = l;
      try {
        NcnnReaders.TABLE.get(l.type).read(l.params, ctx);
      } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException | NullPointerException e) {
        throw new MobilizeException(ErrorCode.INVALID_MODEL, "layer '" + l.name + "' (" + l.type + "): "
            + e.getMessage(), e);
      }
    }
    if (weights.remaining() != 0) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL, bin.getFileName() + " has " + weights.remaining()
          + " bytes more than the layers read; it does not belong to this param file");
    }
    Graph.Builder g = ctx.graph();
    List<ValueInfo> outputs = new ArrayList<>();
    for (String blob : produced) {
      if (!consumed.contains(blob) && !isInput(net, blob)) {
        String v = ctx.value(blob);
        outputs.add(new ValueInfo(v, DataType.FLOAT, Shape.UNKNOWN));
      }
    }
    g.outputs(outputs);
    Graph graph = GraphEdits.removeDead(g.build());
    Model model = Model.of(graph, Map.of("", 21L, "mobilize", 1L));
    Graph plain = graph.toBuilder().nodes(graph.nodes().stream().map(FusedOps::withoutActivation).toList()).build();
    Graph typed = inspector.inferShapes(model.withGraph(plain)).graph();
    return model.withGraph(graph.toBuilder().inputs(typed.inputs()).outputs(typed.outputs())
        .valueInfos(typed.valueInfo()).build());
  }

  private static boolean isInput(NcnnNet net, String blob) {
    return net.layers.stream().anyMatch(l -> l.type.equals("Input") && l.outputs.contains(blob));
  }
}
