package dev.mobilize.optimize;

import static dev.mobilize.optimize.Ir.attrs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import org.junit.jupiter.api.Test;

/** Each rule on a few hand-built nodes: IR text in, IR text out, and a case where it must not fire. */
class RulesTest {

  private static Ir conv() {
    return Ir.graph().input("x", 1, 3, 8, 8).weight("w", 4, 3, 3, 3).weight("b", 4)
        .node("Conv", "x,w,b", "c", attrs().ints("pads", 1, 1, 1, 1).build());
  }

  @Test
  void removeIdentity() {
    Model m = Ir.graph().input("x", 1, 4).node("Relu", "x", "r").node("Identity", "r", "y").output("y").model();
    RewriteRule.Run r = Ir.run(new RemoveIdentity(), m);
    assertEquals("%y = Relu(%x)\n", Ir.nodes(r.model()));
    Model keep = Ir.graph().input("x", 1, 4).node("Identity", "x", "y").output("y").model();
    Ir.assertRejected(Ir.run(new RemoveIdentity(), keep), "is a graph output and 'x' is a graph input");
  }

  @Test
  void removeDropoutKeepsTraining() {
    Model m = Ir.graph().input("x", 1, 4).constant("t", Tensor.ofLongs(new long[0], 1)).constant("p", Tensor.scalar(0.5f))
        .node("Dropout", "x,p,t", "d").node("Relu", "d", "y").output("y").model();
    Ir.assertRejected(Ir.run(new RemoveDropout(), m), "training_mode is not a constant false");
    Model inference = Ir.graph().input("x", 1, 4).node("Dropout", "x", "d").node("Relu", "d", "y").output("y").model();
    assertEquals("%y = Relu(%x)\n", Ir.nodes(Ir.run(new RemoveDropout(), inference).model()));
  }

  @Test
  void noOpReshapeTransposeCastPadSlice() {
    Model m = Ir.graph().input("x", 1, 4, 2, 2).constant("s", Constants.int64s(1, 4, 2, 2))
        .constant("pads", Constants.int64s(0, 0, 0, 0, 0, 0, 0, 0))
        .node("Reshape", "x,s", "a").node("Transpose", "a", "t", attrs().ints("perm", 0, 1, 2, 3).build())
        .node("Cast", "t", "c", attrs().set("to", 1L).build()).node("Pad", "c,pads", "p")
        .node("Relu", "p", "y").output("y").model();
    Model out = m;
    for (RewriteRule rule : new RewriteRule[] {new RemoveNoOpReshape(), new RemoveNoOpTranspose(), new RemoveNoOpCast(),
        new RemoveNoOpPad()}) {
      RewriteRule.Run r = Ir.run(rule, out);
      assertEquals(1, r.rewrites(), rule.name());
      out = Passes.infer(r.model());
    }
    assertEquals("%y = Relu(%x)\n", Ir.nodes(out));
    Model moves = Ir.graph().input("x", 1, 4).node("Transpose", "x", "y", attrs().ints("perm", 1, 0).build())
        .output("y").model();
    Ir.assertRejected(Ir.run(new RemoveNoOpTranspose(), moves), "moves dims");
    Model reshapes = Ir.graph().input("x", 1, 4).constant("s", Constants.int64s(2, 2)).node("Reshape", "x,s", "y")
        .output("y").model();
    Ir.assertRejected(Ir.run(new RemoveNoOpReshape(), reshapes), "it changes the shape");
  }

  @Test
  void fuseConvBatchNorm() {
    Model m = conv().weight("g", 4).weight("be", 4).weight("mu", 4).constant("var", Tensor.ofFloats(new long[] {4}, 1, 2, 3, 4))
        .node("BatchNormalization", "c,g,be,mu,var", "y").output("y").model();
    RewriteRule.Run r = Ir.run(new FuseConvBatchNorm(), m);
    assertEquals("%y = Conv(%x, %c_node_weight, %c_node_bias) {pads=[1,1,1,1]}\n", Ir.nodes(r.model()));
    Ir.assertSameOutputs(m, r.model());
    Model dynamic = Ir.graph().input("x", 1, 3, 8, 8).input("w", 4, 3, 3, 3).weight("g", 4).weight("be", 4)
        .weight("mu", 4).weight("var", 4).node("Conv", "x,w", "c").node("BatchNormalization", "c,g,be,mu,var", "y")
        .output("y").model();
    Ir.assertRejected(Ir.run(new FuseConvBatchNorm(), dynamic), "is not a float32 constant");
  }

