package dev.mobilize.mace;

import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.mace.proto.MaceNet.ConstTensor;
import dev.mobilize.mace.proto.MaceNet.InputOutputInfo;
import dev.mobilize.mace.proto.MaceNet.NetDef;
import dev.mobilize.mace.proto.MaceNet.OperatorDef;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ModelImporter;
import dev.mobilize.service.ModelInspector;
import dev.mobilize.service.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Reads MACE models ({@code NAME.pb}, weights from {@code NAME.data} beside it, or from the C++
 * header {@code NAME.h} that {@code --embed} writes) into the IR with MACE's CPU semantics: NCHW
 * data, NHWC-described arguments of data-format ops turned back, total paddings split as MACE does,
 * fused activations, half weights widened. Graph inputs described NHWC become NCHW inputs, as a
 * MACE app feeding NCHW data sees them. Option {@code input-shape} ({@code x=1,3,224,224}) sets
 * the input shapes; option {@code data} names another weight file in the same folder.
 */
@Component(service = ModelImporter.class, property = "mobilize.format=mace")
public final class MaceImporter implements ModelImporter {

  /** Largest .pb or .data read. */
  static final long MAX_FILE_BYTES = 2L << 30;

  private final ModelInspector inspector;

  @Activate
  public MaceImporter(@Reference ModelInspector inspector) {
    this.inspector = inspector;
  }

  @Override
  public String format() {
    return "mace";
  }

  @Override
  public List<String> extensions() {
    return List.of(".pb", ".h");
  }

  /** A .pb beside a .data file of the same name, or a header that MaceEmbed wrote. */
  @Override
  public boolean accepts(Path file, byte[] head) {
    String name = file.getFileName().toString();
    if (name.endsWith(".h")) {
      return MaceEmbed.isEmbedded(head);
    }
    if (!name.endsWith(".pb")) {
      return false;
    }
    Path data = file.resolveSibling(name.substring(0, name.length() - 3) + ".data");
    return Files.exists(data) && head.length > 0 && (head[0] == 0x1a || head[0] == 0x0a || head[0] == 0x08);
  }

