import EPlanDomain

/// `pins history`: every version of a project's pin, oldest first.
public struct PinHistoryRequest: Sendable {
    public var projectCode: String
    public init(projectCode: String) { self.projectCode = projectCode }
}

public struct PinHistoryResult: Sendable {
    public let project: ProjectRef
    public let versions: [PinRecord]
}

public struct ShowPinHistory {
    let store: any EPlanStoring
    let context: RequestContext
    public init(store: any EPlanStoring, context: RequestContext) { self.store = store; self.context = context }

    public func run(_ request: PinHistoryRequest) throws -> PinHistoryResult {
        do {
            let code = ThaiText.asciiDigits(request.projectCode.trimmingCharacters(in: .whitespaces))
            guard let ref = try store.projectRef(code: code) else { throw AppError.unknownProject(code) }
            if context.actor.role != .local {
                let province = try store.lao(code: ref.laoCode)?.provinceCode
                guard context.actor.mayRead(laoCode: ref.laoCode, provinceCode: province) else {
                    throw AppError(.forbidden, Message(th: "บัญชี \(context.actor.name) ไม่มีสิทธิ์ดูโครงการของ อปท. \(ref.laoCode)",
                                                       en: "account \(context.actor.name) may not read projects of LAO \(ref.laoCode)"))
                }
            }
            return PinHistoryResult(project: ref, versions: try store.pinHistory(projectCode: code))
        } catch { throw AppError.classify(error) }
    }
}

extension Actor {
    /// May this actor read a project of `lao` (in `province`)? LAO staff their LAO, the
    /// provincial office its province, admins and the file holder everything.
    public func mayRead(laoCode lao: String, provinceCode province: String?) -> Bool {
        switch role {
        case .local, .admin: return true
        case .engineer, .planner, .finance: return laoCode == lao
        case .province: return provinceCode != nil && provinceCode == province
        }
    }
}

extension PinRecord {
    /// One stored version as JSON (`pins history --format json`, `GET /projects/{code}/pins`).
    public func json(_ language: Language = Language.current) -> String {
        let p = self
        let fields = [
            "\"project\":\(JSONText.string(p.projectCode))",
            "\"version\":\(p.version)",
            "\"current\":\(p.isCurrent)",
            "\"pinned_at\":\(JSONText.string(p.pinnedAt))",
            "\"pinned_by\":\(JSONText.string(p.pinnedBy))",
            "\"input\":\(JSONText.string(p.rawInput))",
            "\"input_crs\":\"EPSG:\(p.inputCRS)\"",
            "\"status\":\"\(p.status.rawValue)\"",
            "\"tolerance_m\":\(JSONText.number(p.toleranceM, decimals: 2))",
            "\"distance_outside_m\":\(p.distanceOutsideM.map { JSONText.number($0, decimals: 2) } ?? "null")",
            "\"outside_fraction\":\(p.outsideFraction.map { JSONText.number($0, decimals: 6) } ?? "null")",
            "\"found_lao\":\(p.foundLAOCode.map(JSONText.string) ?? "null")",
            "\"found_tambon\":\(p.foundTambonCode.map(JSONText.string) ?? "null")",
            "\"found_amphoe\":\(p.foundAmphoeCode.map(JSONText.string) ?? "null")",
            "\"messages\":[\(p.messages.map { JSONText.string($0.text(language)) }.joined(separator: ","))]",
            "\"geometry\":\(GeoJSONGeometry.encode(p.geometry))",
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }
}
