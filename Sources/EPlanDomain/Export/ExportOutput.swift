import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where an export goes: standard output, or a file written atomically — a temporary file
/// beside it (same directory, so `rename(2)` is atomic), fsynced, then renamed over the
/// target. Until `commit` the target is untouched; `discard` (or an interrupting signal)
/// removes the temporary file, so a failed export leaves no partial file behind.
///
/// Bytes are gathered in `writer` (reused) and handed to `write(2)` in chunks of about
/// `chunkSize`: memory stays flat however many features pass through.
public final class ExportOutput {
    public static let chunkSize = 1 << 20

    /// The bytes not yet written; writers append here and flush once it holds `chunkSize`.
    public var writer: ByteWriter
    /// The file as the user named it (for messages).
    public let path: String?
    /// The file renamed over: `path` with symbolic links followed.
    private let target: String?
    public private(set) var bytesWritten = 0
    private var fd: Int32
    private let tempPath: String?
    private var finished = false

    /// Standard output (fd 1); nothing to commit but the last flush.
    public static func standardOutput() -> ExportOutput { ExportOutput(fd: 1, path: nil, tempPath: nil) }

    /// Opens a temporary file beside the file `path` names (symbolic links followed, so the
    /// link stays and its target is replaced). Throws `cannotWrite` (and leaves nothing
    /// behind) when the directory is missing or not writable, or the target is not a regular
    /// file (a directory, a device such as /dev/null, a FIFO). Temporary files of writers
    /// killed earlier (their PID is gone) are removed first.
    public static func atomicFile(_ path: String) throws -> ExportOutput {
        func refuse(_ th: String, _ en: String) -> ExportError {
            ExportError(.cannotWrite(path: path, reason: Language.current == .th ? th : en))
        }
        if path.isEmpty || path.hasSuffix("/") { throw refuse("ไม่ใช่ชื่อไฟล์", "not a file name") }
        guard let target = AtomicFile.resolvingLinks(path) else {
            throw refuse("ลิงก์สัญลักษณ์วนซ้ำ", "too many levels of symbolic links")
        }
        if let kind = AtomicFile.specialKind(target) { throw refuse(kind.th, kind.en) }
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let dirPart = (target as NSString).deletingLastPathComponent
        let dir = dirPart.isEmpty ? "." : dirPart
        guard fm.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw refuse("ไม่มีโฟลเดอร์ \(dir)", "no directory \(dir)")
        }
        // Root ignores permission bits; refuse a directory nobody may write to anyway.
        if let mode = (try? fm.attributesOfItem(atPath: dir))?[.posixPermissions] as? NSNumber,
           mode.intValue & 0o222 == 0 || !fm.isWritableFile(atPath: dir) {
            throw refuse("โฟลเดอร์ \(dir) เป็นแบบอ่านอย่างเดียว", "directory \(dir) is read-only")
        }
        StaleFiles.removeTempLeftovers(besides: target)
        let base = (target as NSString).lastPathComponent
        let temp = (dir as NSString).appendingPathComponent(".\(base).\(getpid()).eplan-tmp")
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ExportError(.cannotWrite(path: path, reason: reason))
        }
        // A replaced file keeps its permissions (the new one would otherwise get 0666 & umask).
        var st = stat()
        if stat(target, &st) == 0 { _ = fchmod(fd, st.st_mode & 0o7777) }
        let output = ExportOutput(fd: fd, path: path, target: target, tempPath: temp)
        TempFileGuard.arm(temp)
        return output
    }

    private init(fd: Int32, path: String?, target: String? = nil, tempPath: String?) {
        self.fd = fd; self.path = path; self.target = target ?? path; self.tempPath = tempPath
        writer = ByteWriter(capacity: ExportOutput.chunkSize + 256 * 1024)
    }

    deinit { discard() }

    /// The buffer lent to an exporter for a whole export (`ByteWriter` is `~Copyable`: it is
    /// borrowed in place, never copied out).
    public func withWriter<T>(_ body: (inout ByteWriter) throws -> T) rethrows -> T { try body(&writer) }

    /// Appends bytes (for small writes; the exporter appends to `writer` directly).
    public func write(_ bytes: [UInt8]) { writer.append(bytes) }

    /// Writes everything buffered (retrying short writes and EINTR), keeping the memory.
    public func flush() throws {
        try flush(&writer)
    }

    /// Writes out and empties `w`: the exporter's local copy of `writer` (copy it back after,
    /// as it may have grown).
    public func flush(_ w: inout ByteWriter) throws {
        var off = 0
        while off < w.count {
            let n = Glibc.write(fd, w.base + off, w.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {  // a non-blocking stdout: wait, don't fail
                    var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&p, 1, -1)
                    continue
                }
                throw failure(String(cString: strerror(errno)))
            }
            off += n
        }
        bytesWritten += w.count
        w.removeAll()
    }

    private func failure(_ reason: String) -> ExportError {
        ExportError(path == nil ? .stdoutFailed(reason: reason) : .writeFailed(path: path!, reason: reason))
    }

    /// Flushes and, for a file, fsyncs the temporary file: after this only the rename of
    /// `commit` is left, so a caller can make every write-time failure (a full disk) happen
    /// before it commits anything else (the store) that must agree with the file.
    public func sync() throws {
        guard !finished else { return }
        try flush()
        if tempPath != nil, fsync(fd) != 0 { throw failure(String(cString: strerror(errno))) }
    }

    /// Flushes; for a file, fsyncs, renames the temporary file over the target and syncs the directory.
    public func commit() throws {
        guard !finished else { return }
        try flush()
        guard let tempPath, let target else { finished = true; return }
        if fsync(fd) != 0 { throw failure(String(cString: strerror(errno))) }
        let rc = close(fd)
        fd = -1
        if rc != 0 { throw failure(String(cString: strerror(errno))) }
        if rename(tempPath, target) != 0 { throw failure(String(cString: strerror(errno))) }
        finished = true
        TempFileGuard.disarm()
        let dirPart = (target as NSString).deletingLastPathComponent
        let dfd = open(dirPart.isEmpty ? "." : dirPart, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    /// Drops the export: closes and removes the temporary file. Safe to call twice.
    public func discard() {
        guard !finished else { return }
        finished = true
        writer.removeAll()
        guard let tempPath else { return }
        if fd >= 0 { close(fd); fd = -1 }
        unlink(tempPath)
        TempFileGuard.disarm()
    }
}

/// Removes the temporary file when SIGINT, SIGTERM or SIGHUP ends the process mid-export.
/// The handler only calls `unlink` and `_exit`, both async-signal-safe.
enum TempFileGuard {
    // nonisolated(unsafe): set by the one exporting thread before the handler can run; the
    // handler only reads them (a C string, no Swift allocation in the signal context).
    nonisolated(unsafe) static var path: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) static var installed = false

    static func arm(_ p: String) {
        let old = path
        path = strdup(p)
        free(old)
        guard !installed else { return }
        installed = true
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in
                if let p = TempFileGuard.path { unlink(p) }
                _exit(128 + s)
            }
        }
    }

    static func disarm() {
        let old = path
        path = nil
        free(old)
    }
}