  @Override
  public Model read(Path file, Options options) {
    String fileName = file.getFileName().toString();
    try {
      byte[] pb;
      byte[] data;
      if (fileName.endsWith(".h")) {
        MaceEmbed.Arrays arrays = MaceEmbed.read(Files.readString(file));
        pb = arrays.graph();
        data = arrays.data();
      } else {
        pb = readLimited(file);
        Path d = dataFile(file, options);
        if (!Files.exists(d)) {
          throw new MobilizeException(ErrorCode.IO_ERROR, "its weights " + d.getFileName()
              + " are missing; put the .data beside the .pb (or name it with option 'data')");
        }
        data = readLimited(d);
      }
      return toModel(MaceModelFile.nets(pb), data, options.getShapes("input-shape"));
    } catch (IllegalArgumentException | IndexOutOfBoundsException | ArithmeticException e) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL, e.getMessage(), e).inFile(fileName);
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot be read: " + e.getMessage(), e).inFile(fileName);
    } catch (MobilizeException e) {
      throw e.inFile(fileName);
    }
  }

  private static byte[] readLimited(Path p) throws IOException {
    long size = Files.size(p);
    if (size > MAX_FILE_BYTES) {
      throw new MobilizeException(ErrorCode.LIMIT_EXCEEDED, p.getFileName() + " has " + size
          + " bytes; at most " + MAX_FILE_BYTES + " are read");
    }
    return Files.readAllBytes(p);
  }

  static Path dataFile(Path pb, Options options) {
    String name = pb.getFileName().toString();
    String base = name.endsWith(".pb") ? name.substring(0, name.length() - 3) : name;
    String d = options.get("data", base + ".data");
    Path dir = pb.toAbsolutePath().getParent().normalize();
    Path p = dir.resolve(d).normalize();
    if (!dir.equals(p.getParent())) {
      throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "data file '" + d + "' must be in the folder of the .pb");
    }
    return p;
  }

  Model toModel(List<NetDef> nets, byte[] data, Map<String, long[]> givenShapes) {
    List<String> unsupported = new ArrayList<>();
    for (NetDef net : nets) {
      for (OperatorDef op : net.getOpList()) {
        if (!MaceReaders.TABLE.containsKey(op.getType()) && MaceInt8Readers.reader(op) == null) {
          unsupported.add(op.getType() + " ('" + op.getName() + "')");
        }
      }
    }
    if (!unsupported.isEmpty()) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, unsupported.size() + " op(s) have types the MACE "
          + "importer does not read: " + String.join(", ", unsupported) + "; it reads "
          + String.join(", ", new TreeSet<>(MaceReaders.TABLE.keySet())));
    }
    Graph.Builder g = Graph.builder("mace");
    Set<String> known = new HashSet<>();
    Map<String, Tensor> weights = new LinkedHashMap<>();
    Map<String, ConstTensor> consts = new HashMap<>();
    List<OperatorDef> allOps = new ArrayList<>();
    for (NetDef net : nets) {
      weights.putAll(MaceModelFile.tensors(net, data));
      net.getTensorsList().forEach(t -> consts.put(t.getName(), t));
      allOps.addAll(net.getOpList());
    }
    NetDef first = nets.get(0);
    NetDef last = nets.get(nets.size() - 1);
    Set<String> names = new HashSet<>(weights.keySet());
    first.getInputInfoList().forEach(i -> names.add(i.getName()));
    ImportContext ctx = new ImportContext(allOps, names);
    ctx.initializers.putAll(weights);
    ctx.constTensors.putAll(consts);
    known.addAll(weights.keySet());
    for (InputOutputInfo in : first.getInputInfoList()) {
      long[] dims = nchwDims(in);
      long[] given = givenShapes.get(in.getName());
      if (given != null) {
        dims = given;
      }
      ctx.shapes.put(in.getName(), dims);
      g.input(new ValueInfo(in.getName(), MaceModelFile.irType(in.getDataType()), shape(in.getName(), dims)));
      known.add(in.getName());
    }
    for (OperatorDef op : allOps) {
      for (String in : op.getInputList()) {
        if (!known.contains(in)) {
          throw new IllegalArgumentException("op '" + op.getName() + "' reads tensor '" + in
              + "' before any op produces it");
        }
      }
      Args a = new Args(op);
      ctx.op = op;
      try {
        MaceReaders.Reader int8 = MaceInt8Readers.reader(op);
        (int8 != null ? int8 : MaceReaders.TABLE.get(op.getType())).read(op, a, ctx);
      } catch (IllegalArgumentException | IndexOutOfBoundsException | NullPointerException e) {
        throw new MobilizeException(ErrorCode.INVALID_MODEL, "op '" + op.getName() + "' (" + op.getType() + "): "
            + e.getMessage(), e);
      }
      for (int k = 0; k < op.getOutputCount() && k < op.getOutputShapeCount(); k++) {
        long[] d = op.getOutputShape(k).getDimsList().stream().mapToLong(Long::longValue).toArray();
        boolean nhwc = a.auto() || a.i("data_format", 0) == Formats.NHWC && MaceInt8Readers.reader(op) != null;
        ctx.shapes.put(op.getOutput(k), nhwc && d.length == 4 ? Formats.toNchw(d) : d);
      }
      known.addAll(op.getOutputList());
    }
    List<String> outputs = new ArrayList<>();
    last.getOutputInfoList().forEach(o -> outputs.add(o.getName()));
    for (String o : outputs) {
      if (!known.contains(o)) {
        throw new IllegalArgumentException("output '" + o + "' is produced by no op");
      }
      g.output(ValueInfo.unknown(o));
    }
    ctx.nodes.forEach(g::node);
    Set<String> read = new HashSet<>(outputs);
    ctx.nodes.forEach(n -> read.addAll(n.inputs()));
    ctx.initializers.forEach((k, v) -> {
      if (read.contains(k)) {
        g.initializer(k, v);
      }
    });
    return inspector.inferShapes(Model.of(g.build(), Map.of("", 17L)));
  }

  /** An input's dims as NCHW (MACE describes rank-4 inputs of data-format ops as NHWC). */
  private static long[] nchwDims(InputOutputInfo in) {
    long[] d = in.getDimsList().stream().mapToLong(Integer::longValue).toArray();
    return in.getDataFormat() == Formats.NHWC && d.length == 4 ? Formats.toNchw(d) : d;
  }

  private static Shape shape(String name, long[] dims) {
    List<Dim> d = new ArrayList<>();
    for (int i = 0; i < dims.length; i++) {
      d.add(dims[i] > 0 ? Dim.of(dims[i]) : Dim.symbol(name + "_dim" + i));
    }
    return Shape.of(d);
  }

}
