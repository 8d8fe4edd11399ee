import EPlanDomain
import Foundation

/// `pins import`: read every field file, match each item to its project, check it exactly
/// as `pin` does (validity, kind of work, jurisdiction with tolerance) with one validator,
/// so each LAO's jurisdiction is prepared once, and store the good ones in ONE transaction.
///
/// All or nothing: one bad or refused item stores nothing, unless `skipBad`, which stores
/// the good ones and lists the rest (also in the rejects file). A refused (outside) item is
/// never stored: there is no force here; pin it on its own with `pin --force` for review.
public struct ImportPins {
    let store: any EPlanStoring
    let context: RequestContext

    public init(store: any EPlanStoring, context: RequestContext) { self.store = store; self.context = context }

    /// From this many items on, the validator loads every boundary into bulk indexes first
    /// (a second or so for the national layers; a handful of items is quicker one by one).
    var bulkFrom = 2_000

    public func run(_ request: ImportPinsRequest) throws -> ImportPinsResult {
        let collector = ImportPinsCollector()
        _ = try run(request, report: collector)
        guard let result = collector.result else { throw AppError(.output, Message(th: "ไม่มีรายงานการนำเข้า", en: "the import made no report")) }
        return result
    }

    /// The import with its report streamed to `report`, each item as it is decided (memory
    /// does not grow with the report); returns the totals also given to `report.finish`.
    public func run(_ request: ImportPinsRequest, report: any ImportPinsReport) throws -> ImportPinsSummary {
        do { return try importPins(request, report) } catch { throw AppError.classify(error) }
    }

    /// Raised inside the pin batch to undo it: an all-or-nothing import met a bad item.
    private struct HeldBack: Error { let summary: ImportPinsSummary }

    private func importPins(_ r: ImportPinsRequest, _ report: any ImportPinsReport) throws -> ImportPinsSummary {
        guard !r.files.isEmpty else {
            throw AppError(.badInput, Message(th: "ไม่ได้ระบุไฟล์ที่จะนำเข้า", en: "no file to import was given"), field: "FILE")
        }
        let files = r.files.map { file in Result { try FieldFile.read(file, parser: r.parser) } }
        // Thousands of items: projects found from one query, and where each item lies from
        // indexes built once, instead of queries per item.
        let bulk = files.reduce(0, { $0 + ((try? $1.get())?.count ?? 0) }) >= bulkFrom
        let proj = LazyPROJ()
        let checker = Checker(store: store, actor: context.actor, byName: r.match == .name,
                              validator: PinValidator(store: store, geos: GEOSContext(), proj: proj.context),
                              input: PinInput(parser: r.parser, proj: proj.context),
                              matcher: try ProjectMatcher(store: store, match: r.match, bulk: bulk),
                              toleranceM: try r.toleranceM ?? store.pinToleranceM())
        if bulk { try checker.validator.prepareForBulk() }
        let rejects = try r.rejectsPath.map { try RejectsWriter($0) }
        var summary: ImportPinsSummary
        if r.dryRun {
            summary = try checkAll(r, files, checker, report, rejects, storing: false) { $0 }
        } else {
            // Each good pin is stored as soon as it is checked, in ONE transaction that a bad
            // item (all or nothing) undoes at the end.
            do {
                let projects = bulk ? checker.matcher.projectCodes(files) : nil
                summary = try store.withPinBatch(projects: projects) { add in
                    let s = try checkAll(r, files, checker, report, rejects, storing: true, add: add)
                    if s.heldBack { throw HeldBack(summary: s) }
                    return s
                }
            } catch let h as HeldBack { summary = h.summary; summary.stored = 0 }
        }
        try rejects?.commit()
        try report.finish(summary)
        return summary
    }

