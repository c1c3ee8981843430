package dev.mobilize.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.onnx.proto.Onnx.ModelProto;
import dev.mobilize.onnx.shape.ShapeInference;
import dev.mobilize.onnx.upgrade.OpsetUpgrade;
import dev.mobilize.onnx.upgrade.UpgradeSoftmaxAxis;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import dev.mobilize.service.ModelImporter;
import dev.mobilize.service.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code .onnx} files (IR versions 3 to 10, opsets 7 and newer) into the IR, normalised to
 * one semantics per operator (opset {@value OpsetUpgrade#CURRENT}), checked and with shapes
 * inferred.
 *
 * <p>Options: {@code input-shape} fixes dynamic input dimensions, as
 * {@code input=1,3,224,224;mask=1,128}.
 */
@Component(service = ModelImporter.class, property = "mobilize.format=onnx")
public class OnnxImporter implements ModelImporter {

  /** Option: fix input shapes at import, {@code name=d0,d1,...;name2=...}. */
  public static final String INPUT_SHAPE = "input-shape";

  /** Metadata key: the default-domain opset of the file as it was read. */
  public static final String SOURCE_OPSET = "mobilize.source_opset";

  private static final Logger LOG = LoggerFactory.getLogger(OnnxImporter.class);
  private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8; // protobuf's 2 GB limit

  @Override
  public String format() {
    return "onnx";
  }

  @Override
  public List<String> extensions() {
    return List.of(".onnx");
  }

  @Override
  public boolean accepts(Path file, byte[] head) {
    return ModelSniffer.looksLikeModel(head);
  }

  @Override
  public Model read(Path file, Options options) {
    try {
      return read(readBytes(file), file, options);
    } catch (MobilizeException e) {
      throw e.inFile(file.toString());
    }
  }

  /** Reads a model from the bytes of {@code file} (external data is looked up beside it). */
  Model read(byte[] bytes, Path file, Options options) {
    String name = file.toString();
    try {
      long started = System.nanoTime();
      ModelProto proto = parse(bytes);
      Model model = new ProtoToIr(new ExternalData(file)).model(proto);
      model = model.withGraph(BiasScales.expand(model.graph()));
      long originalOpset = model.opset();
      model = InputShapes.apply(model, options.getShapes(INPUT_SHAPE));
      model = OpsetUpgrade.upgrade(model);
      model = model.withGraph(GraphOrder.sort(model.graph(), Set.of()));
      model = new ShapeInference().infer(model);
      model = UpgradeSoftmaxAxis.upgrade(model, originalOpset);
      model = model.withMetadata(withSourceOpset(model.metadata(), originalOpset));
      LOG.info("read {}: opset {}, {} nodes, {} initializers in {} ms", name, originalOpset,
          model.graph().nodes().size(), model.graph().initializers().size(), (System.nanoTime() - started) / 1_000_000);
      return model;
    } catch (MobilizeException e) {
      throw e.inFile(name);
    } catch (OutOfMemoryError e) {
      throw new MobilizeException(ErrorCode.LIMIT_EXCEEDED,
          "the model does not fit in memory; give Java more heap (MOBILIZE_JAVA_OPTS=-Xmx8g)").inFile(name);
    }
  }

  /** Records the opset the file was written with (the IR itself is normalised to the newest). */
  private static Map<String, String> withSourceOpset(Map<String, String> metadata, long opset) {
    Map<String, String> m = new LinkedHashMap<>(metadata);
    m.putIfAbsent(SOURCE_OPSET, Long.toString(opset));
    return m;
  }

  private static byte[] readBytes(Path file) {
    try {
      if (Files.isDirectory(file)) {
        throw new MobilizeException(ErrorCode.INVALID_MODEL, "is a directory, not a model file");
      }
      long size = Files.size(file);
      if (size == 0) {
        throw new MobilizeException(ErrorCode.INVALID_MODEL, "is empty");
      }
      if (size > MAX_FILE_BYTES) {
        throw new MobilizeException(ErrorCode.LIMIT_EXCEEDED, "is " + size
            + " bytes; an .onnx file is at most 2 GB (larger models keep their weights in external data files)");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "does not exist");
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot be read: " + e.getMessage());
    }
  }

  static ModelProto parse(byte[] bytes) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.enableAliasing(true); // weights stay in the file's byte array: no copy
      in.setRecursionLimit(64);
      ModelProto m = ModelProto.parseFrom(in);
      in.checkLastTagWas(0);
      return m;
    } catch (InvalidProtocolBufferException e) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL,
          "is not a valid ONNX model: the file is truncated, corrupt or of another format (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new MobilizeException(ErrorCode.IO_ERROR, "cannot be read: " + e.getMessage());
    }
  }

  /** The graph of a model read without normalisation (for tests and tools that need the file's form). */
  static Graph rawGraph(Path file) {
    return new ProtoToIr(new ExternalData(file)).model(parse(readBytes(file))).graph();
  }
}
