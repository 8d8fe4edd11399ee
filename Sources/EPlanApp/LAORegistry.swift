import EPlanDomain

/// `laos import|list|show|set`: the registry of LAOs, their jurisdictions and the facts the
/// status report reads. Changing the registry is for the file's holder and admins.
public struct LAORegistry {
    let store: any EPlanStoring
    let context: RequestContext
    public init(store: any EPlanStoring, context: RequestContext) { self.store = store; self.context = context }

    /// A registry CSV (jurisdictions from the store's tambons, `areasPath` for partial ones)
    /// or a GeoJSON of LAO polygons; all or nothing.
    public func importFile(_ path: String, areasPath: String? = nil, replace: Bool = false) throws -> LAORegistryReport {
        do {
            try requireAdmin()
            return try LAORegistryImporter(store: store, geos: GEOSContext()).importFile(path: path, areasPath: areasPath, replace: replace)
        } catch { throw AppError.classify(error) }
    }

    public func list(provinceCode: String? = nil, amphoeCode: String? = nil) throws -> [LAOSummary] {
        do {
            return try LAOListing.summaries(store, provinceCode: provinceCode.map(ThaiText.asciiDigits),
                                            amphoeCode: amphoeCode.map(ThaiText.asciiDigits))
        } catch { throw AppError.classify(error) }
    }

    public func show(_ raw: String) throws -> LAOSummary {
        do {
            let code = ThaiText.asciiDigits(raw.trimmingCharacters(in: .whitespaces))
            guard let s = try LAOListing.summary(store, code: code) else {
                throw AppError(.notFound, LAOStoreError(.unknownLAO(code)).message, field: "code")
            }
            return s
        } catch { throw AppError.classify(error) }
    }

    /// Vision and strategies of one LAO (its planning staff, or the file's holder); returns the LAO as it now is.
    public func setFacts(_ raw: String, _ facts: LAOFacts) throws -> LAOSummary {
        do {
            let code = ThaiText.asciiDigits(raw.trimmingCharacters(in: .whitespaces))
            try context.actor.require(.editPlans, laoCode: code)
            try facts.apply(store: store, code: code)
            return try show(code)
        } catch { throw AppError.classify(error) }
    }

    private func requireAdmin() throws {
        guard context.actor.role == .local || context.actor.role == .admin else {
            throw AppError(.forbidden, Message(th: "บัญชี \(context.actor.name) ไม่มีสิทธิ์แก้ทะเบียน อปท. (เฉพาะผู้ดูแลระบบ)",
                                               en: "account \(context.actor.name) may not change the LAO registry (admins only)"))
        }
    }
}
