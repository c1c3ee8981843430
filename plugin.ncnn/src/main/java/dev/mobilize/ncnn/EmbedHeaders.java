package dev.mobilize.ncnn;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The C header form that ncnn2mem writes: {@code NAME.id.h} (layer and blob indexes, for
 * {@code Extractor::input(int, ...)}) and {@code NAME.mem.h} (the binary param and the weights as
 * byte arrays, for {@code Net::load_param(const unsigned char*)} and {@code load_model}).
 */
final class EmbedHeaders {

  private EmbedHeaders() {}

  /** ncnn2mem's {@code sanitize_name}: every character that is not a letter or digit becomes '_'. */
  static String sanitize(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (char c : name.toCharArray()) {
      sb.append(c < 128 && Character.isLetterOrDigit(c) ? c : '_');
    }
    return sb.toString();
  }

  /** {@code NAME.id.h} for a param file called {@code paramFile} and a header called {@code idFile}. */
  static byte[] idHeader(NcnnNet net, String paramFile, String idFile) {
    StringBuilder sb = new StringBuilder();
    String guard = sanitize(idFile);
    sb.append("#ifndef NCNN_INCLUDE_GUARD_").append(guard).append('\n');
    sb.append("#define NCNN_INCLUDE_GUARD_").append(guard).append('\n');
    sb.append("namespace ").append(sanitize(paramFile)).append("_id {\n");
    int blob = 0;
    for (int i = 0; i < net.layers.size(); i++) {
      NcnnLayer l = net.layers.get(i);
      sb.append("const int LAYER_").append(sanitize(l.name)).append(" = ").append(i).append(";\n");
      for (String out : l.outputs) {
        sb.append("const int BLOB_").append(sanitize(out)).append(" = ").append(blob++).append(";\n");
      }
    }
    sb.append("} // namespace ").append(sanitize(paramFile)).append("_id\n");
    sb.append("#endif // NCNN_INCLUDE_GUARD_").append(guard).append('\n');
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code NAME.mem.h}: the binary param and the weights as aligned byte arrays. */
  static byte[] memHeader(byte[] paramBin, String paramBinFile, byte[] weights, String binFile, String memFile) {
    StringBuilder sb = new StringBuilder(paramBin.length * 5 + weights.length * 5 + 512);
    String guard = sanitize(memFile);
    sb.append("#ifndef NCNN_INCLUDE_GUARD_").append(guard).append('\n');
    sb.append("#define NCNN_INCLUDE_GUARD_").append(guard).append('\n');
    array(sb, sanitize(paramBinFile), paramBin);
    array(sb, sanitize(binFile), weights);
    sb.append("#endif // NCNN_INCLUDE_GUARD_").append(guard).append('\n');
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static void array(StringBuilder sb, String var, byte[] data) {
    sb.append("\n#ifdef _MSC_VER\n__declspec(align(4))\n#else\n__attribute__((aligned(4)))\n#endif\n");
    sb.append("static const unsigned char ").append(var).append("[] = {\n");
    for (int i = 0; i < data.length; i++) {
      int c = data[i] & 0xFF;
      sb.append("0x").append(HEX[c >> 4]).append(HEX[c & 15]).append(',');
      if ((i + 1) % 16 == 0) {
        sb.append('\n');
      }
    }
    sb.append("};\n");
  }

  /** The files this form adds, for a base name. */
  static List<String> fileNames(String baseName) {
    return List.of(baseName + ".id.h", baseName + ".mem.h");
  }
}
