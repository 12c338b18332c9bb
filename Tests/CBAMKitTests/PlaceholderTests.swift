import XCTest
import CBAMKit
final class PlaceholderKitTests: XCTestCase { func testNothingYet() {} }
