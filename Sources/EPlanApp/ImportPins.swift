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
