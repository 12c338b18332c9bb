import CBAMKit
import OneDNN
import XCTest

/// Under mpirun each rank resolves `--precision auto` on its own probe; the ranks train
/// in bf16 only when all of them chose it.
final class PrecisionAgreementTests: XCTestCase {
    /// Two ranks, this one and another whose choice the sum adds in.
    private final class TwoRanks: Communicator {
        let otherChoseBF16: Bool
        init(otherChoseBF16: Bool) { self.otherChoseBF16 = otherChoseBF16 }
        var rank: Int { 0 }
        var size: Int { 2 }
        var ranksOnThisHost: Int { 2 }
        func sum(_ values: [Double]) -> [Double] { values.map { $0 + (otherChoseBF16 ? 1 : 0) } }
        func startSum(_ buffer: UnsafeMutableBufferPointer<Float>) -> PendingSum { fatalError("not used") }
        func wait(_ pending: PendingSum) {}
        var secondsCommunicating: Double { 0 }
        func broadcast(_ tensor: Tensor, from root: Int) {}
        func waitForAll() {}
        func finish() {}
    }

    func testRanksTrainInBF16OnlyWhenEveryRankChoseIt() {
        for (mine, other, agreed) in [(Precision.bf16, true, Precision.bf16), (.bf16, false, .fp32),
                                      (.fp32, true, .fp32), (.fp32, false, .fp32)] {
            XCTAssertEqual(DataParallel(TwoRanks(otherChoseBF16: other)).agreed(mine), agreed, "this rank \(mine), the other bf16: \(other)")
        }
        XCTAssertEqual(DataParallel.singleProcess.agreed(.bf16), .bf16)
        XCTAssertEqual(DataParallel.singleProcess.agreed(.fp32), .fp32)
    }
}
