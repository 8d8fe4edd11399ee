import EPlanDomain

/// `projects list`: the projects a query selects, by LAO, plan year and code, within what
/// the actor may read (see `Actor.limit`).
public struct ListProjects {
    let store: any EPlanStoring
    let context: RequestContext?
    public init(store: any EPlanStoring, context: RequestContext? = nil) { self.store = store; self.context = context }

    public func run(_ query: ProjectQuery) throws -> [ProjectRecord] {
        do { return try store.projects(filter: try context.limited(query, in: store)) } catch { throw AppError.classify(error) }
    }
}

/// `projects show`: one project, its LAO and its stage log.
public struct ShowProject {
    public struct Result: Sendable {
        public let project: ProjectRecord
        public let lao: LAORecord?
        public let log: [ProjectStageLogEntry]
    }
    let store: any EPlanStoring
    let context: RequestContext?
    public init(store: any EPlanStoring, context: RequestContext? = nil) { self.store = store; self.context = context }

    /// Unknown code: not found; a project outside the actor's LAO or province: forbidden.
    public func run(code raw: String) throws -> Result {
        do {
            let code = ThaiText.asciiDigits(raw.trimmingCharacters(in: .whitespaces))
            guard let p = try store.project(code: code) else {
                let e = ProjectStoreError(.unknownProject(code))
                throw AppError(.notFound, e.message, field: "project", underlying: e)
            }
            if let actor = context?.actor, actor.role != .local {
                let province = try store.lao(code: p.laoCode)?.provinceCode
                guard actor.mayRead(laoCode: p.laoCode, provinceCode: province) else { throw actor.readForbidden("project", p.laoCode) }
            }
            return Result(project: p, lao: try store.lao(code: p.laoCode), log: try store.stageLog(code: code))
        } catch { throw AppError.classify(error) }
    }
}

/// `pins list`: the current pins a query selects (optionally of one status), or the
/// projects it selects that have no pin yet, within what the actor may read.
public struct ListPins {
    let store: any EPlanStoring
    let context: RequestContext?
    public init(store: any EPlanStoring, context: RequestContext? = nil) { self.store = store; self.context = context }

    public func current(_ query: ProjectQuery, status: PinStatus? = nil) throws -> [PinListing] {
        do { return try store.currentPins(PinFilter(try context.limited(query, in: store), status: status)) } catch { throw AppError.classify(error) }
    }

    public func unpinned(_ query: ProjectQuery) throws -> [ProjectRef] {
        do { return try store.unpinnedProjects(PinFilter(try context.limited(query, in: store))) } catch { throw AppError.classify(error) }
    }

    /// A `--status` / `status` value.
    public static func status(_ raw: String, field: String) throws -> PinStatus {
        guard let s = PinStatus(rawValue: raw) else {
            throw AppError(.badInput, Message(th: "\(field) ต้องเป็น valid, warning หรือ outside (ได้ '\(raw)')",
                                              en: "\(field) must be valid, warning or outside (got '\(raw)')"), field: field)
        }
        return s
    }
}

extension Optional where Wrapped == RequestContext {
    /// The query checked against the store, narrowed to the actor's scope (none: the command line).
    func limited(_ query: ProjectQuery, in store: any EPlanStoring) throws -> ProjectFilter {
        var filter = try query.resolve(in: store)
        try self?.actor.limit(&filter, store: store)
        return filter
    }
}

extension Actor {
    /// Narrows a listing's filter to what this actor may read: LAO staff their LAO, the
    /// provincial office its province, admins and the file holder everything. Asking by
    /// name for another LAO or province is refused (forbidden), not answered with an empty
    /// list, so a mistyped scope is not mistaken for "nothing there".
    public func limit(_ filter: inout ProjectFilter, store: any EPlanStoring) throws {
        switch role {
        case .local, .admin: return
        case .province:
            let own = provinceCode ?? ""
            if let p = filter.provinceCode, p != own { throw readForbidden("province", "จังหวัด \(p)", "province \(p)") }
            if let l = filter.laoCode, try store.lao(code: l)?.provinceCode != own { throw readForbidden("lao", l) }
            filter.provinceCode = own
        case .engineer, .planner, .finance:
            let own = laoCode ?? ""
            if let l = filter.laoCode, l != own { throw readForbidden("lao", l) }
            if let p = filter.provinceCode, try store.lao(code: own)?.provinceCode != p {
                throw readForbidden("province", "จังหวัด \(p)", "province \(p)")
            }
            filter.laoCode = own
        }
    }

    /// "account X may not read the projects of LAO Y" (or of the place named), naming the field.
    func readForbidden(_ field: String, _ lao: String) -> AppError {
        readForbidden(field, "อปท. \(lao)", "LAO \(lao)")
    }

    func readForbidden(_ field: String, _ th: String, _ en: String) -> AppError {
        AppError(.forbidden, Message(th: "บัญชี \(name) ไม่มีสิทธิ์ดูโครงการของ \(th)", en: "account \(name) may not read projects of \(en)"), field: field)
    }
}
