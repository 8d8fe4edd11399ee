import Foundation

/// One page of an OGC API collection as GeoJSON features, made chunk by chunk (about 1 MiB
/// each) so that a server can send each chunk as it is made: memory holds one chunk, not
/// the page. Project features are written by the export's own row writer (the same
/// properties and RFC 7946 geometry as `eplan export`); boundary features by the same
/// geometry writer. The exact box test follows the R*Tree's, as in the export.
///
/// `nextChunk` writes the features only, joined by commas; the caller wraps them
/// (`{"type":"FeatureCollection","features":[` … `]…}`). After the last chunk, `returned`,
/// `lastCode` (the keyset position for the next page) and `hasMore` are known.
public final class FeaturePage {
    enum Source {
        case projects(any ProjectExportRows, ProjectExporter, ProjectExporter.ConstantPieces)
        case boundaries(any BoundaryFeatureRows, keys: [[UInt8]])
    }

    /// Held so the rows' connection outlives them.
    let store: any EPlanStoring
    var source: Source?
    let limit: Int
    let bbox: Envelope?
    let geometry = BlobGeometryWriter(syntax: .geoJSON, precision: 7)
    /// The chunk being made, reused by every chunk of the page (one allocation per page).
    private var buffer = ByteWriter(capacity: ExportOutput.chunkSize + (1 << 16))
    public private(set) var returned = 0
    public private(set) var lastCode: String?
    /// A feature after the page's last exists (then a `next` link is due).
    public private(set) var hasMore = false
    public private(set) var finished = false
    /// The rows' current row is this page's first (a page read on from the one before it).
    private var pendingRow = false

    /// A page of project features (`rows` from `projectFeatureRows`); `laoBlocks` keeps the
    /// LAOs' blocks for the next page read on the same connection.
    public init(store: any EPlanStoring, projects rows: any ProjectExportRows, limit: Int, bbox: Envelope?,
                laoBlocks: ExportLAOBlocks? = nil) throws {
        let exporter = try ProjectExporter(store: store, format: .geojson)
        let ahead = try rows.laoIDsAhead()
        let lao = try ahead == nil ? laoBlocks?.blocks(exporter) ?? exporter.laoFragments(json: true) : exporter.laoFragments(json: true, only: ahead)
        let pieces = try ProjectExporter.ConstantPieces(columns: ProjectExporter.columns, lao: lao)
        self.store = store; self.limit = limit; self.bbox = bbox
        source = .projects(rows, exporter, pieces)
    }

    /// A page of boundary features (`rows` from `boundaryFeatureRows`).
    public init(store: any EPlanStoring, boundaries rows: any BoundaryFeatureRows, layer: BoundaryLayer, limit: Int, bbox: Envelope?) {
        self.store = store; self.limit = limit; self.bbox = bbox
        source = .boundaries(rows, keys: layer.columns.enumerated().map { Array((($0.offset == 0 ? "" : ",") + "\"\($0.element)\":").utf8) })
    }

    /// The page after this one, read on from where this one stopped: the same statement (so
    /// the same read transaction, and no query made and sorted again), its current row, which
    /// ended this page, the new page's first. Only after this page finished with `hasMore`;
    /// this page gives its rows up (it has nothing more to make).
    public func readOn() -> FeaturePage? {
        guard finished, hasMore, let source else { return nil }
        self.source = nil
        let next = FeaturePage(store: store, source: source, limit: limit, bbox: bbox)
        next.pendingRow = true
        return next
    }

    private init(store: any EPlanStoring, source: Source, limit: Int, bbox: Envelope?) {
        self.store = store; self.source = source; self.limit = limit; self.bbox = bbox
    }

    deinit { source = nil }  // the statement goes before the store's connection

    /// The next piece of the features, or nil when the page is done.
    public func nextChunk() throws -> [UInt8]? {
        try withNextChunk { Array($0) }
    }