  @Test
  void fuseGemmBatchNormTurnsMatMulIntoGemm() {
    Model m = Ir.graph().input("x", 2, 5).weight("w", 5, 3).weight("g", 3).weight("be", 3).weight("mu", 3)
        .constant("var", Tensor.ofFloats(new long[] {3}, 1, 2, 3))
        .node("MatMul", "x,w", "mm").node("BatchNormalization", "mm,g,be,mu,var", "y").output("y").model();
    RewriteRule.Run r = Ir.run(new FuseGemmBatchNorm(), m);
    assertEquals("%y = Gemm(%x, %mm_node_B, %mm_node_C)\n", Ir.nodes(r.model()));
    Ir.assertSameOutputs(m, r.model());
  }

  @Test
  void foldScaleAndBiasIntoConv() {
    Model m = conv().weight("k", 4, 1, 1).weight("t", 1, 4, 1, 1).node("Mul", "k,c", "s").node("Sub", "s,t", "y")
        .output("y").model();
    RewriteRule.Run r1 = Ir.run(new FoldScaleIntoConv(), m);
    RewriteRule.Run r2 = Ir.run(new FoldBiasIntoConv(), Passes.infer(r1.model()));
    assertEquals("%y = Conv(%x, %c_node_weight_1, %c_node_bias_1) {pads=[1,1,1,1]}\n", Ir.nodes(r2.model()));
    Ir.assertSameOutputs(m, r2.model());
    Model wide = conv().weight("k", 8).node("Mul", "c,k", "y").output("y").model();
    Ir.assertRejected(Ir.run(new FoldScaleIntoConv(), wide), "is not one value per output channel");
    Model divisor = conv().weight("k", 4, 1, 1).node("Div", "k,c", "y").output("y").model();
    Ir.assertRejected(Ir.run(new FoldScaleIntoConv(), divisor), "the convolution is the right operand of Div");
  }

  @Test
  void foldPadIntoConvAndPool() {
    Model m = Ir.graph().input("x", 1, 3, 8, 8).weight("w", 4, 3, 3, 3)
        .constant("pads", Constants.int64s(0, 0, 1, 2, 0, 0, 1, 2))
        .node("Pad", "x,pads", "p").node("Conv", "p,w", "y").output("y").model();
    RewriteRule.Run r = Ir.run(new FoldPadIntoConv(), m);
    assertEquals("%y = Conv(%x, %w) {pads=[1,2,1,2]}\n", Ir.nodes(r.model()));
    Ir.assertSameOutputs(m, r.model());
    Model reflect = Ir.graph().input("x", 1, 3, 8, 8).weight("w", 4, 3, 3, 3)
        .constant("pads", Constants.int64s(0, 0, 1, 1, 0, 0, 1, 1))
        .node("Pad", "x,pads", "p", attrs().set("mode", "reflect").build()).node("Conv", "p,w", "y").output("y").model();
    Ir.assertRejected(Ir.run(new FoldPadIntoConv(), reflect), "mode is reflect");
    Model avg = Ir.graph().input("x", 1, 3, 8, 8).constant("pads", Constants.int64s(0, 0, 1, 1, 0, 0, 1, 1))
        .node("Pad", "x,pads", "p").node("AveragePool", "p", "y", attrs().ints("kernel_shape", 3, 3).build())
        .output("y").model();
    Ir.assertRejected(Ir.run(new FoldPadIntoPool(), avg), "count_include_pad=0");
  }

  @Test
  void recognizeHardSwishAndHardSigmoid() {
    Model m = Ir.graph().input("x", 1, 4, 2, 2).scalar("three", 3).scalar("zero", 0).scalar("six", 6)
        .node("Add", "x,three", "a").node("Clip", "a,zero,six", "c").node("Mul", "x,c", "m")
        .node("Div", "m,six", "y").output("y").model();
    RewriteRule.Run r = Ir.run(new RecognizeHardSwish(), m);
    assertEquals("%y = HardSwish(%x)\n", Ir.nodes(r.model()));
    Ir.assertSameOutputs(m, r.model());
    Model sig = Ir.graph().input("x", 1, 4).scalar("three", 3).scalar("zero", 0).scalar("six", 6)
        .node("Add", "x,three", "a").node("Clip", "a,zero,six", "c").node("Div", "c,six", "y").output("y").model();
    RewriteRule.Run s = Ir.run(new RecognizeHardSigmoid(), sig);
    assertEquals("%y = HardSigmoid(%x) {alpha=0.16666667, beta=0.5}\n", Ir.nodes(s.model()));
    Ir.assertSameOutputs(sig, s.model());
    Model seven = Ir.graph().input("x", 1, 4).scalar("three", 3).scalar("zero", 0).scalar("six", 6).scalar("seven", 7)
        .node("Add", "x,three", "a").node("Clip", "a,zero,six", "c").node("Div", "c,seven", "y").output("y").model();
    Ir.assertRejected(Ir.run(new RecognizeHardSigmoid(), seven), "it does not divide by 6");
  }

