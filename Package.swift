// swift-tools-version:5.9
import PackageDescription
import Foundation

// The decoder fuzz target links only under `-sanitize=fuzzer` (it has no main);
// Tests/DecoderFuzzer/run.sh sets CBAM_FUZZ=1 to include it.
let fuzzing = ProcessInfo.processInfo.environment["CBAM_FUZZ"] != nil

// The fused kernels' vectors (SIMD16<Float>) compile for the vector units of the CPU
// that builds them, as C's -march=native would: with no target CPU, Swift emits baseline
// x86-64 (SSE2: four lanes, no FMA). CBAM_TARGET_CPU chooses another (`x86-64` for a
// binary that runs on any x86-64); the built binary refuses, at start, a CPU without
// the vector units it was built for (Sources/CRuntimeSetup/cpu_check.c).
let kernelCPU: (name: String, level: Int)? = {
    if let chosen = ProcessInfo.processInfo.environment["CBAM_TARGET_CPU"] {
        return chosen.isEmpty || chosen == "x86-64" ? nil : (chosen, 0)
    }
    #if arch(x86_64) && os(Linux)
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
    let flags = Set(line.split(separator: " ").map(String.init))
    if flags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return ("skylake-avx512", 4) }
    if flags.isSuperset(of: ["avx2", "fma", "bmi2"]) { return ("haswell", 3) }
    #endif
    return nil
}()

// Release builds are the ones we measure; whole-module optimisation and no
// exclusivity checks keep the fused kernels' inner loops tight.
let fastSwift: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo"] + (kernelCPU.map { ["-target-cpu", $0.name] } ?? []), .when(configuration: .release)),
]

var targets: [Target] = [
    // C libraries, each behind a system-library target.
    .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
    .systemLibrary(name: "CJPEG", providers: [.apt(["libjpeg62-turbo-dev"])]),
    .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),

    // Whole decodes in C, each inside its own setjmp, so no longjmp crosses Swift.
    // (A module map's `link` reaches only Swift importers, so the C target names libjpeg itself.)
    .target(name: "CImageCodecs", dependencies: ["CPNG", "CJPEG"], linkerSettings: [.linkedLibrary("jpeg")]),
    // Set before GNU OpenMP starts: its thread count from the CPUs available, its busy-wait,
    // and denormals flushed to zero on every thread.
    .target(name: "CRuntimeSetup", cSettings: [.define("CBAM_KERNEL_LEVEL", to: String(kernelCPU?.level ?? 0), .when(configuration: .release))]),
    // The FP32 FMA peak probe (`cbam bench` quotes convolution throughput against it).
    .target(name: "CMachinePeak"),
    // Images: decode, encode, geometry, colour, tensor conversion. No C types leak.
    .target(name: "ImageCodecs", dependencies: ["CImageCodecs"], swiftSettings: fastSwift),
    // PNG figures drawn in Swift (canvas, bitmap font, colour maps, heat maps, line charts).
    .target(name: "Charts", dependencies: ["ImageCodecs"], swiftSettings: fastSwift),
    // Thin Swift wrapper over oneDNN's C API: convolutions, matmuls, reorders, threads.
    .target(name: "OneDNN", dependencies: ["CDNNL", "CRuntimeSetup"], swiftSettings: fastSwift),
    // Open MPI's C API, loaded at run time under mpirun (so a build needs no MPI): data-parallel training.
    .target(name: "OpenMPI", swiftSettings: fastSwift),
    // ONNX's protobuf schema (onnx/onnx.proto3) as Swift, generated once and committed
    // (see its README.md): the build never runs protoc or the plugin.
    .target(name: "ONNXSchema", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")], exclude: ["README.md"]),
    // Tensors, fused kernels, layers, models, optimisers, model files, training, ONNX export.
    .target(name: "CBAMKit", dependencies: ["OneDNN", "OpenMPI", "ImageCodecs", "Charts", "CMachinePeak", "ONNXSchema",
                                            .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: fastSwift),
    // The command-line tool: one file per subcommand.
    .executableTarget(
        name: "cbam",
        dependencies: ["CBAMKit", "OneDNN", "ImageCodecs", "Charts", .product(name: "ArgumentParser", package: "swift-argument-parser")],
        swiftSettings: fastSwift),

    .testTarget(name: "ImageCodecsTests", dependencies: ["ImageCodecs"], resources: [.copy("Fixtures")]),
    .testTarget(name: "CBAMKitTests", dependencies: ["CBAMKit", "OneDNN", "ImageCodecs", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                resources: [.copy("Fixtures")]),
    .testTarget(name: "ChartsTests", dependencies: ["Charts", "ImageCodecs"]),
    .testTarget(name: "ExplainTests", dependencies: ["CBAMKit", "Charts", "ImageCodecs"]),
    // The command line in-process: option parsing, validation, and what each command refuses.
    .testTarget(name: "CommandTests", dependencies: ["cbam", "CBAMKit", "OneDNN", "ImageCodecs",
                                                     .product(name: "ArgumentParser", package: "swift-argument-parser")]),
]

if fuzzing {
    targets.append(.executableTarget(name: "DecoderFuzzer", dependencies: ["ImageCodecs"], path: "Tests/DecoderFuzzer",
                                      exclude: ["run.sh", "build-instrumented-libs.sh"]))
}

let package = Package(
    name: "cbam",
    products: [
        .executable(name: "cbam", targets: ["cbam"]),
        .library(name: "CBAMKit", targets: ["CBAMKit"]),
        .library(name: "ImageCodecs", targets: ["ImageCodecs"]),
        .library(name: "Charts", targets: ["Charts"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // PyTorch checkpoints (`cbam import-torch`) since 1.6 are zip archives.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // ONNX export (`cbam export`) encodes ONNX's protobuf messages.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: targets
)
