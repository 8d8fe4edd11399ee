import XCTest
@testable import EPlanGeometry

final class SkeletonTests: XCTestCase {
    func testEnvelope() {
        let g = Geometry.lineString([Coordinate(1, 2), Coordinate(3, -1)])
        XCTAssertEqual(g.envelope, Envelope(minX: 1, minY: -1, maxX: 3, maxY: 2))
    }
}
