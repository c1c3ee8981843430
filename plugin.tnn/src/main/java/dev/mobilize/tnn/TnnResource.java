package dev.mobilize.tnn;

import java.util.List;

/**
 * The resource of one layer in the {@code .tnnmodel}: its typed raw buffers in TNN's order
 * (Convolution: filter, bias; InnerProduct: weight, bias; BatchNormCxx and Scale: scale, bias;
 * Add, Sub, Mul, Div, MatMul: the constant operand).
 */
record TnnResource(String type, List<RawBuffer> buffers) {

  TnnResource {
    buffers = List.copyOf(buffers);
  }

  RawBuffer buffer(int i) {
    return i < buffers.size() ? buffers.get(i) : RawBuffer.EMPTY;
  }
}
