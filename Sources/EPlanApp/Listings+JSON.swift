import EPlanDomain

// The JSON of the listings, written once for the CLI's `--format json` and the service.

extension ProjectRecord {
    /// One project (`projects list|show --format json`, `GET /projects[/{code}]`); with
    /// `log`, its stage history too.
    public func json(laoName: String?, log: [ProjectStageLogEntry]? = nil) -> String {
        let p = self
        func s(_ v: String?) -> String { v.map(JSONText.string) ?? "null" }
        func n(_ v: Double?) -> String { v.map { JSONText.number($0, decimals: 2) } ?? "null" }
        var fields = [
            "\"code\":\(s(p.code))", "\"lao_code\":\(s(p.laoCode))", "\"lao_name\":\(s(laoName))",
            "\"plan_year\":\(p.planYear)", "\"name\":\(s(p.nameTH))", "\"strategy\":\(s(p.strategy))",
            "\"kind\":\(s(p.kind.rawValue))", "\"expected_geometry\":\(s(p.kind.expectedGeometry.rawValue))",
            "\"budget\":\(n(p.budget))", "\"funding\":\(s(p.funding?.rawValue))",
            "\"plan_approved_on\":\(s(p.planApprovedOn))", "\"budget_approved_on\":\(s(p.budgetApprovedOn))",
            "\"contract_signed_on\":\(s(p.contractSignedOn))", "\"contract_amount\":\(n(p.contractAmount))",
            "\"disbursed_amount\":\(n(p.disbursedAmount))", "\"disbursed_on\":\(s(p.disbursedOn))",
            "\"progress\":\(n(p.progress))", "\"completed_on\":\(s(p.completedOn))",
            "\"stage\":\(s(p.stage.rawValue))", "\"synthetic\":\(p.synthetic)",
            "\"recorded_on\":\(s(p.recordedOn))", "\"updated_at\":\(s(p.updatedAt))",
        ]
        if let log { fields.append("\"stage_log\":[" + log.map(\.json).joined(separator: ",") + "]") }
        return "{" + fields.joined(separator: ",") + "}"
    }
}

extension ProjectStageLogEntry {
    /// One change: field, old and new value, when and by whom.
    public var json: String {
        func s(_ v: String?) -> String { v.map(JSONText.string) ?? "null" }
        return "{\"field\":\(s(field)),\"old\":\(s(oldValue)),\"new\":\(s(newValue)),\"at\":\(s(changedAt)),\"by\":\(s(changedBy))}"
    }
}

extension ProjectRef {
    /// A project in a pin listing (`pins list --format json`).
    public var json: String {
        "{\"code\":\(JSONText.string(code)),\"lao\":\(JSONText.string(laoCode)),\"plan_year\":\(planYear),\"kind\":\(JSONText.string(kind)),\"name_th\":\(JSONText.string(nameTH))}"
    }
}

extension PinListing {
    /// A current pin with its project (`pins list --format json`, `GET /pins`).
    public func json(_ language: Language = Language.current) -> String {
        "{\"project\":\(project.json),\"pin\":\(pin.json(language))}"
    }
}

extension ImportPinsResult {
    /// The report of a pin import (`pins import --format json`, `POST /pins/import`); with
    /// `baseNames` each item names its file without the directory (an upload's is ours).
    public func json(_ language: Language = Language.current, baseNames: Bool = false) -> String {
        var w = ByteWriter(capacity: 256 + items.count * 512)
        var summary = ImportPinsSummary(dryRun: dryRun, skipBad: skipBad)
        for i in items { summary.count(i.verdict) }
        summary.stored = storedCount
        summary.writeJSONHead(into: &w)
        for (n, i) in items.enumerated() {
            if n > 0 { w.ascii(",") }
            i.writeJSON(into: &w, language, baseNames: baseNames)
            ImportedPin.writeJSONVersion(i.stored?.version, into: &w)
        }
        w.ascii("]}")
        return String(decoding: UnsafeBufferPointer(start: w.base, count: w.count), as: UTF8.self)
    }
}

