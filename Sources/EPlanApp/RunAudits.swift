import EPlanDomain

/// `audit pins` and `audit boundaries`: read-only checks for the provincial office (its own
/// province) and admins. Findings are handed out as found, so a front door can stream them.
///
/// Audits still need the SQLite `Store` (their bulk reads are not yet behind
/// `EPlanStoring`): on PostgreSQL they are refused with a clear message.
public struct RunAudits {
    let anyStore: any EPlanStoring
    let context: RequestContext
    public init(store: any EPlanStoring, context: RequestContext) { self.anyStore = store; self.context = context }

    /// Checks the options (bad input before any output), then audits the current pins of the
    /// scope, calling `emit` per finding; returns how many pins were checked.
    public func pins(_ options: PinAuditOptions, emit: (Finding) throws -> Void) throws -> Int {
        do {
            try authorize(provinceCode: options.provinceCode)
            let auditor = PinAuditor(store: anyStore)
            try auditor.check(options)
            return try auditor.audit(options, emit: emit).pinsChecked
        } catch { throw AppError.classify(error) }
    }

    /// Checks the options only: what a front door does before it opens its output.
    public func checkPins(_ options: PinAuditOptions) throws {
        do {
            try authorize(provinceCode: options.provinceCode)
            try PinAuditor(store: anyStore).check(options)
        } catch { throw AppError.classify(error) }
    }

    /// The store's boundaries (and LAO jurisdictions with `includeLAOs`).
    public func boundaries(levels: Set<BoundaryLevel>, provinceCode: String?, includeLAOs: Bool,
                           minAreaM2: Double, threads: Int) throws -> AuditReport {
        do {
            try authorize(provinceCode: provinceCode)
            return try auditor(minAreaM2, threads).audit(store: anyStore, levels: levels, provinceCode: provinceCode, includeLAOs: includeLAOs)
        } catch { throw AppError.classify(error) }
    }

    /// A boundary file before import, compared with the parent level of `store` when given.
    public static func boundaryFile(_ path: String, level: BoundaryLevel, store: (any EPlanStoring)?, minAreaM2: Double, threads: Int) throws -> AuditReport {
        do { return try auditor(minAreaM2, threads).audit(file: path, level: level, store: store) } catch { throw AppError.classify(error) }
    }

    /// `--min-area` / `min_area`: square metres, not negative.
    static func auditor(_ minAreaM2: Double, _ threads: Int) throws -> BoundaryAuditor {
        guard minAreaM2.isFinite, minAreaM2 >= 0 else {
            throw AppError(.badInput, Message(th: "--min-area ต้องเป็นจำนวนไม่ติดลบ (ได้ \(minAreaM2))",
                                              en: "--min-area must be a non-negative number (got \(minAreaM2))"), field: "--min-area")
        }
        return BoundaryAuditor(minArea: minAreaM2, threads: threads)
    }
    private func auditor(_ minAreaM2: Double, _ threads: Int) throws -> BoundaryAuditor { try Self.auditor(minAreaM2, threads) }

    private func authorize(provinceCode: String?) throws {
        let a = context.actor
        switch a.role {
        case .local, .admin: return
        case .province where a.provinceCode != nil && provinceCode == a.provinceCode: return
        default:
            throw AppError(.forbidden, Message(
                th: "บัญชี \(a.name) ไม่มีสิทธิ์ตรวจสอบ" + (a.role == .province ? " (ระบุ --province \(a.provinceCode ?? ""))" : " (เฉพาะสำนักงานจังหวัดและผู้ดูแลระบบ)"),
                en: "account \(a.name) may not run this audit" + (a.role == .province ? " (give province \(a.provinceCode ?? ""))" : " (provincial office and admins only)")))
        }
    }
}
