import CDNNL

/// How a convolution computes its sums.
///
/// Winograd's minimal filtering F(4×4, 3×3) gets a 3×3 stride-1 convolution's outputs
/// from transformed 6×6 tiles with a quarter of the direct multiplications, plus the
/// transforms. oneDNN 2.6 implements it in fp32 on AVX-512 for all three passes; at
/// training batch sizes it runs 1.4–2.1× faster than the direct kernels (32 → 32
/// channels at 32 px, batch 128: forward 5.0 against 7.2 ms; 128 → 128 at 8 px: 2.9
/// against 6.1 ms), and its results differ from direct's by about 1e-6 relative (root
/// mean square), as any change of summation order does, within fp32's noise for training.
public enum ConvolutionAlgorithm: Sendable, Hashable {
    case direct, winograd

    /// The algorithm for a training convolution: Winograd where it pays (fp32 3×3
    /// stride-1 "same" convolutions on blocked activations, at least 16 images: at
    /// batch 8 and below its transforms cost as much as it saves), else direct.
    /// Inference stays direct, so that `classify` and `evaluate` give PyTorch's numbers
    /// to 1e-6; bf16 has no Winograd kernel in oneDNN 2.6.
    public static func forTraining(_ g: Convolution.Geometry) -> ConvolutionAlgorithm {
        let pays = g.precision == .fp32 && g.kernel == 3 && g.stride == 1 && g.padding == 1
            && g.inputFormat == .nChw16c && g.outputFormat == .nChw16c && g.batch >= 16 && !g.fusedReLU
        return pays && winogradAvailable ? .winograd : .direct
    }

    /// Whether oneDNN has Winograd kernels on this CPU (AVX-512 only, in oneDNN 2.6);
    /// asked once, not on every training forward.
    public static let winogradAvailable: Bool = {
        let avx512 = dnnl_cpu_isa_avx512_core.rawValue
        return dnnl_get_effective_cpu_isa().rawValue & avx512 == avx512
    }()
}
