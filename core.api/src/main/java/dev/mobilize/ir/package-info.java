/**
 * The Mobilize graph IR: plain, immutable data that every importer produces, every pass rewrites
 * and every exporter and executor consumes.
 *
 * <p>Operator semantics are ONNX's (latest opset). A {@link dev.mobilize.ir.Model} holds one
 * {@link dev.mobilize.ir.Graph}; a graph is a topologically ordered list of
 * {@link dev.mobilize.ir.Node}s connected by named values, each described by a
 * {@link dev.mobilize.ir.ValueInfo} (name, {@link dev.mobilize.ir.DataType}, {@link dev.mobilize.ir.Shape}).
 * Constants are {@link dev.mobilize.ir.Tensor}s whose bytes are little-endian.
 */
@Export
@Version("0.2.0")
package dev.mobilize.ir;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