    /// Checks every item in order, storing the good ones through `add` (unless a dry run)
    /// until an all-or-nothing import meets a bad one, and hands each to the report.
    private func checkAll(_ r: ImportPinsRequest, _ files: [Result<[FieldItem], any Error>], _ checker: Checker,
                          _ report: any ImportPinsReport, _ rejects: RejectsWriter?, storing: Bool,
                          add: (PinRecord) throws -> PinRecord) throws -> ImportPinsSummary {
        var summary = ImportPinsSummary(dryRun: r.dryRun, skipBad: r.skipBad)
        for (file, read) in zip(r.files, files) {
            switch read {
            case .success(let read):
                for item in read {
                    let (pin, record) = try checker.check(item)
                    try emit(pin, storing ? record : nil, &summary, report, rejects, add)
                }
            case .failure(let e as UserFacingError):
                try emit(ImportedPin(file: file, place: "", line: nil, key: nil, project: nil, verdict: .bad,
                                     reason: e.message, messages: [e.message], geometryType: nil, stored: nil),
                         nil, &summary, report, rejects, add)
            case .failure(let e): throw e
            }
        }
        return summary
    }

    /// One decided item: counted, stored (while nothing holds the import back), listed.
    private func emit(_ pin: ImportedPin, _ record: PinRecord?, _ summary: inout ImportPinsSummary, _ report: any ImportPinsReport,
                      _ rejects: RejectsWriter?, _ add: (PinRecord) throws -> PinRecord) throws {
        var pin = pin
        summary.count(pin.verdict)
        if let record, !summary.heldBack {
            pin.stored = try add(record)
            summary.stored += 1
        }
        if pin.isRejected { try rejects?.add(pin) }
        try report.add(pin)
    }
}

/// The items not stored, as CSV (file, place, line, key, verdict, reason in Thai and
/// English), written as they are found to a temporary file renamed over the target at the end.
final class RejectsWriter {
    private let out: ExportOutput

    init(_ path: String) throws {
        do { out = try ExportOutput.atomicFile(path) } catch let e as UserFacingError {
            throw AppError(.output, e.message, field: "--rejects", underlying: e)
        }
        line(["file", "place", "line", "key", "verdict", "reason_th", "reason_en"])
    }

    private func line(_ fields: [String]) {
        out.writer.utf8(CSVTable.line(fields))
        out.writer.byte(0x0A)
    }

    func add(_ i: ImportedPin) throws {
        line([i.file, i.place, i.line.map(String.init) ?? "", i.key ?? "", i.verdict.rawValue, i.reason.th, i.reason.en])
        if out.writer.count >= ExportOutput.chunkSize { try failing { try out.flush() } }
    }

    func commit() throws { try failing { try out.commit() } }

    private func failing(_ body: () throws -> Void) throws {
        do { try body() } catch let e as UserFacingError {
            out.discard()
            throw AppError(.output, e.message, field: "--rejects", underlying: e)
        }
    }
}

/// Checks one item at a time with shared state (prepared jurisdictions, the name index).
private struct Checker {
    let store: any EPlanStoring
    let actor: Actor
    let byName: Bool
    let validator: PinValidator
    let input: PinInput
    let matcher: ProjectMatcher
    let toleranceM: Double

    func check(_ item: FieldItem) throws -> (ImportedPin, PinRecord?) {
        let key = item.key(byName: byName)
        func bad(_ m: Message, _ project: ProjectRef? = nil) -> (ImportedPin, PinRecord?) {
            (ImportedPin(file: item.file, place: item.place, line: item.line, key: key, project: project, verdict: .bad,
                         reason: m, messages: [m], geometryType: nil, stored: nil), nil)
        }
        if let p = item.problem { return bad(p) }
        guard let key else {
            return bad(Message(th: "\(item.place) ไม่มี\(byName ? "ชื่อ" : "รหัส")โครงการ (\(byName ? "name" : "code/name")) ให้จับคู่",
                               en: "\(item.place) has no project \(byName ? "name" : "code") to match"))
        }
        let project: ProjectRef
        switch try matcher.find(key) {
        case .failure(let m): return bad(m)
        case .success(let p): project = p
        }
        if let refusal = try forbidden(project) { return bad(refusal, project) }
        do {
            let candidate = try input.candidate(for: item, key: key)
            let v = try validator.validate(candidate, project: project, toleranceM: toleranceM)
            let verdict: ImportedPin.Verdict = v.outcome == .accepted ? .accepted : v.outcome == .warning ? .warning : .refused
            let pin = ImportedPin(file: item.file, place: item.place, line: item.line, key: key, project: project, verdict: verdict,
                                  reason: Self.reason(v), messages: v.messages, geometryType: candidate.geometry.type, stored: nil)
            return (pin, v.isRefused ? nil : v.record(for: candidate, project: project, by: actor.name))
        } catch let e as UserFacingError {
            return bad(e.message, project)
        }
    }

