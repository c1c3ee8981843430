package dev.mobilize.tnn;

import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Reads TNN models ({@code NAME.tnnproto}, resources from {@code NAME.tnnmodel} beside it) into the
 * IR with TNN's semantics: fused convolution activations, two-input HardSwish, weights as constant
 * operands, the constant map. A dimension 0 in the input line is dynamic (a named symbol); option
 * {@code input-shape} ({@code x:1,3,48,192}) fixes it.
 */
@Component(service = ModelImporter.class, property = "mobilize.format=tnn")
public final class TnnImporter implements ModelImporter {

  private final ModelInspector inspector;

  @Activate
  public TnnImporter(@Reference ModelInspector inspector) {
    this.inspector = inspector;
  }

  @Override
  public String format() {
    return "tnn";
  }

  @Override
  public List<String> extensions() {
    return List.of(".tnnproto");
  }

  /** A quoted first line of four numbers, the last TNN's version magic number. */
  @Override
  public boolean accepts(Path file, byte[] head) {
    String s = new String(head, 0, Math.min(head.length, 64), StandardCharsets.US_ASCII);
    int nl = s.indexOf('\n');
    String first = (nl < 0 ? s : s.substring(0, nl)).trim();
    return first.matches("\"\\d+ \\d+ \\d+ (" + Integer.toUnsignedString(TnnNet.MAGIC_V2) + "|"
        + Integer.toUnsignedString(TnnNet.MAGIC_V1) + ") ?,\"");
  }

  @Override
  public Model read(Path file, Options options) {
    String fileName = file.getFileName().toString();
    try {
      TnnNet net = TnnProto.read(Files.readString(file, StandardCharsets.UTF_8));
      Path model = modelFile(file, options);
      if (!Files.exists(model)) {
        throw new MobilizeException(ErrorCode.IO_ERROR, "its resources " + model.getFileName()
            + " are missing; put the .tnnmodel beside the .tnnproto (or name it with option 'model')");
      }
      TnnModelFile.read(Files.readAllBytes(model), net);
      return toModel(net, options.getShapes("input-shape"));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL, e.getMessage(), e).inFile(fileName);
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot be read: " + e.getMessage(), e).inFile(fileName);
    } catch (MobilizeException e) {
      throw e.inFile(fileName);
    }
  }

  /** {@code NAME.tnnmodel} beside {@code NAME.tnnproto}; option {@code model} names another in the same folder. */
  static Path modelFile(Path proto, Options options) {
    String name = proto.getFileName().toString();
    String base = name.endsWith(".tnnproto") ? name.substring(0, name.length() - 9) : name;
    String m = options.get("model", base + ".tnnmodel");
    Path dir = proto.toAbsolutePath().getParent().normalize();
    Path p = dir.resolve(m).normalize();
    if (!dir.equals(p.getParent())) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "model file '" + m
          + "' must be in the folder of the .tnnproto");
    }
    return p;
  }

  Model toModel(TnnNet net, Map<String, long[]> shapes) {
    List<String> unsupported = new ArrayList<>();
    for (TnnNet.Layer l : net.layers) {
      if (!TnnReaders.TABLE.containsKey(l.type)) {
        unsupported.add(l.type + " ('" + l.name + "')");
      }
    }
    if (!unsupported.isEmpty()) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, unsupported.size() + " layer(s) have types the TNN "
          + "importer does not read: " + String.join(", ", unsupported) + "; it reads "
          + String.join(", ", new java.util.TreeSet<>(TnnReaders.TABLE.keySet())));
    }
    ImportContext ctx = new ImportContext(net);
    Graph.Builder g = Graph.builder("tnn");
    Set<String> known = new HashSet<>();
    for (TnnNet.Input in : net.inputs) {
      g.input(new ValueInfo(in.name(), inputType(in), inputShape(in, shapes.get(in.name()))));
      known.add(in.name());
    }
    for (Map.Entry<String, RawBuffer> c : net.constants.entrySet()) {
      ctx.initializers.put(c.getKey(), c.getValue().toTensor(c.getValue().shape()));
      known.add(c.getKey());
    }
    for (TnnNet.Layer l : net.layers) {
      for (String in : l.inputs) {
        if (!known.contains(in)) {
          throw new IllegalArgumentException("layer '" + l.name + "' reads blob '" + in
              + "' before any layer produces it");
        }
      }
      ctx.layer = l;
      try {
        TnnReaders.TABLE.get(l.type).read(l, net.resources.get(l.name), ctx);
      } catch (IllegalArgumentException | IndexOutOfBoundsException | NullPointerException e) {
        throw new MobilizeException(ErrorCode.INVALID_MODEL, "layer '" + l.name + "' (" + l.type + "): "
            + e.getMessage(), e);
      }
      known.addAll(l.outputs);
    }
    for (String o : net.outputs) {
      if (!known.contains(o)) {
        throw new IllegalArgumentException("output '" + o + "' is produced by no layer");
      }
      g.output(ValueInfo.unknown(o));
    }
    ctx.nodes.forEach(g::node);
    g.initializers(ctx.initializers);
    Model model = Model.of(g.build(), Map.of("", 17L));
    return inspector.inferShapes(model);
  }

  private static DataType inputType(TnnNet.Input in) {
    return switch (in.dataType()) {
      case RawBuffer.FLOAT, RawBuffer.HALF -> DataType.FLOAT;
      case RawBuffer.INT32 -> DataType.INT32;
      case RawBuffer.INT64 -> DataType.INT64;
      default -> throw new IllegalArgumentException("input '" + in.name() + "' has TNN data type " + in.dataType()
          + ", expected 0 (float), 3 (int32) or 5 (int64)");
    };
  }

  private static Shape inputShape(TnnNet.Input in, long[] given) {
    if (given != null) {
      return Shape.of(given);
    }
    List<Dim> dims = new ArrayList<>();
    for (int i = 0; i < in.dims().length; i++) {
      int d = in.dims()[i];
      dims.add(d > 0 ? Dim.of(d) : Dim.symbol(in.name() + "_dim" + i));
    }
    return Shape.of(dims);
  }
}
