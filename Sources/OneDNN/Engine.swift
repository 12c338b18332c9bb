import CDNNL

/// The one CPU engine and stream every primitive runs on. oneDNN's CPU stream
/// executes synchronously on the OpenMP team, so no waiting is needed between
/// our own passes and its primitives.
final class Engine: @unchecked Sendable {
    static let shared = Engine()

    let engine: dnnl_engine_t
    let stream: dnnl_stream_t

    private init() {
        var engine: dnnl_engine_t?
        check(dnnl_engine_create(&engine, dnnl_cpu, 0), "creating the CPU engine")
        var stream: dnnl_stream_t?
        check(dnnl_stream_create(&stream, engine, UInt32(dnnl_stream_default_flags.rawValue)), "creating a stream")
        self.engine = engine!
        self.stream = stream!
    }
}

/// oneDNN reports failures as status codes. Every call here is made with shapes
/// the layers validated first, so a failure is a bug in this package, not bad input.
func check(_ status: dnnl_status_t, _ what: @autoclosure () -> String) {
    if status != dnnl_success {
        fatalError("oneDNN failed (status \(status.rawValue)) while \(what())")
    }
}
