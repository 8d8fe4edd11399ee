import EPlanDomain

/// `projects import`: a development-plan CSV, all or nothing (or the good lines only with
/// `skipBad`, the bad ones to a rejects file). Planning staff of the file's LAOs only; admins any.
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
        // The file holder and the administrators import for any LAO.
        if context.actor.role == .local || context.actor.role == .admin { return }
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
                try authorize(input, laoCode: p.laoCode)
            }
            let (log, warnings) = try ProjectStageUpdate.apply(input, to: code, store: store, by: context.actor.name)
            return Result(code: code, log: log, warnings: warnings)
        } catch let e as ProjectStageInputError {
            throw AppError(.badInput, e.message, field: e.options.first.flatMap(Self.key(option:)), underlying: e)
        } catch { throw AppError.classify(error) }
    }

    /// Every field given needs its right: finance's fields for the finance staff, the
    /// others for planning staff, both of the project's own LAO. The first field refused
    /// is named; nothing is written.
    private func authorize(_ input: ProjectStageInput, laoCode: String) throws {
        for field in Self.fields where input[keyPath: field.path] != nil {
            do { try context.actor.require(field.finance ? .editFinance : .editStages, laoCode: laoCode) } catch let e as AppError {
                throw AppError(.forbidden, Message(th: e.message.th + " (ช่อง \(field.key))", en: e.message.en + " (field \(field.key))"), field: field.key)
            }
        }
    }

    /// One field of `projects update`: its key (the service's JSON member), its option, and
    /// whose it is.
    public struct Field: Sendable {
        public let key: String
        public let option: String
        /// Budget approval, contract and disbursement: the finance staff's.
        public let finance: Bool
        public let path: WritableKeyPath<ProjectStageInput, String?> & Sendable
    }

    public static var fields: [Field] {
        [Field(key: "plan_approved", option: "--plan-approved", finance: false, path: \.planApproved),
         Field(key: "budget_approved", option: "--budget-approved", finance: true, path: \.budgetApproved),
         Field(key: "contract_signed", option: "--contract-signed", finance: true, path: \.contractSigned),
         Field(key: "contract_amount", option: "--contract-amount", finance: true, path: \.contractAmount),
         Field(key: "disbursed", option: "--disbursed", finance: true, path: \.disbursed),
         Field(key: "disbursed_on", option: "--disbursed-on", finance: true, path: \.disbursedOn),
         Field(key: "progress", option: "--progress", finance: false, path: \.progress),
         Field(key: "completed", option: "--completed", finance: false, path: \.completed)]
    }

    static func key(option: String) -> String? { fields.first { $0.option == option }?.key }
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
