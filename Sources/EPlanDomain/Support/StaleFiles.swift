import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Temporary files a killed process (kill -9, power loss) left behind: they carry the
/// writer's process id in their name, so the next run can tell them from a live writer's.
public enum StaleFiles {
    /// True while a process with this id exists (EPERM: it exists but is someone else's).
    public static func isAlive(_ pid: pid_t) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }

    /// Removes the entries of `dir` for which `pid(name)` names a process that is gone
    /// (never our own). Returns the names removed. A directory that cannot be read is skipped:
    /// cleaning up is a courtesy, never a reason to fail.
    @discardableResult
    public static func removeDead(in dir: String, pid: (String) -> pid_t?) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        var removed: [String] = []
        for name in names {
            guard let p = pid(name), p != getpid(), !isAlive(p) else { continue }
            if unlink((dir as NSString).appendingPathComponent(name)) == 0 { removed.append(name) }
        }
        return removed
    }

    /// The process id in `name` when it is `prefix` + digits + one of `suffixes`.
    public static func pid(in name: String, prefix: String, suffixes: [String]) -> pid_t? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, suffixes.contains(String(rest.dropFirst(digits.count))) else { return nil }
        return pid_t(digits)
    }

    /// `<db>.init-PID` (with its -wal, -shm, -journal) that `eplan init` builds beside the store.
    @discardableResult
    public static func removeInitLeftovers(of storePath: String) -> [String] {
        let (dir, base) = split(storePath)
        return removeDead(in: dir) { pid(in: $0, prefix: base + ".init-", suffixes: ["", "-wal", "-shm", "-journal"]) }
    }

    /// `.<name>.PID.eplan-tmp`, temporary files of atomic writes (exports, reports, rejects)
    /// in the directory of `path`, whatever file they were for.
    @discardableResult
    public static func removeTempLeftovers(besides path: String) -> [String] {
        removeDead(in: split(path).dir) { name in
            guard name.hasPrefix("."), name.hasSuffix(".eplan-tmp") else { return nil }
            let stem = name.dropLast(".eplan-tmp".count)
            guard let dot = stem.lastIndex(of: "."), dot > stem.startIndex else { return nil }
            let digits = stem[stem.index(after: dot)...]
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return pid_t(digits)
        }
    }

    static func split(_ path: String) -> (dir: String, base: String) {
        let dir = (path as NSString).deletingLastPathComponent
        return (dir.isEmpty ? "." : dir, (path as NSString).lastPathComponent)
    }
}
