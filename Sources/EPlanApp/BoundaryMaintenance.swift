import EPlanDomain

/// `boundaries import` and `boundaries repair`: the administrative boundaries every check
/// rests on. Admins and the file's holder only.
public struct BoundaryMaintenance {
    public struct ImportRequest: Sendable {
        public var path: String
        public var level: BoundaryLevel
        public var fields: BoundaryFields?
        /// Refuse the whole file when a geometry is invalid (else flag it and import).
        public var strict: Bool
        /// Allow units of the level to disappear.
        public var replace: Bool
        public init(path: String, level: BoundaryLevel, fields: BoundaryFields? = nil, strict: Bool = false, replace: Bool = false) {
            self.path = path; self.level = level; self.fields = fields; self.strict = strict; self.replace = replace
        }
    }

    let store: any EPlanStoring
    let context: RequestContext
    public init(store: any EPlanStoring, context: RequestContext) { self.store = store; self.context = context }

    /// `confirm` hears how many units go and come before the level is replaced;
    /// `progress` hears (done, total) features.
    public func importFile(_ request: ImportRequest, confirm: ((BoundaryReplacePlan) -> Void)? = nil,
                           progress: ((Int, Int) -> Void)? = nil) throws -> BoundaryImportReport {
        do {
            try requireAdmin()
            // PROJ is opened only for a file in another CRS (start-up time of a plain import).
            let importer = BoundaryImporter(store: store, geos: GEOSContext(), proj: try PROJContext())
            return try importer.importFile(path: request.path, level: request.level, fields: request.fields, strict: request.strict,
                                           replace: request.replace, confirm: confirm, progress: progress)
        } catch { throw AppError.classify(error) }
    }

    /// GEOS make-valid for every invalid boundary of `levels`, originals kept.
    public func repairMakeValid(levels: [BoundaryLevel]) throws -> [BoundaryRepairResult] {
        do {
            try requireAdmin()
            return try BoundaryRepair(store: store).makeValid(levels: levels)
        } catch { throw AppError.classify(error) }
    }

    /// A `--level` / `level` value; `all` (when allowed) is every level.
    public static func levels(_ raw: String, field: String, allowAll: Bool) throws -> [BoundaryLevel] {
        if allowAll, raw == "all" { return BoundaryLevel.allCases }
        guard let l = BoundaryLevel(rawValue: raw) else {
            let choices = allowAll ? "province, amphoe, tambon หรือ all" : "province, amphoe หรือ tambon"
            let choicesEN = allowAll ? "province, amphoe, tambon or all" : "province, amphoe or tambon"
            throw AppError(.badInput, Message(th: "\(field) ต้องเป็น \(choices) (ได้ '\(raw)')", en: "\(field) must be \(choicesEN) (got '\(raw)')"),
                           field: field)
        }
        return [l]
    }

    private func requireAdmin() throws {
        guard context.actor.role == .local || context.actor.role == .admin else {
            throw AppError(.forbidden, Message(th: "บัญชี \(context.actor.name) ไม่มีสิทธิ์แก้ขอบเขตการปกครอง (เฉพาะผู้ดูแลระบบ)",
                                               en: "account \(context.actor.name) may not change boundaries (admins only)"))
        }
    }
}
