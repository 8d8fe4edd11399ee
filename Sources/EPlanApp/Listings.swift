import EPlanDomain

/// `projects list`: the projects a query selects, by LAO, plan year and code.
public struct ListProjects {
    let store: any EPlanStoring
    public init(store: any EPlanStoring) { self.store = store }

    public func run(_ query: ProjectQuery) throws -> [ProjectRecord] {
        do { return try store.projects(filter: try query.resolve(in: store)) } catch { throw AppError.classify(error) }
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
    public init(store: any EPlanStoring) { self.store = store }

    public func run(code raw: String) throws -> Result {
        do {
            let code = ThaiText.asciiDigits(raw.trimmingCharacters(in: .whitespaces))
            guard let p = try store.project(code: code) else { throw ProjectStoreError(.unknownProject(code)) }
            return Result(project: p, lao: try store.lao(code: p.laoCode), log: try store.stageLog(code: code))
        } catch { throw AppError.classify(error) }
    }
}

/// `pins list`: the current pins a query selects (optionally of one status), or the
/// projects it selects that have no pin yet.
public struct ListPins {
    let store: any EPlanStoring
    public init(store: any EPlanStoring) { self.store = store }

    public func current(_ query: ProjectQuery, status: PinStatus? = nil) throws -> [PinListing] {
        do { return try store.currentPins(PinFilter(try query.resolve(in: store), status: status)) } catch { throw AppError.classify(error) }
    }

    public func unpinned(_ query: ProjectQuery) throws -> [ProjectRef] {
        do { return try store.unpinnedProjects(PinFilter(try query.resolve(in: store))) } catch { throw AppError.classify(error) }
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
