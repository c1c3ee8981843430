package dev.mobilize.ir;

import java.util.Objects;

/**
 * A named value of a graph (an edge): its element type and shape.
 *
 * <p>Example: {@code new ValueInfo("input", DataType.FLOAT, Shape.of(1, 3, 224, 224))}.
 *
 * @param name unique name of the value within its graph
 * @param type element type, {@link DataType#UNDEFINED} before type inference
 * @param shape shape, {@link Shape#UNKNOWN} before shape inference
 */
public record ValueInfo(String name, DataType type, Shape shape) {

  public ValueInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(shape, "shape");
  }

  /** A value whose type and shape are not known yet. */
  public static ValueInfo unknown(String name) {
    return new ValueInfo(name, DataType.UNDEFINED, Shape.UNKNOWN);
  }

  /** The same type and shape under another name. */
  public ValueInfo withName(String newName) {
    return new ValueInfo(newName, type, shape);
  }

  /** The same name and type with another shape. */
  public ValueInfo withShape(Shape newShape) {
    return new ValueInfo(name, type, newShape);
  }

  /** {@code f32[1,3,224,224]}. */
  public String typeString() {
    return type.shortName() + shape;
  }

  /** {@code %input : f32[1,3,224,224]}. */
  @Override
  public String toString() {
    return "%" + name + " : " + typeString();
  }
}