  @Test
  void recognizeGelu() {
    Model m = Ir.graph().input("x", 2, 8).scalar("r2", (float) Math.sqrt(2)).scalar("one", 1).scalar("half", 0.5f)
        .node("Div", "x,r2", "d").node("Erf", "d", "e").node("Add", "e,one", "a").node("Mul", "x,a", "m")
        .node("Mul", "m,half", "y").output("y").model();
    RewriteRule.Run r = Ir.run(new RecognizeGelu(), m);
    assertEquals("%y = Gelu(%x)\n", Ir.nodes(r.model()));
    Ir.assertSameOutputs(m, r.model());
    Model tanh = Ir.graph().input("x", 2, 8).scalar("half", 0.5f).node("Tanh", "x", "t").node("Mul", "t,half", "y")
        .output("y").model();
    Ir.assertRejected(Ir.run(new RecognizeGelu(), tanh), "not 0.5*x*(1+erf(x/sqrt(2)))");
  }

  @Test
  void recognizeLayerNormalization() {
    Model m = Ir.graph().input("x", 2, 3, 8).constant("ax", Constants.int64s(-1)).scalar("two", 2).scalar("eps", 1e-5f)
        .node("ReduceMean", "x,ax", "mu").node("Sub", "x,mu", "d").node("Pow", "d,two", "p")
        .node("ReduceMean", "p,ax", "v").node("Add", "v,eps", "ve").node("Sqrt", "ve", "s").node("Div", "d,s", "y")
        .output("y").model();
    RewriteRule.Run r = Ir.run(new RecognizeLayerNormalization(), m);
    assertEquals("%y = LayerNormalization(%x, %y_node_scale, %y_node_bias) {axis=2, epsilon=1.0E-5}\n", Ir.nodes(r.model()));
    Ir.assertSameOutputs(m, r.model());
  }

  @Test
  void fuseConvActivationOnlyWhenAlone() {
    Model m = conv().scalar("lo", 0).scalar("hi", 6).node("Clip", "c,lo,hi", "y").output("y").model();
    RewriteRule.Run r = Ir.run(new FuseConvActivation(), m);
    assertEquals("%y = mobilize.FusedConv(%x, %w, %b) {pads=[1,1,1,1], activation=\"Clip\", activation_params=[0.0,6.0]}\n",
        Ir.nodes(r.model()));
    Ir.assertSameOutputs(m, r.model());
    Model swish = conv().node("Sigmoid", "c", "s").node("Mul", "c,s", "y").output("y").model();
    assertEquals("%y = mobilize.FusedConv(%x, %w, %b) {pads=[1,1,1,1], activation=\"Swish\"}\n",
        Ir.nodes(Ir.run(new FuseConvActivation(), swish).model()));
    Model shared = conv().node("Relu", "c", "y").node("Sigmoid", "c", "z").output("y").output("z").model();
    Ir.assertRejected(Ir.run(new FuseConvActivation(), shared), "the Conv output is read elsewhere");
  }

