package dev.mobilize.mace;

import dev.mobilize.mace.proto.MaceNet;
import dev.mobilize.mace.proto.MaceNet.InputOutputInfo;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * NAME.yml: the deployment description in the form of MACE's model yaml (library, graph and data
 * format, one model with its sub-graph's input/output tensors, shapes and data formats, runtime,
 * data type, obfuscation), as MACE's converter was given it.
 */
final class MaceYaml {

  private MaceYaml() {}

  static String write(String name, MaceNet.MultiNetDef multi, boolean fp16, boolean obfuscate, boolean embed) {
    MaceNet.NetDef net = multi.getNetDef(0);
    List<InputOutputInfo> in = net.getInputInfoList();
    List<InputOutputInfo> out = net.getOutputInfoList();
    StringBuilder y = new StringBuilder();
    y.append("# MACE deployment description written by Mobilize\n");
    y.append("library_name: ").append(name).append('\n');
    y.append("target_abis: [arm64-v8a, armeabi-v7a, host]\n");
    y.append("model_graph_format: ").append(embed ? "code" : "file").append('\n');
    y.append("model_data_format: ").append(embed ? "code" : "file").append('\n');
    y.append("models:\n");
    y.append("  ").append(name).append(":\n");
    y.append("    platform: onnx\n");
    y.append("    subgraphs:\n");
    y.append("      - input_tensors: ").append(list(in, InputOutputInfo::getName)).append('\n');
    y.append("        input_shapes: ").append(list(in, MaceYaml::userShape)).append('\n');
    y.append("        input_data_formats: ").append(list(in, MaceYaml::userFormat)).append('\n');
    y.append("        output_tensors: ").append(list(out, InputOutputInfo::getName)).append('\n');
    y.append("        output_shapes: ").append(list(out, MaceYaml::userShape)).append('\n');
    y.append("        output_data_formats: ").append(list(out, MaceYaml::userFormat)).append('\n');
    y.append("        backend: onnx\n");
    y.append("    runtime: cpu\n");
    y.append("    data_type: ").append(fp16 ? "fp16_fp32" : "fp32_fp32").append('\n');
    y.append("    obfuscate: ").append(obfuscate ? 1 : 0).append('\n');
    if (net.getOpList().stream().anyMatch(o -> !o.getQuantizeInfoList().isEmpty())) {
      y.append("    quantize: 1\n");   // uint8 ops with their ranges (int8 from a QDQ graph)
    }
    return y.toString();
  }

  private static String list(List<InputOutputInfo> infos, Function<InputOutputInfo, String> f) {
    return infos.stream().map(f).collect(Collectors.joining(", ", "[", "]"));
  }

  /** The shape as the app sees it: NCHW for feature maps (the net describes them NHWC). */
  private static String userShape(InputOutputInfo i) {
    long[] d = i.getDimsList().stream().mapToLong(Integer::longValue).toArray();
    if (i.getDataFormat() == Formats.NHWC) {
      d = Formats.toNchw(d);
    }
    return "\"" + java.util.Arrays.stream(d).mapToObj(Long::toString).collect(Collectors.joining(",")) + "\"";
  }

  private static String userFormat(InputOutputInfo i) {
    return i.getDimsCount() == 4 ? "NCHW" : "NONE";
  }
}
