package dev.mobilize.ncnn;

import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parses the {@code input-shape} option: {@code name:1,3,224,224;other=1,128} (':' or '=' both work). */
final class InputShapes {

  private InputShapes() {}

  static Map<String, long[]> parse(String text) {
    Map<String, long[]> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String part : text.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int sep = Math.max(part.lastIndexOf(':'), part.lastIndexOf('='));
      if (sep <= 0) {
        throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "input-shape '" + part
            + "' must look like name:1,3,224,224");
      }
      String[] dims = part.substring(sep + 1).split(",");
      long[] d = new long[dims.length];
      try {
        for (int i = 0; i < dims.length; i++) {
          d[i] = Long.parseLong(dims[i].trim());
        }
      } catch (NumberFormatException e) {
        throw new MobilizeException(ErrorCode.INVALID_ARGUMENT, "input-shape '" + part
            + "' must have whole-number dimensions, like name:1,3,224,224");
      }
      out.put(part.substring(0, sep).trim(), d);
    }
    return out;
  }
}
