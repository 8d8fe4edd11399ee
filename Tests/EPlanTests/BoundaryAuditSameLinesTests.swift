import Foundation
import XCTest
@testable import EPlanDomain

/// Parent and child layers that are the same lines with other vertices (issue 9: amphoes
/// and tambons densified at other steps): the audit clears those parents without GEOS
/// overlays and finds exactly what testing every pair with GEOS finds.
final class BoundaryAuditSameLinesTests: CLITestCase {
    /// Tak's level, each geometry densified to a vertex every `step` degrees (GEOS densify).
    func tak(_ level: BoundaryLevel, step: Double) throws -> [AuditUnit] {
        let f = BoundaryFields.defaults(for: level)
        let geos = GEOSContext()
        let features = try GeoJSONFile.readFeatureCollection(path: "\(Self.takDir)/tak-\(level.rawValue).geojson").features
        return try features.map { ft in
            let p = try XCTUnwrap(ft["properties"] as? [String: Any])
            let g = try GEOSGeometry(try GeoJSONGeometry.decode(try XCTUnwrap(ft["geometry"])), context: geos)
            return AuditUnit(table: level.table, code: GeoJSONFile.stringProperty(p[f.code]) ?? "",
                             parentCode: f.parentCode.flatMap { GeoJSONFile.stringProperty(p[$0]) },
                             provinceCode: GeoJSONFile.stringProperty(p[f.provinceCode]) ?? "", nameTH: "",
                             geometry: try g.densify(tolerance: step).toGeometry())
        }
    }

    /// Tambons at 50 m, amphoes at 70 m, the province at 90 m.
    func apart() throws -> [BoundaryLevel: [AuditUnit]] {
        [.tambon: try tak(.tambon, step: 0.00045), .amphoe: try tak(.amphoe, step: 0.00063), .province: try tak(.province, step: 0.0008)]
    }

    /// The audit, checked against one that intersects every touching pair and takes the
    /// GEOS way for every parent.
    func audit(_ levels: [BoundaryLevel: [AuditUnit]]) throws -> AuditReport {
        let input = BoundaryAuditInput(levels: levels, report: Set(BoundaryLevel.allCases))
        let report = try BoundaryAuditor(minArea: 1).audit(input)
        var exhaustive = BoundaryAuditor(minArea: 1)
        exhaustive.useBounds = false
        let all = try exhaustive.audit(input)
        XCTAssertEqual(all.counters["parents_same_lines"], 0)
        XCTAssertEqual(report.findings.map(\.kind), all.findings.map(\.kind))
        XCTAssertEqual(report.findings.map(\.codes), all.findings.map(\.codes))
        return report
    }

    /// How the parents of Tak as stored go: tiled exactly (chains cancel) or the GEOS way.
    func asStored() throws -> AuditReport {
        try audit([.tambon: try tak(.tambon, step: 1), .amphoe: try tak(.amphoe, step: 1), .province: try tak(.province, step: 1)])
    }

    func testLayersDensifiedApartAreCleanWithoutOverlays() throws {
        let stored = try asStored()
        let r = try audit(try apart())
        XCTAssertTrue(r.isClean, AuditOutput.text(r, .en))
        // No parent's chains match as they are; every parent tiled exactly as stored clears
        // once the collinear vertices go.
        XCTAssertEqual(r.counters["parents_exact"], 0)
        XCTAssertEqual(r.counters["parents_same_lines"], stored.counters["parents_exact"])
        XCTAssertEqual(r.counters["parents_geos"], stored.counters["parents_geos"])
        XCTAssertGreaterThan(r.counters["parents_same_lines"] ?? 0, 0)
    }

    func testAGapIsStillFoundWhenLayersAreDensifiedApart() throws {
        var levels = try apart()
        let removed = levels[.tambon]!.remove(at: 10)
        let r = try audit(levels)
        XCTAssertEqual(r.findings.map(\.kind), [.gap], AuditOutput.text(r, .en))
        XCTAssertEqual(r.findings.first?.codes, [removed.parentCode!])
        XCTAssertEqual(r.counters["parents_geos"], (try asStored().counters["parents_geos"] ?? 0) + 1,
                       "the amphoe with the hole takes the GEOS way too")
    }

    func testAVertexMovedOffTheLineIsNotCollinear() throws {
        // A vertex 3 m off the shared line: tambon and amphoe differ there by far more than
        // the collinear tolerance, so that amphoe takes the GEOS way (findings as before).
        var levels = try apart()
        var ts = levels[.tambon]!
        var polys = AuditRun.polygons(try XCTUnwrap(ts[0].geometry))
        polys[0].rings[0][5].x += 3e-5
        ts[0].geometry = .multiPolygon(polys)
        levels[.tambon] = ts
        XCTAssertEqual(try audit(levels).counters["parents_geos"], (try asStored().counters["parents_geos"] ?? 0) + 1)
    }
}
