import EPlanDomain

/// `projects import`: a development-plan CSV, all or nothing (or the good lines only with
/// `skipBad`, the bad ones to a rejects file). Planning staff of the file's LAOs only.
public struct ImportProjects {
    public struct Request: Sendable {
        public var path: String
        public var skipBad: Bool
        public var rejectsPath: String?
        public var replace: Bool
        public init(path: String, skipBad: Bool = false, rejectsPath: String? = nil, replace: Bool = false) {
            self.path = path; self.skipBad = skipBad; self.rejectsPath = rejectsPath; self.replace = replace
        }
    }
    let store: any EPlanStoring
    let context: RequestContext
    public init(store: any EPlanStoring, context: RequestContext) { self.store = store; self.context = context }

    public func run(_ request: Request) throws -> ProjectImportReport {
        do {
            try authorize(request.path)
            return try ProjectImporter(store: store).importFile(path: request.path, skipBad: request.skipBad,
                                                              rejectsPath: request.rejectsPath, replace: request.replace,
                                                              by: context.actor.name)
        } catch { throw AppError.classify(error) }
    }
}

extension ImportProjects {
    /// A planner may import only projects of their own LAO: every row's LAO is checked
    /// before anything is written (the importer reads the file again; it is small).
    func authorize(_ path: String) throws {
        if context.actor.role == .local { return }
        try context.actor.require(.editPlans)
        let table = try CSVTable.read(path: path)
        guard let column = try ProjectImporter.mapHeader(table.header, path: path).firstIndex(of: .laoCode) else { return }
        for row in table.nonBlankRows where column < row.fields.count {
            try context.actor.require(.editPlans, laoCode: ThaiText.asciiDigits(row.fields[column].trimmingCharacters(in: .whitespaces)))
        }
    }
}

/// `projects update`: stage dates, contract, disbursement and progress of one project,
/// each change logged with who made it.
public struct UpdateProjectStages {
    public struct Result: Sendable {
        public let code: String
        public let log: [ProjectStageLogEntry]
        public let warnings: [Message]
    }
    let store: any EPlanStoring
    let context: RequestContext
    public init(store: any EPlanStoring, context: RequestContext) { self.store = store; self.context = context }

    public func run(code raw: String, _ input: ProjectStageInput) throws -> Result {
        do {
            guard !input.isEmpty else {
                throw AppError(.badInput, Message(
                    th: "ไม่มีอะไรให้ปรับ: ระบุ --plan-approved, --budget-approved, --contract-signed, --contract-amount, --disbursed, --progress หรือ --completed",
                    en: "nothing to update: give --plan-approved, --budget-approved, --contract-signed, --contract-amount, --disbursed, --progress or --completed"))
            }
            let code = ThaiText.asciiDigits(raw.trimmingCharacters(in: .whitespaces))
            if context.actor.role != .local {
                guard let p = try store.project(code: code) else { throw AppError.unknownProject(code) }
                try context.actor.require(.editStages, laoCode: p.laoCode)
            }
            let (log, warnings) = try ProjectStageUpdate.apply(input, to: code, store: store, by: context.actor.name)
            return Result(code: code, log: log, warnings: warnings)
        } catch { throw AppError.classify(error) }
    }
}

/// `plans add` and `plans list`: an LAO's development plans (BE year ranges).
public struct DevelopmentPlans {
    let store: any EPlanStoring
    let context: RequestContext
    public init(store: any EPlanStoring, context: RequestContext) { self.store = store; self.context = context }

    public func add(laoCode raw: String, years: ClosedRange<Int>, approvedOn: CalendarDate?) throws -> DevPlan {
        do {
            let lao = ThaiText.asciiDigits(raw.trimmingCharacters(in: .whitespaces))
            try context.actor.require(.editPlans, laoCode: lao)
            return try store.addDevPlan(laoCode: lao, firstYear: years.lowerBound, lastYear: years.upperBound, approvedOn: approvedOn?.iso)
        } catch { throw AppError.classify(error) }
    }

    public func list(laoCode: String?) throws -> [DevPlan] {
        do { return try store.devPlans(laoCode: laoCode.map(ThaiText.asciiDigits)) } catch { throw AppError.classify(error) }
    }
}

/// `settings get|set`: the store's settings (today `pin.tolerance_m`).
public struct StoreSettings {
    public static let known = [Store.pinToleranceKey]
    let store: any EPlanStoring
    public init(store: any EPlanStoring) { self.store = store }

    /// Every known setting with its value, and whether that is the default.
    public func all() throws -> [(key: String, value: String, isDefault: Bool)] {
        do {
            return try Self.known.map { key in
                let stored = try store.setting(key)
                return (key, stored ?? JSONText.number(Store.defaultPinToleranceM, decimals: 3), stored == nil)
            }
        } catch { throw AppError.classify(error) }
    }

    public func get(_ key: String) throws -> String {
        do {
            try Self.check(key)
            return key == Store.pinToleranceKey ? JSONText.number(try store.pinToleranceM(), decimals: 3) : try store.setting(key) ?? ""
        } catch { throw AppError.classify(error) }
    }

    /// Stores the value in its canonical form and returns it.
    public func set(_ key: String, _ raw: String) throws -> String {
        do {
            try Self.check(key)
            var value = raw
            if key == Store.pinToleranceKey { value = JSONText.number(try ToleranceMetres.parse(raw, field: key), decimals: 3) }
            try store.setSetting(key, value)
            return value
        } catch { throw AppError.classify(error) }
    }

    static func check(_ key: String) throws {
        guard known.contains(key) else {
            throw AppError(.badInput, Message(th: "ไม่รู้จักค่าตั้ง '\(key)': ใช้ได้ \(known.joined(separator: ", "))",
                                              en: "unknown setting '\(key)': known settings are \(known.joined(separator: ", "))"), field: "key")
        }
    }
}
