import EPlanDomain

/// The map page's data: one LAO's jurisdiction and tambons (the base map: the service is
/// offline, so boundaries are the map), its projects with their current pins, stages and
/// budget attributes, and the LAOs the account may switch to. LAO staff see their own
/// LAO only; the provincial office any LAO of its province; admins and the file's holder any.
public struct MapViewRequest: Sendable {
    /// The LAO asked for (`?lao=`); nil means the account's own, or the first it may see.
    public var laoCode: String?
    public init(laoCode: String? = nil) { self.laoCode = laoCode }
}

public struct MapViewResult: Sendable {
    public let lao: LAORecord
    public let tambons: [BoundaryRecord]
    public let projects: [ProjectRecord]
    /// Current pins by project code; a project without one is unpinned.
    public let pins: [String: PinRecord]
    /// The LAOs the account may look at instead (same province), by code.
    public let choices: [LAORecord]
    /// Whether this account may store pins here (engineers of the LAO, the provincial office).
    public let mayPin: Bool
}

public struct MapView {
    let store: any EPlanStoring
    let context: RequestContext
    public init(store: any EPlanStoring, context: RequestContext) { self.store = store; self.context = context }

    public func run(_ request: MapViewRequest) throws -> MapViewResult {
        do {
            let lao = try chosenLAO(request.laoCode.map { ThaiText.asciiDigits($0.trimmingCharacters(in: .whitespaces)) })
            let tambons = try lao.tambons.compactMap { try store.boundary(level: .tambon, code: $0.code) }
            let filter = ProjectFilter(laoCode: lao.code)
            let projects = try store.projects(filter: filter)
            var pins: [String: PinRecord] = [:]
            for listing in try store.currentPins(PinFilter(filter)) { pins[listing.project.code] = listing.pin }
            let choices = try choicesList(around: lao)
            let mayPin = context.actor.mayPin(laoCode: lao.code, provinceCode: lao.provinceCode, force: false)
            return MapViewResult(lao: lao, tambons: tambons, projects: projects, pins: pins, choices: choices, mayPin: mayPin)
        } catch { throw AppError.classify(error) }
    }

    /// The LAO asked for, checked against the account's scope; without one, the account's own.
    private func chosenLAO(_ asked: String?) throws -> LAORecord {
        let actor = context.actor
        let code: String?
        switch actor.role {
        case .engineer, .planner, .finance:
            if let asked, asked != actor.laoCode { throw forbidden(asked) }
            code = actor.laoCode
        case .province:
            code = try asked ?? store.laos(provinceCode: actor.provinceCode ?? "", amphoeCode: nil).first?.code
        case .admin, .local:
            code = try asked ?? store.laos(provinceCode: nil, amphoeCode: nil).first?.code
        }
        guard let code, let lao = try store.lao(code: code) else {
            let shown = code ?? asked ?? ""
            throw AppError(.notFound, Message(th: "ไม่พบ อปท. รหัส '\(shown)' ในทะเบียน", en: "no LAO '\(shown)' in the registry"), field: "lao")
        }
        if actor.role == .province, lao.provinceCode != actor.provinceCode { throw forbidden(code) }
        return lao
    }

    private func choicesList(around lao: LAORecord) throws -> [LAORecord] {
        switch context.actor.role {
        case .engineer, .planner, .finance: return [lao]
        case .province, .admin, .local: return try store.laos(provinceCode: lao.provinceCode, amphoeCode: nil)
        }
    }

    private func forbidden(_ code: String) -> AppError {
        let a = context.actor
        return AppError(.forbidden, Message(th: "บัญชี \(a.name) ไม่มีสิทธิ์ดูแผนที่ของ อปท. \(code)",
                                            en: "account \(a.name) may not see the map of LAO \(code)"), field: "lao")
    }
}

