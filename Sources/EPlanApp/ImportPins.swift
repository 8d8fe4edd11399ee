import EPlanDomain
import Foundation

/// Pins in bulk from field files (GPX, KML, GeoJSON, CSV), as any front door receives them.
public struct ImportPinsRequest: Sendable {
    /// How an item finds its project.
    public enum Match: String, Sendable, CaseIterable {
        /// The item's code (GPX/KML `<name>`, a CSV `code` column, a GeoJSON `code` property).
        case code
        /// The project's Thai name, compared after Unicode normalisation and folding white space.
        case name
    }

    public var files: [String]
    public var match: Match
    /// Check only: nothing is stored.
    public var dryRun: Bool
    /// Store the good items and list the others, instead of all or nothing.
    public var skipBad: Bool
    /// Where to write the items not stored (CSV), when given.
    public var rejectsPath: String?
    /// Metres allowed outside the jurisdiction; nil takes the store's `pin.tolerance_m`.
    public var toleranceM: Double?
    /// How CSV coordinate texts are read (the CLI's --crs and --lon-first).
    public var parser: CoordinateParser

    public init(files: [String], match: Match = .code, dryRun: Bool = false, skipBad: Bool = false, rejectsPath: String? = nil,
                toleranceM: Double? = nil, parser: CoordinateParser = CoordinateParser()) {
        self.files = files; self.match = match; self.dryRun = dryRun; self.skipBad = skipBad
        self.rejectsPath = rejectsPath; self.toleranceM = toleranceM; self.parser = parser
    }
}

/// What became of one input item.
public struct ImportedPin: Sendable {
    public enum Verdict: String, Sendable {
        case accepted, warning, refused
        /// Unreadable, unmatched, ambiguous or invalid: the reason says which.
        case bad
    }

    public let file: String
    /// "wpt[3]", "Placemark[2]", "line 5", "features[0]", or "" for a file that could not be read.
    public let place: String
    public let line: Int?
    /// The code or name the item was matched by.
    public let key: String?
    public let project: ProjectRef?
    public let verdict: Verdict
    public let reason: Message
    /// Every message of the check (summary, warnings, notes, suggestions).
    public let messages: [Message]
    public let geometryType: GeometryType?
    /// The version stored; nil for a dry run or an item not stored.
    public internal(set) var stored: PinRecord?

    public var isRejected: Bool { verdict == .bad || verdict == .refused }
}

/// The totals of a pin import, known when it ends.
public struct ImportPinsSummary: Sendable, Equatable {
    public var dryRun: Bool
    public var skipBad: Bool
    public var items = 0
    public var bad = 0
    public var refused = 0
    /// Pins stored (0 for a dry run or an import held back).
    public var stored = 0
    /// Would be (or were) stored: accepted or with a warning.
    public var good: Int { items - bad - refused }
    /// Nothing stored because of the others (all or nothing, without --skip-bad).
    public var heldBack: Bool { !skipBad && (bad > 0 || refused > 0) }

    public init(dryRun: Bool, skipBad: Bool) { self.dryRun = dryRun; self.skipBad = skipBad }

    mutating func count(_ v: ImportedPin.Verdict) {
        items += 1
        if v == .bad { bad += 1 } else if v == .refused { refused += 1 }
    }
}

/// Where a pin import writes its report, item by item as each is decided (the CLI: a
/// spool behind standard output; the service and tests: `ImportPinsResult`). An item's
/// `stored` is the version it was given in the import's still open transaction: it
/// holds only when `finish` says pins were stored (an all-or-nothing import that meets a
/// bad item undoes them all).
public protocol ImportPinsReport: AnyObject {
    func add(_ item: ImportedPin) throws
    func finish(_ summary: ImportPinsSummary) throws
}

public struct ImportPinsResult: Sendable {
    public let items: [ImportedPin]
    public let dryRun: Bool
    public let skipBad: Bool
    public var storedCount: Int { items.filter { $0.stored != nil }.count }
    public var badCount: Int { items.filter { $0.verdict == .bad }.count }
    public var refusedCount: Int { items.filter { $0.verdict == .refused }.count }
    /// Would be (or were) stored: accepted or with a warning.
    public var goodCount: Int { items.count - badCount - refusedCount }
    /// Nothing stored because of the others (all or nothing, without --skip-bad).
    public var heldBack: Bool { !skipBad && (badCount > 0 || refusedCount > 0) }
}

/// Gathers the report in memory as an `ImportPinsResult` (the service's uploads are at
/// most 50 MiB; tests).
final class ImportPinsCollector: ImportPinsReport {
    private var items: [ImportedPin] = []
    private(set) var result: ImportPinsResult?

    func add(_ item: ImportedPin) throws { items.append(item) }

    func finish(_ summary: ImportPinsSummary) throws {
        if summary.stored == 0 { for i in items.indices { items[i].stored = nil } }
        result = ImportPinsResult(items: items, dryRun: summary.dryRun, skipBad: summary.skipBad)
        items = []
    }
}
