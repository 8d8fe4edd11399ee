import Foundation

extension BoundaryAuditor {
    /// Audits a GeoJSON file of one level before import. Every feature goes through the
    /// import's own checks (`BoundaryFeatureChecker`), so whatever `boundaries import`
    /// would refuse is a finding here; then validity, degenerate areas and overlaps among
    /// the features; and, given the store, the file against the parent level already in it
    /// (gaps, unknown, wrong and outside parents) as the store audit does. The parents
    /// compared are those of the provinces (and parent codes) the file names, so a
    /// one-province file is not charged with every other province's gaps.
    /// Features are read one at a time (`GeoJSONFeatureStream`).
    public func audit(file path: String, level: BoundaryLevel, fields: BoundaryFields? = nil,
                      store: (any EPlanStoring)? = nil, proj: PROJContext? = nil) throws -> AuditReport {
        let start = Self.now()
        let stream = try GeoJSONFeatureStream(path: path)
        let fields = fields ?? .defaults(for: level)
        var checker = try BoundaryFeatureChecker(
            path: path, level: level, fields: fields, root: stream.root,
            parents: try store.map { try ParentExtents.load(from: $0, for: level) } ?? ParentExtents(),
            proj: { try proj ?? PROJContext() })
        var findings: [Finding] = []
        var units: [AuditUnit] = []
        var featuresByCode: [String: [Int]] = [:]
        for i in 0..<stream.count {
            let f = checker.check(try stream.feature(i), index: i)
            if !f.code.isEmpty { featuresByCode[f.code, default: []].append(i + 1) }
            findings += Self.findings(for: f, table: level.table, codeField: fields.code)
            // A geometry import refuses cannot stand for its unit (it is reported above).
            guard !f.geometryRefused else { continue }
            units.append(AuditUnit(table: level.table, code: f.code, parentCode: f.parentCode,
                                   provinceCode: f.provinceCode, nameTH: f.nameTH, geometry: f.geometry, feature: i + 1))
        }
        if stream.count == 0 {
            let e = ImportError.emptyFile(path: path, level: level, inStore: try store?.count(level: level) ?? 0)
            var finding = Finding(kind: .importRefused, table: level.table, codes: [], message: e.message)
            finding.labels = [.init("reason", e.reason)]
            findings.append(finding)
        }
        findings += Self.duplicateFindings(featuresByCode, units: units, table: level.table)
        let provinceOf = Dictionary(units.map { ($0.code, $0.provinceCode) }, uniquingKeysWith: { a, _ in a })
        var levels: [BoundaryLevel: [AuditUnit]] = [level: units]
        // Provinces whose parents the store holds: only their units are compared.
        var compared = Set<String>()
        if let store, let parent = level.enclosingLevels.first {
            let parents = try store.boundaries(level: parent)
            compared = Set(parents.map(\.provinceCode))
            let provinces = Set(units.map(\.provinceCode)), codes = Set(units.compactMap(\.parentCode))
            let near = parents.filter { provinces.contains($0.provinceCode) || codes.contains($0.code) }
            if !near.isEmpty { levels[parent] = near.map(AuditUnit.init) }
        }
        var report = try audit(BoundaryAuditInput(levels: levels, report: [level]))
        // A unit of a province the store has no parents for has nothing to be compared with.
        report.findings.removeAll { $0.kind == .unknownParent && !compared.contains(provinceOf[$0.codes.first ?? ""] ?? "") }
        report.merge(AuditReport(subject: "boundaries", scope: report.scope, findings: findings, unitsChecked: 0, minAreaM2: minArea))
        report.scope = Message(th: "ตรวจไฟล์ \(path) (\(level.nameTH))", en: "audit of file \(path) (\(level.rawValue))")
        report.seconds = Self.now() - start
        return report
    }

    /// The findings for what the import's checks refused in one feature. Duplicate codes
    /// are left to `duplicateFindings` (one finding per code, naming every feature).
    static func findings(for f: CheckedFeature, table: String, codeField: String) -> [Finding] {
        let n = f.index + 1
        let codes = f.code.isEmpty ? [] : [f.code]
        return f.problems.compactMap { problem -> Finding? in
            let kind: FindingKind
            switch problem {
            case .duplicateCode: return nil
            case .missingField(_, let field) where field == codeField: kind = .missingCode
            case .missingGeometry, .emptyGeometry: kind = .emptyGeometry
            case .badGeometry: kind = .invalidGeometry
            default: kind = .importRefused
            }
            // A location only where it is a longitude/latitude (the message names any other).
            let at = (problem.coordinate ?? f.geometry.flatMap { $0.isEmpty ? nil : roughPoint($0) })
                .flatMap { abs($0.x) <= 180 && abs($0.y) <= 90 ? $0 : nil }
            var finding = Finding(kind: kind, table: table, codes: kind == .missingCode ? [] : codes,
                                  message: problem.message, location: at, geometry: at.map { .point($0) }, feature: n)
            if kind == .importRefused { finding.labels = [.init("reason", problem.reason)] }
            return finding
        }
    }

    /// One finding per code that repeats, at its second feature, listing them all.
    static func duplicateFindings(_ featuresByCode: [String: [Int]], units: [AuditUnit], table: String) -> [Finding] {
        featuresByCode.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.map { code, features in
            let u = units.first { $0.feature == features[1] }
            let at = u?.geometry.flatMap { $0.isEmpty ? nil : roughPoint($0) }
            let list = features.map(String.init).joined(separator: ", ")
            return Finding(kind: .duplicateCode, table: table, codes: [code],
                message: Message(th: "รหัส \(code) ซ้ำใน feature ที่ \(list)", en: "code \(code) repeats in features \(list)"),
                location: at, geometry: at.map { .point($0) }, feature: features[1])
        }
    }
}