extension MapViewResult {
    /// The JSON of `GET /api/v1/map`: the LAO, its jurisdiction, its tambons and its
    /// projects as GeoJSON (a project without a pin has a null geometry), the stages in
    /// order for the legend, and the LAOs to switch to.
    public func json() -> String {
        let lao = "{\"code\":\(JSONText.string(self.lao.code)),\"name_th\":\(JSONText.string(self.lao.nameTH)),"
            + "\"name_en\":\(Self.text(self.lao.nameEN)),\"province_code\":\(JSONText.string(self.lao.provinceCode)),"
            + "\"synthetic\":\(self.lao.synthetic)}"
        let jurisdiction = self.lao.jurisdiction.map { GeoJSONGeometry.encode($0, precision: 6) } ?? "null"
        let tambons = self.tambons.map { t in
            "{\"type\":\"Feature\",\"properties\":{\"code\":\(JSONText.string(t.code)),\"name_th\":\(JSONText.string(t.nameTH)),"
                + "\"name_en\":\(Self.text(t.nameEN))},\"geometry\":\(GeoJSONGeometry.encode(t.geometry, precision: 6))}"
        }
        let stages = ProjectStage.allCases.map {
            "{\"code\":\"\($0.rawValue)\",\"th\":\(JSONText.string($0.labelTH)),\"en\":\(JSONText.string($0.labelEN))}"
        }
        let choices = self.choices.map { "{\"code\":\(JSONText.string($0.code)),\"name_th\":\(JSONText.string($0.nameTH))}" }
        let unpinned = projects.filter { pins[$0.code] == nil }.map { JSONText.string($0.code) }
        return "{\"lao\":\(lao),\"may_pin\":\(mayPin),\"jurisdiction\":\(jurisdiction),"
            + "\"tambons\":{\"type\":\"FeatureCollection\",\"features\":[\(tambons.joined(separator: ","))]},"
            + "\"projects\":{\"type\":\"FeatureCollection\",\"features\":[\(projects.map(feature).joined(separator: ","))]},"
            + "\"unpinned\":[\(unpinned.joined(separator: ","))],"
            + "\"stages\":[\(stages.joined(separator: ","))],\"laos\":[\(choices.joined(separator: ","))]}"
    }

    /// One project: the export's budget attributes and its pin's status.
    private func feature(_ p: ProjectRecord) -> String {
        let pin = pins[p.code]
        let props = [
            "\"code\":\(JSONText.string(p.code))", "\"name_th\":\(JSONText.string(p.nameTH))",
            "\"kind\":\"\(p.kind.rawValue)\"", "\"kind_th\":\(JSONText.string(p.kind.labelTH))",
            "\"plan_year\":\(p.planYear)", "\"stage\":\"\(p.stage.rawValue)\"",
            "\"budget\":\(Self.number(p.budget))", "\"funding\":\(Self.text(p.funding?.rawValue))",
            "\"funding_th\":\(Self.text(p.funding?.labelTH))",
            "\"contract_amount\":\(Self.number(p.contractAmount))", "\"disbursed_amount\":\(Self.number(p.disbursedAmount))",
            "\"progress\":\(Self.number(p.progress))", "\"completed_on\":\(Self.text(p.completedOn))",
            "\"pin_status\":\(Self.text(pin?.status.rawValue))", "\"pin_version\":\(pin.map { String($0.version) } ?? "null")",
            "\"pinned_at\":\(Self.text(pin?.pinnedAt))", "\"pinned_by\":\(Self.text(pin?.pinnedBy))",
        ]
        let geometry = pin.map { GeoJSONGeometry.encode($0.geometry, precision: 7) } ?? "null"
        return "{\"type\":\"Feature\",\"id\":\(JSONText.string(p.code)),\"properties\":{\(props.joined(separator: ","))},\"geometry\":\(geometry)}"
    }

    private static func text(_ s: String?) -> String { s.map(JSONText.string) ?? "null" }
    private static func number(_ v: Double?) -> String { v.map { JSONText.number($0, decimals: 2) } ?? "null" }
}
