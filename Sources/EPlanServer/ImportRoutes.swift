import EPlanApp
import EPlanDomain
import Foundation
import Hummingbird

/// `POST /projects/import` (a development-plan CSV, all or nothing: `projects import`) and
/// `POST /pins/import` (one field file, GPX, KML, KMZ, CSV, GeoJSON or a JPEG photo:
/// `pins import`). Their bodies may be up to 50 MiB (every other route: 1 MiB); a body is
/// written to a temporary file as it arrives, never held whole in memory, and the use case
/// reads that file. Who may import which LAO's rows is the use cases' rule.
enum ImportRoutes {
    static let bodyLimit = 50 << 20

    static func register(_ secured: RouterGroup<EPlanRequestContext>, _ config: ServerConfig) {
        secured.post("projects/import") { request, context in try await projects(request, context, config) }
        secured.post("pins/import") { request, context in try await pins(request, context, config) }
    }

    // MARK: POST /projects/import

    static func projects(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let app = try ProjectRoutes.appContext(request, context)
        let q = request.uri.queryParameters
        try Query.known(q, ["replace"])
        let replace = try Query.flag(q, "replace")
        return try await withUpload(request, name: "projects.csv") { path, dir in
            let report = try await offload {
                try ImportProjects(store: try config.openStore(), context: app).run(ImportProjects.Request(path: path, replace: replace))
            }
            let warnings = report.warnings.map { JSONText.string(strip($0.text(app.language), dir)) }
            let text = "{\"lines\":\(report.lines),\"inserted\":\(report.inserted),\"replaced\":\(report.replaced),"
                + "\"warnings\":[\(warnings.joined(separator: ","))]}"
            return EPlanRoutes.json(text, status: .created)
        }
    }

    // MARK: POST /pins/import

    static let pinParameters = ["format", "filename", "match", "dry_run", "skip_bad", "tolerance_m", "crs", "lon_first"]

    static func pins(_ request: Request, _ context: EPlanRequestContext, _ config: ServerConfig) async throws -> Response {
        let app = try ProjectRoutes.appContext(request, context)
        let q = request.uri.queryParameters
        try Query.known(q, pinParameters)
        let name = try uploadName(q, contentType: request.headers[.contentType])
        let matchText = q.get("match") ?? "code"
        guard let match = ImportPinsRequest.Match(rawValue: matchText) else {
            throw Problem(.badInput, Message(th: "match ต้องเป็น code หรือ name (ได้ '\(matchText)')",
                                             en: "match must be code or name (got '\(matchText)')"), field: "match")
        }
        let parser = CoordinateParser(longitudeFirst: try Query.flag(q, "lon_first"), crs: try q.get("crs").map { try CRS(parsing: $0) })
        let tolerance = try q.get("tolerance_m").map { try ToleranceMetres.parse($0, field: "tolerance_m") }
        let dryRun = try Query.flag(q, "dry_run"), skipBad = try Query.flag(q, "skip_bad")
        return try await withUpload(request, name: name) { path, dir in
            let importRequest = ImportPinsRequest(files: [path], match: match, dryRun: dryRun, skipBad: skipBad, toleranceM: tolerance, parser: parser)
            let result = try await offload { try ImportPins(store: try config.openStore(), context: app).run(importRequest) }
            return try answer(result, text: strip(result.json(app.language, baseNames: true), dir))
        }
    }

    /// As `pins import` ends: all good (or, skipping the bad, something good) is a success,
    /// 201 when pins were stored; otherwise a problem with the report: 400 for bad items
    /// (unreadable, unmatched), 422 for refusals only. Nothing is stored in either.
    static func answer(_ r: ImportPinsResult, text: String) throws -> Response {
        if (r.badCount == 0 && r.refusedCount == 0) || (r.skipBad && r.goodCount > 0) {
            return EPlanRoutes.json(text, status: r.storedCount > 0 ? .created : .ok)
        }
        let counts = Message(th: "ผ่าน \(r.goodCount) ปฏิเสธ \(r.refusedCount) ผิดพลาด \(r.badCount) — ไม่ได้บันทึก (ทั้งหมดหรือไม่บันทึกเลย: แก้รายการที่ผิด หรือใส่ skip_bad=true)",
                             en: "good \(r.goodCount), refused \(r.refusedCount), bad \(r.badCount) — nothing stored (all or nothing: fix the items at fault, or give skip_bad=true)")
        throw Problem(r.badCount > 0 ? .badInput : .pinRefused, counts, field: "body", extra: [("import", text)])
    }

