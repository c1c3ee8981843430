package dev.mobilize.cpu;

import java.util.ArrayList;
import java.util.List;

/**
 * ONNX NonMaxSuppression: per batch and class, boxes with score above {@code score_threshold} in
 * order of decreasing score (lower index first on ties) are selected greedily, skipping any whose
 * IoU with an already selected box exceeds {@code iou_threshold}, until
 * {@code max_output_boxes_per_class} (absent or 0: none) are selected. Boxes are
 * {@code [y1, x1, y2, x2]} with either diagonal ({@code center_point_box=0}) or
 * {@code [x_center, y_center, width, height]} (1). Output: int64 {@code [selected, 3]} rows
 * {@code (batch, class, box)}, by batch, class, then selection order.
 */
final class NonMaxSuppression implements Kernel {
  @Override
  public Step bind(dev.mobilize.ir.Node node, Binding binding) {
    long centerPointBox = node.attributes().getInt("center_point_box", 0);
    if (centerPointBox != 0 && centerPointBox != 1) {
      throw Broadcast.unsupported(node, "center_point_box is " + centerPointBox + ", expected 0 or 1");
    }
    return (in, ex) -> {
      NdArray boxes = in[0];
      NdArray scores = in[1];
      long maxOut = in.length > 2 && in[2] != null && in[2].size() > 0 ? in[2].getLong(0) : 0;
      float iouThreshold = in.length > 3 && in[3] != null && in[3].size() > 0 ? in[3].getFloat(0) : 0f;
      boolean hasScoreThreshold = in.length > 4 && in[4] != null && in[4].size() > 0;
      float scoreThreshold = hasScoreThreshold ? in[4].getFloat(0) : 0f;
      if (boxes.rank() != 3 || boxes.shape[2] != 4 || scores.rank() != 3 || scores.shape[0] != boxes.shape[0]
          || scores.shape[2] != boxes.shape[1]) {
        throw Broadcast.error(node, "boxes " + boxes.shapeString() + " and scores " + scores.shapeString()
            + " must be [batches, boxes, 4] and [batches, classes, boxes]");
      }
      int batches = boxes.shape[0];
      int count = boxes.shape[1];
      int classes = scores.shape[1];
      float[] b = boxes.floats();
      float[] s = scores.floats();
      List<long[]> selected = new ArrayList<>();
      for (int bi = 0; bi < batches && maxOut > 0; bi++) {
        // corners as (yMin, xMin, yMax, xMax)
        float[] corners = new float[count * 4];
        for (int i = 0; i < count; i++) {
          int o = (bi * count + i) * 4;
          if (centerPointBox == 0) {
            corners[i * 4] = Math.min(b[o], b[o + 2]);
            corners[i * 4 + 1] = Math.min(b[o + 1], b[o + 3]);
            corners[i * 4 + 2] = Math.max(b[o], b[o + 2]);
            corners[i * 4 + 3] = Math.max(b[o + 1], b[o + 3]);
          } else {
            corners[i * 4] = b[o + 1] - b[o + 3] / 2;
            corners[i * 4 + 1] = b[o] - b[o + 2] / 2;
            corners[i * 4 + 2] = b[o + 1] + b[o + 3] / 2;
            corners[i * 4 + 3] = b[o] + b[o + 2] / 2;
          }
        }
        for (int c = 0; c < classes; c++) {
          int so = (bi * classes + c) * count;
          List<Integer> order = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            if (!hasScoreThreshold || s[so + i] > scoreThreshold) {
              order.add(i);
            }
          }
          order.sort((x, y) -> s[so + x] != s[so + y] ? Float.compare(s[so + y], s[so + x]) : Integer.compare(x, y));
          List<Integer> kept = new ArrayList<>();
          for (int i : order) {
            if (kept.size() >= maxOut) {
              break;
            }
            boolean suppressed = false;
            for (int k : kept) {
              if (iou(corners, i, k) > iouThreshold) {
                suppressed = true;
                break;
              }
            }
            if (!suppressed) {
              kept.add(i);
              selected.add(new long[] {bi, c, i});
            }
          }
        }
      }
      long[] out = ex.longs(selected.size() * 3);
      for (int i = 0; i < selected.size(); i++) {
        System.arraycopy(selected.get(i), 0, out, i * 3, 3);
      }
      return new NdArray[] {NdArray.ofLongs(new int[] {selected.size(), 3}, out)};
    };
  }

  /** Intersection over union of boxes i and k; 0 when either has no area or they do not overlap. */
  static float iou(float[] c, int i, int k) {
    float y0 = Math.max(c[i * 4], c[k * 4]);
    float x0 = Math.max(c[i * 4 + 1], c[k * 4 + 1]);
    float y1 = Math.min(c[i * 4 + 2], c[k * 4 + 2]);
    float x1 = Math.min(c[i * 4 + 3], c[k * 4 + 3]);
    float areaI = (c[i * 4 + 2] - c[i * 4]) * (c[i * 4 + 3] - c[i * 4 + 1]);
    float areaK = (c[k * 4 + 2] - c[k * 4]) * (c[k * 4 + 3] - c[k * 4 + 1]);
    if (areaI <= 0 || areaK <= 0 || y1 <= y0 || x1 <= x0) {
      return 0f;
    }
    float inter = (y1 - y0) * (x1 - x0);
    return inter / (areaI + areaK - inter);
  }
}
