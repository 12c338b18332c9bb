import Foundation
import XCTest

/// A test case with a fresh folder under the system's temporary directory for each
/// test, removed after it: where the command tests write their data sets, models and
/// outputs. Subclasses that prepare more call `super.setUpWithError()` first.
class TemporaryFolderTestCase: XCTestCase {
    private(set) var folder: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cbam-\(type(of: self))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
        super.tearDown()
    }
}
