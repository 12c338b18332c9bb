// libFuzzer entry point: arbitrary bytes into the decoders (built and run by run.sh).
// A small pixel limit keeps each input fast; a decoded image also goes
// through the geometry code and the encoder, which trust the decoder's shape.
#if canImport(Glibc)
import Glibc
#endif
import ImageCodecs

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let options = DecodeOptions(maxPixels: 1 << 20, keepAlpha: size % 2 == 1)
    guard let image = try? Image.decode(bytes, name: "fuzz input", options: options) else { return 0 }
    precondition(image.pixels.count == image.width * image.height * image.channels)
    precondition((1...4).contains(image.channels) && image.width > 0 && image.height > 0)
    let small = image.resized(width: 5, height: 3).converted(toChannels: 3)
    precondition(try! Image.decode(small.pngData(), name: "re-encoded") == small)
    return 0
}

// SwiftPM links executables with `main` aliased to `DecoderFuzzer_main`,
// which hides libFuzzer's own main; so this is the main, and it starts
// libFuzzer's driver exactly as libFuzzer's main would.
@_cdecl("DecoderFuzzer_main")
public func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
    typealias RunDriver = @convention(c) (UnsafeMutablePointer<Int32>,
        UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>, TestOneInput) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "LLVMFuzzerRunDriver") else {
        fatalError("LLVMFuzzerRunDriver not found: build with -sanitize=fuzzer (see run.sh)")
    }
    var argc = argc, argv = argv
    return unsafeBitCast(symbol, to: RunDriver.self)(&argc, &argv, fuzzOneInput)
}