    /// The next piece of the features lent to `body` (valid only during the call, so a
    /// server copies it once, into its own buffer), or nil when the page is done.
    public func withNextChunk<T>(_ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        guard !finished, let source else { return nil }
        buffer.removeAll()
        switch source {
        case let .projects(rows, exporter, pieces):
            // SQLite's cursor takes the specialised loop (its accessors inline), as in the export.
            if let cursor = rows as? ProjectExportCursor { try projects(cursor, exporter, pieces, &buffer) } else { try projects(rows, exporter, pieces, &buffer) }
        case let .boundaries(rows, keys):
            try fill(&buffer, step: { try rows.step() }, geometry: { rows.geometry }, code: { rows.text(0) }) { w, geom in
                try boundaryFeature(rows, keys, geom, &w)
            }
        }
        if buffer.count == 0 && finished { return nil }
        return try body(UnsafeRawBufferPointer(start: buffer.base, count: buffer.count))
    }

    private func projects<Rows: ProjectExportRows>(_ rows: Rows, _ exporter: ProjectExporter, _ pieces: ProjectExporter.ConstantPieces,
                                                   _ w: inout ByteWriter) throws {
        try pieces.withPointers { p in
            var row = ProjectExporter.RowWriter(exporter: exporter, pieces: p, geometry: geometry)
            try fill(&w, step: { try rows.step() }, geometry: { rows.geometry }, code: { rows.text(0) }) { w, geom in
                _ = try row.json(rows, geom, first: true, into: &w)
            }
        }
    }

    /// Steps rows into `w` until the chunk is full or the page is: a row past the page's
    /// last only sets `hasMore`.
    private func fill(_ w: inout ByteWriter, step: () throws -> Bool, geometry: () -> UnsafeRawBufferPointer?,
                      code: () -> UnsafeBufferPointer<UInt8>?, feature: (inout ByteWriter, UnsafeRawBufferPointer?) throws -> Void) throws {
        while w.count < ExportOutput.chunkSize {
            if pendingRow { pendingRow = false } else { guard try step() else { finished = true; return } }
            let geom = geometry()
            if let bbox, let geom, let e = try? BlobGeometryWriter.envelope(geom), !e.intersects(bbox) { continue }
            if returned == limit { hasMore = true; finished = true; return }
            if returned > 0 { w.byte(UInt8(ascii: ",")) }
            let mark = w.count
            do { try feature(&w, geom) } catch is SpatiaLiteBlobError {
                w.count = mark
                throw ExportError(.badGeometry(project: code().map { String(decoding: $0, as: UTF8.self) } ?? "?"))
            }
            returned += 1
            lastCode = code().map { String(decoding: $0, as: UTF8.self) }
        }
    }

    private func boundaryFeature(_ rows: any BoundaryFeatureRows, _ keys: [[UInt8]], _ geom: UnsafeRawBufferPointer?, _ w: inout ByteWriter) throws {
        func text(_ i: Int) {
            if let t = rows.text(i), let p = t.baseAddress { writeJSONString(p, t.count, into: &w) } else { w.literal("null") }
        }
        w.literal(#"{"type":"Feature","id":"#)
        text(0)
        w.literal(#","geometry":"#)
        if let geom { try geometry.write(geom, into: &w) } else { w.literal("null") }
        w.literal(#","properties":{"#)
        for (i, key) in keys.enumerated() {
            w.append(key)
            text(i)
        }
        w.literal("}}")
    }
}

/// Every LAO's block of a project feature (its names and those of its amphoe and province),
/// encoded once and kept for the pages read after it on the same connection while nothing
/// is committed to the store (that connection's `dataVersion` unchanged). Why: a page of a
/// SQLite store encodes every LAO's block before its first row (the rows stream, so which
/// LAOs they hold is not known ahead), and on a national store's 7,445 LAOs that was 20-30 ms
/// of a 10-feature page that otherwise takes 2-3. One per connection, which must only read
/// (its own commits would not move its `dataVersion`); not thread-safe.
public final class ExportLAOBlocks {
    private var kept: (version: Int64, blocks: (bytes: [UInt8], ranges: [Int64: Range<Int>]))?
    /// How many times the blocks were encoded (tests).
    private(set) var encoded = 0

    public init() {}

    /// The GeoJSON blocks of every LAO of `exporter`'s store, encoded again only after a commit.
    func blocks(_ exporter: ProjectExporter) throws -> (bytes: [UInt8], ranges: [Int64: Range<Int>]) {
        // Asked before the blocks are read: a commit during the read moves it for the next page.
        let version = try exporter.store.dataVersion()
        if let kept, kept.version == version { return kept.blocks }
        let blocks = try exporter.laoFragments(json: true)
        encoded += 1
        kept = version.map { ($0, blocks) }
        return blocks
    }
}
