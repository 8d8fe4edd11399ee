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
        var removed: [String] = []
        for name in names(in: dir) {
            guard let p = pid(name), p != getpid(), !isAlive(p) else { continue }
            if unlink(dir + "/" + name) == 0 { removed.append(name) }
        }
        return removed
    }

    /// The names in `dir` (none if it cannot be read), read with readdir: every writing
    /// command lists the store's folder, and FileManager's listing cost several million
    /// instructions there (a third of a short command's own work).
    static func names(in dir: String) -> [String] {
        guard let handle = opendir(dir) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Both kinds of leftovers beside a store, from one listing of its folder.
    @discardableResult
    public static func removeLeftovers(of storePath: String) -> [String] {
        let (dir, base) = split(storePath)
        return removeDead(in: dir) { initPid(in: $0, base: base) ?? tempPid(in: $0) }
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
        return removeDead(in: dir) { initPid(in: $0, base: base) }
    }

    private static func initPid(in name: String, base: String) -> pid_t? {
        pid(in: name, prefix: base + ".init-", suffixes: ["", "-wal", "-shm", "-journal"])
    }

    /// `.<name>.PID.eplan-tmp`, temporary files of atomic writes (exports, reports, rejects)
    /// in the directory of `path`, whatever file they were for.
    @discardableResult
    public static func removeTempLeftovers(besides path: String) -> [String] {
        removeDead(in: split(path).dir) { tempPid(in: $0) }
    }

    private static func tempPid(in name: String) -> pid_t? {
        guard name.hasPrefix("."), name.hasSuffix(".eplan-tmp") else { return nil }
        let stem = name.dropLast(".eplan-tmp".count)
        guard let dot = stem.lastIndex(of: "."), dot > stem.startIndex else { return nil }
        let digits = stem[stem.index(after: dot)...]
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return pid_t(digits)
    }

    static func split(_ path: String) -> (dir: String, base: String) {
        let dir = (path as NSString).deletingLastPathComponent
        return (dir.isEmpty ? "." : dir, (path as NSString).lastPathComponent)
    }
}