    /// The verdict's headline with its warnings and "did you mean …?" on one line.
    static func reason(_ v: PinVerdict) -> Message {
        // Most verdicts have neither: the headline as it is (no array, no joined copies).
        if v.warnings.isEmpty && v.suggestions.isEmpty { return v.summary }
        let all = [v.summary] + v.warnings + v.suggestions
        return Message(th: all.map(\.th).joined(separator: " — "), en: all.map(\.en).joined(separator: " — "))
    }

    /// An LAO account pins only its own LAO's projects (the command line may pin any).
    private func forbidden(_ ref: ProjectRef) throws -> Message? {
        if actor.role == .local { return nil }
        let province = try store.lao(code: ref.laoCode)?.provinceCode
        if actor.mayPin(laoCode: ref.laoCode, provinceCode: province, force: false) { return nil }
        return Message(th: "บัญชี \(actor.name) ไม่มีสิทธิ์ปักหมุดโครงการของ อปท. \(ref.laoCode)",
                       en: "account \(actor.name) may not pin projects of LAO \(ref.laoCode)")
    }
}

/// Finds an item's project by code, or by Thai name (normalised, white space folded),
/// never guessing between two projects of one name.
struct ProjectMatcher {
    let store: any EPlanStoring
    let match: ImportPinsRequest.Match
    enum Found { case success(ProjectRef), failure(Message) }
    private var byName: [String: [ProjectRef]] = [:]
    /// Every project by code, for a bulk import (one query rather than one per item).
    private var byCode: [String: ProjectRef]?

    /// - Parameter bulk: load every project at once (worth it for thousands of items).
    init(store: any EPlanStoring, match: ImportPinsRequest.Match, bulk: Bool = false) throws {
        self.store = store; self.match = match
        if match == .code {
            if bulk { byCode = Dictionary(try store.allProjectRefs().map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a }) }
            return
        }
        for p in try store.allProjectRefs() { byName[Self.nameKey(p.nameTH), default: []].append(p) }
    }

    static func nameKey(_ s: String) -> String { ThaiText.normalized(CoordinateParser.visible(s)).lowercased() }

    static func code(of key: String) -> String { ThaiText.asciiDigits(Trim.spacesAndNewlines(key)) }

    /// The codes of the projects the files' items name, as far as the loaded indexes find
    /// them (bulk: a hint to the store, which reads their pin versions at once).
    func projectCodes(_ files: [Result<[FieldItem], any Error>]) -> Set<String> {
        var out = Set<String>()
        for case .success(let items) in files {
            for item in items {
                guard let key = item.key(byName: match == .name) else { continue }
                if match == .code {
                    if let p = byCode?[Self.code(of: key)] { out.insert(p.code) }
                } else if let found = byName[Self.nameKey(key)], found.count == 1 {
                    out.insert(found[0].code)
                }
            }
        }
        return out
    }

    func find(_ key: String) throws -> Found {
        if match == .code {
            let code = Self.code(of: key)
            let found: ProjectRef?
            if let byCode { found = byCode[code] } else { found = try store.projectRef(code: code) }
            if let p = found { return .success(p) }
            return .failure(PinValidator.unknownProject(code).message)
        }
        let found = byName[Self.nameKey(key)] ?? []
        switch found.count {
        case 1: return .success(found[0])
        case 0:
            return .failure(Message(th: "ไม่พบโครงการชื่อ '\(key)' ในฐานข้อมูล", en: "no project named '\(key)' in the store"))
        default:
            let codes = found.prefix(5).map(\.code).joined(separator: ", ") + (found.count > 5 ? ", …" : "")
            return .failure(Message(th: "ชื่อ '\(key)' ตรงกับ \(found.count) โครงการ (\(codes)) จึงไม่เลือกให้ — ใช้รหัสโครงการ (--match code)",
                                    en: "the name '\(key)' matches \(found.count) projects (\(codes)), so none is chosen — use the project code (--match code)"))
        }
    }
}