extension ImportPinsSummary {
    /// `{"dry_run":…,"skip_bad":…,"stored":…,"good":…,"refused":…,"bad":…,"items":[`
    func writeJSONHead(into w: inout ByteWriter) {
        w.ascii("{\"dry_run\":"); w.ascii(dryRun ? "true" : "false")
        w.ascii(",\"skip_bad\":"); w.ascii(skipBad ? "true" : "false")
        w.ascii(",\"stored\":"); w.integer(stored)
        w.ascii(",\"good\":"); w.integer(good)
        w.ascii(",\"refused\":"); w.integer(refused)
        w.ascii(",\"bad\":"); w.integer(bad)
        w.ascii(",\"items\":[")
    }
}

extension ImportedPin {
    /// One item of the JSON report up to its version: `{"file":…,…,"geometry_type":…,"version":`
    /// (the version, known for sure only when the import ends, is written by `writeJSONVersion`).
    func writeJSON(into w: inout ByteWriter, _ language: Language, baseNames: Bool) {
        let file = baseNames ? (self.file.split(separator: "/").last.map(String.init) ?? self.file) : self.file
        w.ascii("{\"file\":"); w.jsonString(file)
        w.ascii(",\"place\":"); w.jsonString(place)
        w.ascii(",\"line\":"); if let line { w.integer(line) } else { w.ascii("null") }
        w.ascii(",\"key\":"); if let key { w.jsonString(key) } else { w.ascii("null") }
        w.ascii(",\"project\":"); if let project { w.jsonString(project.code) } else { w.ascii("null") }
        w.ascii(",\"verdict\":"); w.jsonString(verdict.rawValue)
        w.ascii(",\"reason\":{\"th\":"); w.jsonString(reason.th)
        w.ascii(",\"en\":"); w.jsonString(reason.en)
        w.ascii("},\"messages\":[")
        for (n, m) in messages.enumerated() {
            if n > 0 { w.ascii(",") }
            w.jsonString(m.text(language))
        }
        w.ascii("],\"geometry_type\":"); if let t = geometryType { w.jsonString(t.rawValue) } else { w.ascii("null") }
        w.ascii(",\"version\":")
    }

    static func writeJSONVersion(_ version: Int?, into w: inout ByteWriter) {
        if let version { w.integer(version) } else { w.ascii("null") }
        w.ascii("}")
    }
}

/// The JSON report of `pins import --format json`, streamed: each item is written to a
/// spool as it is decided, and at the end the head (with the totals) and the items (with
/// their versions, or null when nothing was stored) go to `output` in chunks.
public final class ImportPinsJSONReport: ImportPinsReport {
    private let spool: ReportSpool
    private let output: ExportOutput
    private let language: Language
    private var row = ByteWriter(capacity: 4096)

    public init(output: ExportOutput, language: Language = Language.current) throws {
        spool = try ReportSpool(); self.output = output; self.language = language
    }

    public func add(_ item: ImportedPin) throws {
        row.removeAll()
        item.writeJSON(into: &row, language, baseNames: false)
        try spool.append(row, number: item.stored?.version ?? -1)
    }

    public func finish(_ summary: ImportPinsSummary) throws {
        let stored = summary.stored > 0
        output.withWriter { summary.writeJSONHead(into: &$0) }
        var first = true
        try spool.forEach { bytes, version in
            output.withWriter { w in
                if !first { w.ascii(",") }
                w.append(bytes)
                ImportedPin.writeJSONVersion(stored && version >= 0 ? version : nil, into: &w)
            }
            first = false
            if output.writer.count >= ExportOutput.chunkSize { try output.flush() }
        }
        output.withWriter { $0.ascii("]}\n") }
        try output.commit()
    }
}
