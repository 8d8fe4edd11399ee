import EPlanApp
import EPlanDomain
import Foundation
import Hummingbird

/// `GET /audits/pins` and `GET /audits/boundaries`: the CLI's `audit pins|boundaries`
/// through `RunAudits`, which admits the provincial office (its own province) and admins.
/// A provincial account that names no province audits its own. The findings are written
/// as they are found to a temporary file (memory stays flat), then streamed and removed.
enum AuditRoutes {
    static func register(_ secured: RouterGroup<EPlanRequestContext>, _ config: ServerConfig) {
        secured.get("audits/pins") { request, context in try await pins(request, context, config) }
        secured.get("audits/boundaries") { request, context in try await boundaries(request, context, config) }
    }

    static let pinParameters = ["province", "lao", "year", "stack_min", "stack_radius_m", "centroid_radius_m", "road_min_m",
                                "tolerance_m", "completeness", "format"]
    static let boundaryParameters = ["level", "province", "min_area_m2", "format"]

    // MARK: GET /audits/pins

    static func pins(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let app = try ProjectRoutes.appContext(request, context)
        let q = request.uri.queryParameters
        try Query.known(q, pinParameters)
        let format = try self.format(q)
        var o = PinAuditOptions(provinceCode: province(q, app.actor), laoCode: q.get("lao").map(ThaiText.asciiDigits),
                                planYear: try q.get("year").map { try PlanYear.be($0, field: "year") })
        if let n = try Query.number(q, "stack_min") { o.stackMin = Int(n) }
        if let v = try Query.number(q, "stack_radius_m") { o.stackRadiusM = v }
        if let v = try Query.number(q, "centroid_radius_m") { o.centroidRadiusM = v }
        if let v = try Query.number(q, "road_min_m") { o.roadMinM = v }
        o.toleranceM = try Query.number(q, "tolerance_m")
        o.completeness = q.get("completeness") == nil ? true : try Query.flag(q, "completeness")
        let options = o
        return try await stream(format, app.language) { writer in
            let audits = RunAudits(store: try config.openStore(), context: app)
            try audits.checkPins(options)  // refusals and bad input before any output
            return (PinAuditor.scope(options), "pins", 0, { try audits.pins(options, emit: writer) })
        }
    }

    // MARK: GET /audits/boundaries

    static func boundaries(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let app = try ProjectRoutes.appContext(request, context)
        let q = request.uri.queryParameters
        try Query.known(q, boundaryParameters)
        let format = try self.format(q)
        let level = q.get("level") ?? "all"
        let levels = Set(try BoundaryMaintenance.levels(level, field: "level", allowAll: true))
        let province = province(q, app.actor), minArea = try Query.number(q, "min_area_m2") ?? 1
        // One thread: an audit must not take both cores from everyone else's requests.
        let report = try await offload {
            try RunAudits(store: try config.openStore(), context: app)
                .boundaries(levels: levels, provinceCode: province, includeLAOs: level == "all", minAreaM2: minArea, threads: 1)
        }
        return try await stream(format, app.language) { writer in
            (report.scope, report.subject, report.minAreaM2, { for f in report.findings { try writer(f) }; return report.unitsChecked })
        }
    }

    // MARK: Parts

    /// The province asked for; a provincial account that names none gets its own.
    static func province(_ q: Hummingbird.Parameters, _ actor: Actor) -> String? {
        if let p = q.get("province") { return ThaiText.asciiDigits(p.trimmingCharacters(in: .whitespaces)) }
        return actor.role == .province ? actor.provinceCode : nil
    }

    static func format(_ q: Hummingbird.Parameters) throws -> AuditOutputFormat {
        let raw = q.get("format") ?? "json"
        guard let f = AuditOutputFormat(rawValue: raw), f != .text else {
            throw Problem(.badInput, Message(th: "format ต้องเป็น json หรือ geojson (ได้ '\(raw)')",
                                             en: "format must be json or geojson (got '\(raw)')"), field: "format")
        }
        return f
    }

    typealias Audit = (scope: Message, subject: String, minAreaM2: Double, run: () throws -> Int)

    /// Runs `prepare` (checks that may refuse) and then its audit off the cooperative
    /// threads, writing the findings to a temporary file, and streams that file.
    static func stream(_ format: AuditOutputFormat, _ lang: Language,
                       _ prepare: @escaping @Sendable (_ emit: @escaping (Finding) throws -> Void) throws -> Audit) async throws -> Response {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eplan-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("audit").path
        do {
            try await offload {
                guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
                    throw AppError(.output, Message(th: "เขียนไฟล์ชั่วคราวไม่ได้", en: "cannot write a temporary file"))
                }
                defer { try? file.close() }
                var writer: AuditStreamWriter?
                let audit = try prepare { try writer?.add($0) }
                let w = AuditStreamWriter(format: format, subject: audit.subject, scope: audit.scope, minAreaM2: audit.minAreaM2, lang: lang,
                                          flush: { bytes in try file.write(contentsOf: Data(UnsafeBufferPointer(start: bytes.base, count: bytes.count))) })
                writer = w
                try w.begin()
                try w.finish(unitsChecked: try audit.run())
            }
        } catch {
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
        let type = format == .geojson ? "application/geo+json" : "application/json; charset=utf-8"
        return TempFile.response(path: path, dir: dir, contentType: type)
    }
}

/// A finished temporary file streamed to the client in 1 MiB chunks, removed at the end.
enum TempFile {
    static func response(path: String, dir: URL, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody { writer in
            defer { try? FileManager.default.removeItem(at: dir) }
            let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? file.close() }
            while let chunk = try await offload({ try file.read(upToCount: ExportOutput.chunkSize) }), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        })
    }
}
