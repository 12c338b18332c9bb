/// How a layer's weights start, named as `torch.nn.init` names them. The fan is
/// C_in·k² ("in") or C_out·k² ("out") for a convolution, the input or output width
/// for a linear layer.
public enum WeightInitialisation: Sendable {
    /// N(0, 2/fan): He et al.'s rule for ReLU networks (`kaiming_normal_`).
    case kaimingNormalFanOut
    case kaimingNormalFanIn
    /// U(−1/√fan_in, 1/√fan_in): PyTorch's default for nn.Linear and nn.Conv2d
    /// (Kaiming-uniform with a = √5).
    case pytorchDefault

    /// `count` weights for a layer with these fans.
    func values(count: Int, fanIn: Int, fanOut: Int, generator: inout RandomGenerator) -> [Float] {
        switch self {
        case .kaimingNormalFanOut, .kaimingNormalFanIn:
            let std = (2 / Float(self == .kaimingNormalFanOut ? fanOut : fanIn)).squareRoot()
            return (0..<count).map { _ in std * generator.nextNormal() }
        case .pytorchDefault:
            let bound = 1 / Float(fanIn).squareRoot()
            return (0..<count).map { _ in bound * (2 * generator.nextUniform() - 1) }
        }
    }
}
