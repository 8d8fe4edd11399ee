import Foundation
import Synchronization

/// The service's group read on PostgreSQL: every served pin starts by reading its project's
/// row (`projectRef`, with its LAO's row version, the pin tolerance and the boundary
/// generation). With 64 clients those were 64 statements in flight, each a wake-up of a
/// backend and of a waiting thread for one indexed row; `pg_stat_statements` put the reading
/// backends at ~0.3 ms of CPU a pin, most of the database's share. Here the reads that arrive
/// while one is running wait for it, then go together as ONE statement (`code = ANY(…)`),
/// run by the first of them on its own connection: the group commit's pattern, for reads.
///
/// Each caller's statement starts after the caller asked (a batch is taken only by a read that
/// starts once its callers are queued), so a caller sees every commit it saw before, as its
/// own statement would. Callers inside a transaction read alone: they must see their own
/// uncommitted rows.
final class ProjectRefReads: @unchecked Sendable {
    /// One group per database (location), for every connection of the process.
    static func group(for location: PostgresLocation) -> ProjectRefReads {
        groups.withLock { groups in
            if let g = groups[location.display] { return g }
            let g = ProjectRefReads()
            groups[location.display] = g
            return g
        }
    }
    private static let groups = Mutex<[String: ProjectRefReads]>([:])

    /// What one read found: the project's row and what came with it, or nothing (no such
    /// project); `.alone` when the group's statement failed: the caller then reads on its
    /// own connection, so one broken connection fails only its own request.
    enum Outcome {
        case found(PGRow)
        case none
        case alone
    }

    private final class Request {
        let code: String
        var outcome: Outcome?
        init(_ code: String) { self.code = code }
    }

    /// Guards everything below; waiting callers wait on it.
    private let condition = NSCondition()
    private var queued: [Request] = []
    private var running = false

    /// Reads waiting for the running statement to end (tests watch a group fill).
    var queuedCount: Int { condition.lock(); defer { condition.unlock() }; return queued.count }

    /// The row of project `code`, read in one statement with the other reads waiting now.
    /// `read` runs a group's statement for the given codes on the caller's connection and
    /// returns the rows found, each with its code first.
    func read(_ code: String, with read: ([String]) throws -> [PGRow]) throws -> Outcome {
        let request = Request(code)
        condition.lock()
        queued.append(request)
        while true {
            if let outcome = request.outcome {
                condition.unlock()
                return outcome
            }
            if running {
                condition.wait()
                continue
            }
            // No statement running: this caller runs one for everything queued (its own read included).
            running = true
            let batch = queued
            queued.removeAll(keepingCapacity: true)
            condition.unlock()
            var found: [String: PGRow]? = nil
            var failure: Error? = nil
            do { found = Self.byCode(try read(Array(Set(batch.map(\.code))))) } catch { failure = error }
            condition.lock()
            for r in batch {
                if let found { r.outcome = found[r.code].map(Outcome.found) ?? Outcome.none } else { r.outcome = .alone }
            }
            running = false
            condition.broadcast()
            if let failure {
                condition.unlock()
                throw failure
            }
        }
    }
}

extension ProjectRefReads {
    /// A group's rows by their first column, the project's code.
    static func byCode(_ rows: [PGRow]) -> [String: PGRow] {
        var out: [String: PGRow] = [:]
        for row in rows { if let code = row.string(0) { out[code] = row } }
        return out
    }
}

extension PGConnection {
    /// `codes` as one PostgreSQL array literal of quoted elements (`{"a","b"}`, with `\` and
    /// `"` escaped): a text parameter that `?::text[]` reads back as exactly these strings.
    static func textArrayLiteral(_ codes: [String]) -> String {
        var out = "{"
        for (i, code) in codes.enumerated() {
            if i > 0 { out += "," }
            out += "\""
            for ch in code.unicodeScalars {
                if ch == "\\" || ch == "\"" { out += "\\" }
                out.unicodeScalars.append(ch)
            }
            out += "\""
        }
        return out + "}"
    }
}
