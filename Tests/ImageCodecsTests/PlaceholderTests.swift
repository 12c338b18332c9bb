import XCTest
import ImageCodecs
final class PlaceholderImageTests: XCTestCase { func testNothingYet() {} }
