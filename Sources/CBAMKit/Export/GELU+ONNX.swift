extension GELU: ONNXExportable {
    /// ½x·(1 + erf(x/√2)) from Erf, Mul and Add: ONNX's own Gelu op arrived only in
    /// opset 20, and this form runs the same from opset 17.
    public func exportONNX(_ input: String, to graph: ONNXGraph, scope: String) -> String {
        let scaled = graph.node("Mul", [input, graph.scalar(scope + ".one_over_sqrt2", 1 / Float(2).squareRoot())], name: scope + ".scaled")
        let erf = graph.node("Erf", [scaled], name: scope + ".erf")
        let onePlus = graph.node("Add", [erf, graph.scalar(scope + ".one", 1)], name: scope + ".one_plus_erf")
        let half = graph.node("Mul", [input, graph.scalar(scope + ".half", 0.5)], name: scope + ".half_x")
        return graph.node("Mul", [half, onePlus], name: scope)
    }
}
