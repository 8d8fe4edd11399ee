import Foundation
import XCTest
@testable import EPlanDomain
@testable import EPlanStore

/// The store's interface (issue 8): SQLite stays inside EPlanStore, each table is read
/// through one decoder whose columns are the table's, and the export's rows behave the
/// same through the `ProjectExportRows` protocol as through SQLite's inlined cursor.
final class StoreAPITests: StoreTestCase {
    /// The package's Sources folder, from this file's path.
    private var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
    }

    func testSQLiteIsUsedOnlyInsideTheStore() throws {
        let fm = FileManager.default
        guard let files = fm.enumerator(at: sources, includingPropertiesForKeys: nil) else {
            return XCTFail("cannot list \(sources.path)")
        }
        var found: [String] = []
        for case let url as URL in files where url.pathExtension == "swift" {
            let module = url.path.dropFirst(sources.path.count + 1).split(separator: "/").first ?? ""
            if module == "EPlanStore" || module == "CSQLite" { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            for needle in ["import CSQLite", "sqlite3_", "rawHandle"] where text.contains(needle) {
                found.append("\(url.path.dropFirst(sources.path.count + 1)): \(needle)")
            }
        }
        XCTAssertEqual(found, [])
    }

    /// A pin's messages are stored as a JSON array written by hand: the text is JSON, and
    /// quotes, backslashes, slashes, line breaks, control characters and Thai come back as given.
    func testPinMessagesAreJSONAndRoundTrip() throws {
        let messages = [Message(th: "อยู่นอกเขต \"ตำบล\" 1/2\nบรรทัดสอง", en: "a\\b\tc\u{1}"), Message(th: "", en: "")]
        let text = try XCTUnwrap(Store.encodeMessages(messages))
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: String]])
        XCTAssertEqual(parsed.first?["th"], messages[0].th)
        XCTAssertEqual(Store.decodeMessages(text), messages)
        XCTAssertNil(Store.encodeMessages([]))
        XCTAssertEqual(PinRow.Column.list("p").components(separatedBy: ", ").first, "p.project_code")
    }

    func testEachDecoderNamesItsTablesColumns() throws {
        let store = try Store(path: path())
        func columns(_ table: String) throws -> Set<String> {
            var out: Set<String> = []
            try store.database.query("SELECT name FROM pragma_table_info(?)", [.text(table)]) { out.insert($0.string(0) ?? "") }
            XCTAssertFalse(out.isEmpty, table)
            return out
        }
        func check<C: ColumnSet>(_ type: C.Type, _ table: String, line: UInt = #line) throws {
            let missing = Set(C.allCases.map(\.name)).subtracting(try columns(table))
            XCTAssertEqual(missing, [], "\(C.self) names columns \(table) lacks", line: line)
            XCTAssertEqual(C.allCases.map(\.rawValue), Array(0..<Int32(C.allCases.count)), "indexes are positions", line: line)
        }
        try check(ProjectRow.Column.self, "project")
        try check(ProjectRefRow.Column.self, "project")
        try check(PinRow.Column.self, "pin")
        try check(LAORow.Column.self, "lao")
        try check(DevPlanRow.Column.self, "dev_plan")
        try check(StageLogRow.Column.self, "project_stage_log")
        for level in BoundaryLevel.allCases {
            _ = try store.database.prepare(level.selectSQL)  // every expression exists at every level
        }
    }
}

/// Rows that reach the exporter only through the protocol (each read a dynamic call), as
/// another backend's would; they read the real cursor underneath. They name no LAOs ahead
/// (`laoIDsAhead` is the protocol's nil), so a page encodes every LAO's block.
final class RowsThroughProtocol: ProjectExportRows {
    let base: any ProjectExportRows
    init(_ base: any ProjectExportRows) { self.base = base }
    func step() throws -> Bool { try base.step() }
    var laoID: Int64? { base.laoID }
    func isNull(_ property: Int) -> Bool { base.isNull(property) }
    func text(_ property: Int) -> UnsafeBufferPointer<UInt8>? { base.text(property) }
    func int64(_ property: Int) -> Int64 { base.int64(property) }
    func double(_ property: Int) -> Double { base.double(property) }
    var geometry: UnsafeRawBufferPointer? { base.geometry }
    var code: String? { base.code }
}

extension ExportTests {
    func testTheGenericRowsPathWritesWhatTheCursorWrites() throws {
        let store = try openStore(try makeStore(), readOnly: true)
        for format in ExportFormat.allCases {
            for query in [ProjectQuery(), ProjectQuery(includeUnpinned: true)] {
                let exporter = try ProjectExporter(store: store, format: format, precision: 6)
                let resolved = try exporter.resolve(query)
                let fast = path("fast.\(format.rawValue)"), generic = path("generic.\(format.rawValue)")
                _ = try exporter.export(query, toPath: fast)
                let output = try ExportOutput.atomicFile(generic)
                let rows = RowsThroughProtocol(try store.projectExportRows(resolved.filter, includeUnpinned: resolved.includeUnpinned))
                _ = try exporter.export(rows: rows, resolved, to: output)
                try output.commit()
                let a = try Data(contentsOf: URL(fileURLWithPath: fast)), b = try Data(contentsOf: URL(fileURLWithPath: generic))
                XCTAssertGreaterThan(a.count, 100, "\(format)")
                XCTAssertEqual(a, b, "\(format), unpinned: \(query.includeUnpinned)")
            }
        }
    }

    /// The LAO blocks of named LAOs only are those LAOs' blocks as every LAO's pass gives them
    /// (a page on either backend may ask for its own); an empty list names none.
    func testLAOBlocksOfNamedLAOsOnly() throws {
        let store = try openStore(try makeStore(), readOnly: true)
        func blocks(_ ids: [Int64]?) throws -> [Int64: [String?]] {
            var out: [Int64: [String?]] = [:]
            try store.forEachExportLAO(only: ids) { id, text in
                out[id] = ProjectExportCursor.laoBlock.map { i in text(i).map { String(decoding: $0, as: UTF8.self) } }
            }
            return out
        }
        let all = try blocks(nil)
        XCTAssertGreaterThan(all.count, 10)
        let some = Array(all.keys.sorted().prefix(3)) + [Int64.max]
        XCTAssertEqual(try blocks(some), all.filter { some.contains($0.key) })
        XCTAssertEqual(try blocks([]), [:])
    }
}
