package dev.mobilize.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.Map;

/**
 * Tells an ONNX model from other files by its first bytes: a protobuf message whose leading
 * fields are ModelProto fields of the right wire types, including one that only models have
 * (ir_version, opset_import or graph).
 */
final class ModelSniffer {

  /** ModelProto field number → wire type. */
  private static final Map<Integer, Integer> FIELDS = Map.ofEntries(
      Map.entry(1, WireFormat.WIRETYPE_VARINT), // ir_version
      Map.entry(2, WireFormat.WIRETYPE_LENGTH_DELIMITED), // producer_name
      Map.entry(3, WireFormat.WIRETYPE_LENGTH_DELIMITED),
      Map.entry(4, WireFormat.WIRETYPE_LENGTH_DELIMITED),
      Map.entry(5, WireFormat.WIRETYPE_VARINT),
      Map.entry(6, WireFormat.WIRETYPE_LENGTH_DELIMITED),
      Map.entry(7, WireFormat.WIRETYPE_LENGTH_DELIMITED), // graph
      Map.entry(8, WireFormat.WIRETYPE_LENGTH_DELIMITED), // opset_import
      Map.entry(14, WireFormat.WIRETYPE_LENGTH_DELIMITED),
      Map.entry(20, WireFormat.WIRETYPE_LENGTH_DELIMITED),
      Map.entry(25, WireFormat.WIRETYPE_LENGTH_DELIMITED));

  private ModelSniffer() {}

  static boolean looksLikeModel(byte[] head) {
    CodedInputStream in = CodedInputStream.newInstance(head);
    boolean modelField = false;
    int fields = 0;
    try {
      while (!in.isAtEnd() && fields < 16) {
        int tag = in.readTag();
        int number = WireFormat.getTagFieldNumber(tag);
        Integer wire = FIELDS.get(number);
        if (wire == null || wire != WireFormat.getTagWireType(tag)) {
          return false;
        }
        fields++;
        modelField |= number == 1 || number == 7 || number == 8;
        if (wire == WireFormat.WIRETYPE_VARINT) {
          in.readInt64();
        } else {
          int length = in.readRawVarint32();
          if (length < 0) {
            return false;
          }
          if (length > in.getBytesUntilLimit() && in.getBytesUntilLimit() >= 0 || length > head.length) {
            break; // runs past the head: judge by what was seen
          }
          in.skipRawBytes(length);
        }
      }
    } catch (IOException e) {
      // truncated head: judge by what was seen
    }
    return modelField && fields > 0;
  }
}
