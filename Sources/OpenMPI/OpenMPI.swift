import Foundation

/// Open MPI's C API, loaded at run time with `dlopen` — only when `mpirun` launched
/// this process — so that cbam builds and runs on a machine without MPI. No MPI type
/// leaves this file: handles are raw pointers, buffers are Float or Double.
///
/// Open MPI's handles are pointers to its predefined objects (`MPI_COMM_WORLD` is
/// `&ompi_mpi_comm_world`, `MPI_FLOAT` `&ompi_mpi_float`, …; `MPI_IN_PLACE` is
/// `(void *) 1`): that is its ABI since 1.x, and what Debian's libmpi.so.40 exports.
/// MPICH and Intel MPI use integer handles and are not supported.
public final class OpenMPI {
    public enum LoadError: Error, CustomStringConvertible {
        case missingLibrary(String)
        case missingSymbol(String)
        case failed(String, Int32)
        public var description: String {
            switch self {
            case let .missingLibrary(reason): return "Open MPI's libmpi cannot be loaded (\(reason)); install openmpi-bin and libopenmpi3"
            case let .missingSymbol(name): return "libmpi has no \(name): cbam needs Open MPI (not MPICH)"
            case let .failed(call, code): return "\(call) failed with MPI error \(code)"
            }
        }
    }

    /// Whether Open MPI's launcher (mpirun, or PMIx under a batch system) started this process.
    public static var launchedByMPIRun: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    public let rank: Int
    public let size: Int
    /// Ranks on this host (for the threads each may use).
    public let localSize: Int

    private typealias Handle = UnsafeMutableRawPointer
    private typealias Request = UnsafeMutableRawPointer?
    private let comm: Handle, float: Handle, double: Handle, byte: Handle, sum: Handle
    private let allreduce: @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle, Handle, Handle) -> Int32
    private let iallreduce: @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle, Handle, Handle,
                                            UnsafeMutablePointer<Request>) -> Int32
    private let bcast: @convention(c) (UnsafeMutableRawPointer?, Int32, Handle, Int32, Handle) -> Int32
    private let ibarrier: @convention(c) (Handle, UnsafeMutablePointer<Request>) -> Int32
    private let testall: @convention(c) (Int32, UnsafeMutablePointer<Request>?, UnsafeMutablePointer<Int32>, UnsafeMutableRawPointer?) -> Int32
    private let finalize: @convention(c) () -> Int32

    /// Loads libmpi and calls `MPI_Init_thread` (only the main thread calls MPI).
    public init() throws {
        guard let library = dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL) ?? dlopen("libmpi.so", RTLD_NOW | RTLD_GLOBAL) else {
            throw LoadError.missingLibrary(dlerror().map { String(cString: $0) } ?? "not found")
        }
        func symbol(_ name: String) throws -> UnsafeMutableRawPointer {
            guard let address = dlsym(library, name) else { throw LoadError.missingSymbol(name) }
            return address
        }
        func function<F>(_ name: String, as type: F.Type) throws -> F { unsafeBitCast(try symbol(name), to: type) }

        let initThread = try function("MPI_Init_thread", as: (@convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutableRawPointer?,
                                                                                Int32, UnsafeMutablePointer<Int32>) -> Int32).self)
        let commRank = try function("MPI_Comm_rank", as: (@convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32).self)
        let commSize = try function("MPI_Comm_size", as: (@convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32).self)
        allreduce = try function("MPI_Allreduce", as: type(of: allreduce))
        iallreduce = try function("MPI_Iallreduce", as: type(of: iallreduce))
        bcast = try function("MPI_Bcast", as: type(of: bcast))
        ibarrier = try function("MPI_Ibarrier", as: type(of: ibarrier))
        testall = try function("MPI_Testall", as: type(of: testall))
        finalize = try function("MPI_Finalize", as: type(of: finalize))
        comm = try symbol("ompi_mpi_comm_world")
        float = try symbol("ompi_mpi_float")
        double = try symbol("ompi_mpi_double")
        byte = try symbol("ompi_mpi_byte")
        sum = try symbol("ompi_mpi_op_sum")

        let funneled: Int32 = 1  // MPI_THREAD_FUNNELED
        var provided: Int32 = 0, rank: Int32 = 0, size: Int32 = 0
        try Self.check("MPI_Init_thread", initThread(nil, nil, funneled, &provided))
        try Self.check("MPI_Comm_rank", commRank(comm, &rank))
        try Self.check("MPI_Comm_size", commSize(comm, &size))
        self.rank = Int(rank)
        self.size = Int(size)
        localSize = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) ?? 1
    }

    private static func check(_ call: String, _ code: Int32) throws {
        if code != 0 { throw LoadError.failed(call, code) }
    }

    /// Open MPI's default error handler aborts the whole job on a failure, so a call
    /// returning an error code is unexpected; said in one line, the rank exits and
    /// mpirun stops the others. (Not `precondition`: -Ounchecked drops its condition, call included.)
    private func succeed(_ call: String, _ code: Int32) {
        guard code != 0 else { return }
        FileHandle.standardError.write(Data("rank \(rank): \(call) failed with MPI error \(code)\n".utf8))
        exit(1)
    }

    /// `MPI_IN_PLACE`.
    private static let inPlace = UnsafeRawPointer(bitPattern: 1)

    /// Sums `count` values across the ranks, in place; every rank gets the sum.
    public func sum(_ buffer: UnsafeMutablePointer<Double>, count: Int) {
        succeed("MPI_Allreduce", allreduce(Self.inPlace, buffer, Int32(count), double, sum, comm))
    }

    public func sum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        succeed("MPI_Allreduce", allreduce(Self.inPlace, buffer, Int32(count), float, sum, comm))
    }

    /// Starts summing `count` floats in place; the buffer must stay put until `finished` says so.
    public func startSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) -> Pending {
        let pending = Pending()
        succeed("MPI_Iallreduce", iallreduce(Self.inPlace, buffer, Int32(count), float, sum, comm, &pending.request))
        return pending
    }

    /// Copies `root`'s bytes to every rank.
    public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) {
        succeed("MPI_Bcast", bcast(buffer, Int32(bytes), byte, Int32(root), comm))
    }

    /// Starts a barrier, to be waited for without spinning on a core (`finished`).
    public func startBarrier() -> Pending {
        let pending = Pending()
        succeed("MPI_Ibarrier", ibarrier(comm, &pending.request))
        return pending
    }

    /// Whether every operation in `pending` has completed; drives Open MPI's progress
    /// engine, which advances non-blocking operations only inside MPI calls.
    public func finished(_ pending: [Pending]) -> Bool {
        var requests = pending.map(\.request)
        var flag: Int32 = 0
        succeed("MPI_Testall", testall(Int32(requests.count), &requests, &flag, nil))
        for (p, request) in zip(pending, requests) { p.request = request }
        return flag != 0
    }

    public func finish() { _ = finalize() }

    /// A non-blocking operation in flight (an `MPI_Request`).
    public final class Pending {
        fileprivate var request: UnsafeMutableRawPointer?
    }
}
