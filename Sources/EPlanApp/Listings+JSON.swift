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
        let items = self.items.map { i -> String in
            let file = baseNames ? (i.file.split(separator: "/").last.map(String.init) ?? i.file) : i.file
            let fields = [
                "\"file\":\(JSONText.string(file))",
                "\"place\":\(JSONText.string(i.place))",
                "\"line\":\(i.line.map(String.init) ?? "null")",
                "\"key\":\(i.key.map(JSONText.string) ?? "null")",
                "\"project\":\(i.project.map { JSONText.string($0.code) } ?? "null")",
                "\"verdict\":\"\(i.verdict.rawValue)\"",
                "\"reason\":{\"th\":\(JSONText.string(i.reason.th)),\"en\":\(JSONText.string(i.reason.en))}",
                "\"messages\":[\(i.messages.map { JSONText.string($0.text(language)) }.joined(separator: ","))]",
                "\"geometry_type\":\(i.geometryType.map { JSONText.string($0.rawValue) } ?? "null")",
                "\"version\":\(i.stored.map { String($0.version) } ?? "null")",
            ]
            return "{" + fields.joined(separator: ",") + "}"
        }
        return "{\"dry_run\":\(dryRun),\"skip_bad\":\(skipBad),\"stored\":\(storedCount),\"good\":\(goodCount),"
            + "\"refused\":\(refusedCount),\"bad\":\(badCount),\"items\":[\(items.joined(separator: ","))]}"
    }
}