    /// The upload's file name: its form from `format`, else the extension of `filename`,
    /// else the Content-Type; the name kept in the pins' history is `filename`'s.
    static func uploadName(_ q: Hummingbird.Parameters, contentType: String?) throws -> String {
        let given = q.get("filename").map(safeName)
        let givenExt = given.map { ($0 as NSString).pathExtension.lowercased() }
        let ext: String
        if let f = q.get("format") {
            guard FieldFile.extensions.contains(f.lowercased()) else { throw unknownFormat("format", f) }
            ext = f.lowercased()
        } else if let e = givenExt, !e.isEmpty {
            guard FieldFile.extensions.contains(e) else { throw unknownFormat("filename", e) }
            ext = e
        } else if let type = contentType, let e = Self.types[type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""] {
            ext = e
        } else {
            throw Problem(.badInput, Message(th: "ไม่ทราบชนิดไฟล์: ระบุ format= (gpx, kml, kmz, csv, geojson, jpg) หรือ filename= หรือ Content-Type",
                                             en: "unknown kind of file: give format= (gpx, kml, kmz, csv, geojson, jpg), filename= or a Content-Type"), field: "format")
        }
        guard let base = given, !base.isEmpty else { return "upload.\(ext)" }
        return givenExt == ext ? base : base + "." + ext
    }

    static let types = ["application/gpx+xml": "gpx", "application/vnd.google-earth.kml+xml": "kml", "application/vnd.google-earth.kmz": "kmz",
                        "text/csv": "csv", "application/geo+json": "geojson", "image/jpeg": "jpg"]

    /// The last part of a client's file name, without anything that could leave our directory.
    static func safeName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0 != ":" }.map(Character.init))
        return clean == "." || clean == ".." ? "" : String(clean.prefix(200))
    }

    static func unknownFormat(_ field: String, _ value: String) -> Problem {
        Problem(.badInput, Message(th: "\(field): ไม่รู้จักชนิดไฟล์ '\(value)' (ใช้ได้: \(FieldFile.extensions.joined(separator: ", ")))",
                                   en: "\(field): unknown kind of file '\(value)' (known: \(FieldFile.extensions.joined(separator: ", ")))"), field: field)
    }

    // MARK: The body as a temporary file

    /// Writes the body to `name` in a directory of its own, runs `body` with its path and
    /// the directory, and removes both. The use cases' messages name the file by its
    /// path: the directory (ours, not the client's business) is taken out of any problem.
    static func withUpload(_ request: Request, name: String, _ body: (String, String) async throws -> Response) async throws -> Response {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eplan-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        do {
            try await save(request, to: path)
            return try await body(path, dir.path)
        } catch {
            let p = Problem.from(error)
            // Our own failures keep their error for the log (ProblemMiddleware).
            guard [.badInput, .notFound, .forbidden, .pinRefused, .tooLarge].contains(p.kind) else { throw error }
            throw Problem(p.kind, Message(th: strip(p.detail.th, dir.path), en: strip(p.detail.en, dir.path)),
                          field: p.field ?? (p.kind == .badInput ? "body" : nil), extra: p.extra, headers: p.headers)
        }
    }

    /// Streams the body into `path`, refusing (413) past 50 MiB: at once by Content-Length,
    /// else as soon as the bytes received pass it.
    static func save(_ request: Request, to path: String) async throws {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > bodyLimit { throw tooLarge() }
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw AppError(.output, Message(th: "เขียนไฟล์ชั่วคราวไม่ได้", en: "cannot write a temporary file"))
        }
        defer { try? file.close() }
        var total = 0
        for try await buffer in request.body {
            total += buffer.readableBytes
            if total > bodyLimit { throw tooLarge() }
            try file.write(contentsOf: Data(buffer.readableBytesView))
        }
    }

    static func tooLarge() -> Problem {
        Problem(.tooLarge, Message(th: "ไฟล์ที่นำเข้าต้องไม่เกิน 50 MiB", en: "an imported file may be at most 50 MiB"), field: "body")
    }

    static func strip(_ text: String, _ dir: String) -> String {
        text.replacingOccurrences(of: dir + "/", with: "").replacingOccurrences(of: dir.replacingOccurrences(of: "/", with: "\\/") + "\\/", with: "")
    }
}