  @Test
  void matMulAddTransposesReshapesPooling() {
    Model mm = Ir.graph().input("x", 2, 5).weight("w", 5, 3).weight("c", 3).node("MatMul", "x,w", "m")
        .node("Add", "c,m", "y").output("y").model();
    RewriteRule.Run r = Ir.run(new FuseMatMulAdd(), mm);
    assertEquals("%y = Gemm(%x, %w, %c)\n", Ir.nodes(r.model()));
    Ir.assertSameOutputs(mm, r.model());
    Model batched = Ir.graph().input("x", 2, 2, 5).weight("w", 5, 3).weight("c", 3).node("MatMul", "x,w", "m")
        .node("Add", "m,c", "y").output("y").model();
    Ir.assertRejected(Ir.run(new FuseMatMulAdd(), batched), "not both known to be 2-D");

    Model tt = Ir.graph().input("x", 1, 2, 3, 4).node("Transpose", "x", "t", attrs().ints("perm", 0, 2, 3, 1).build())
        .node("Transpose", "t", "u", attrs().ints("perm", 0, 3, 1, 2).build()).node("Relu", "u", "y").output("y").model();
    assertEquals("%y = Relu(%x)\n", Ir.nodes(Ir.run(new CancelTransposes(), tt).model()));

    Model rr = Ir.graph().input("x", 1, 2, 3, 4).constant("s1", Constants.int64s(1, 6, 4)).constant("s2", Constants.int64s(1, 24))
        .node("Reshape", "x,s1", "a").node("Reshape", "a,s2", "y").output("y").model();
    RewriteRule.Run merged = Ir.run(new MergeReshapes(), rr);
    assertEquals("%y = Reshape(%x, %y_shape)\n", Ir.nodes(merged.model()));
    Ir.assertSameOutputs(rr, merged.model());

    Model rm = Ir.graph().input("x", 1, 4, 3, 3).constant("ax", Constants.int64s(2, 3))
        .node("ReduceMean", "x,ax", "y", attrs().set("keepdims", 0L).build()).output("y").model();
    RewriteRule.Run gap = Ir.run(new ConvertReduceMeanToGlobalPool(), rm);
    assertEquals("%y_pooled = GlobalAveragePool(%x)\n%y = Flatten(%y_pooled) {axis=1}\n", Ir.nodes(gap.model()));
    Ir.assertSameOutputs(rm, gap.model());
    RewriteRule.Run flat = Ir.run(new ConvertFlattenToReshape(), Passes.infer(gap.model()));
    assertEquals("%y_pooled = GlobalAveragePool(%x)\n%y = Reshape(%y_pooled, %y_shape)\n", Ir.nodes(flat.model()));
    Model channels = Ir.graph().input("x", 1, 4, 3, 3).constant("ax", Constants.int64s(1))
        .node("ReduceMean", "x,ax", "y").output("y").model();
    Ir.assertRejected(Ir.run(new ConvertReduceMeanToGlobalPool(), channels), "not H and W");
  }

  @Test
  void shapeChainFoldsToStaticReshape() {
    // PyTorch's x.view(x.size(0), -1): Shape -> Gather -> Unsqueeze -> Concat -> Reshape
    Model m = Ir.graph().input("x", 2, 3, 4).constant("i0", Tensor.ofLongs(new long[0], 0))
        .constant("ax", Constants.int64s(0)).constant("minus1", Constants.int64s(-1))
        .node("Shape", "x", "s").node("Gather", "s,i0", "n", attrs().set("axis", 0L).build())
        .node("Unsqueeze", "n,ax", "nu").node("Concat", "nu,minus1", "shape", attrs().set("axis", 0L).build())
        .node("Reshape", "x,shape", "y").output("y").model();
    Pipeline.Result r = Passes.optimize(m, Passes.NONE);
    assertEquals("%y = Reshape(%x, %shape)\n", Ir.nodes(r.model()));
    assertEquals("[2, -1]", java.util.Arrays.toString(r.model().graph().initializer("shape").orElseThrow().toLongArray()));
    Ir.assertSameOutputs(m, r.model());
  }

  @Test
  void cleanupPasses() {
    Model m = Ir.graph().input("x", 1, 4).constant("a", Tensor.ofFloats(new long[] {4}, 1, 2, 3, 4))
        .constant("b", Tensor.ofFloats(new long[] {4}, 1, 2, 3, 4)).weight("unused", 3)
        .node("Add", "x,a", "p").node("Add", "x,b", "q").node("Mul", "p,q", "y").node("Relu", "x", "dead").output("y").model();
    Model d = new DeduplicateConstants().apply(m, null).model();
    Model c = new EliminateCommonSubexpressions().apply(d, null).model();
    {
      var swept = new RemoveUnused().apply(c, null);
      assertEquals("%p = Add(%x, %a)\n%y = Mul(%p, %p)\n", Ir.nodes(swept.model()));
      assertEquals(1, swept.model().graph().initializers().size());
      Ir.assertSameOutputs(m, swept.model());
    }
  }
}
