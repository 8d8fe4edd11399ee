import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a whole text file (reports, audits, templates) the way exports are written:
/// through `ExportOutput`, the one owner of the temporary-file-then-rename logic — a
/// temporary file beside the target, fsynced, renamed over it — so a failure leaves no
/// partial file and an existing file as it was.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        let out = try ExportOutput.atomicFile(path)
        do {
            out.writer.append(Array(text.utf8))
            try out.commit()
        } catch {
            out.discard()
            throw error
        }
    }

    /// The file `path` finally names, following symbolic links (also one whose target does
    /// not exist yet), so a rename replaces the target and not the link. Nil for a loop.
    public static func resolvingLinks(_ path: String) -> String? {
        var current = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(current, &st) == 0, st.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = buffer.withUnsafeMutableBufferPointer { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { readlink(current, $0, b.count - 1) }
            }
            guard n > 0 else { return current }
            let link = String(decoding: buffer[0..<n], as: UTF8.self)
            let dir = (current as NSString).deletingLastPathComponent
            current = link.hasPrefix("/") || dir.isEmpty ? link : (dir as NSString).appendingPathComponent(link)
        }
        return nil
    }

    /// What a non-regular file at `path` is (directory, device, FIFO, socket), nil for a
    /// regular file or nothing: only a regular file may be replaced by a rename.
    public static func specialKind(_ path: String) -> Message? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return Message(th: "เป็นโฟลเดอร์", en: "it is a directory")
        case S_IFIFO: return Message(th: "เป็นไปป์ (FIFO) ไม่ใช่ไฟล์ปกติ", en: "it is a named pipe (FIFO), not a regular file")
        case S_IFCHR, S_IFBLK: return Message(th: "เป็นอุปกรณ์ (device) ไม่ใช่ไฟล์ปกติ", en: "it is a device, not a regular file")
        default: return Message(th: "เป็นไฟล์พิเศษ ไม่ใช่ไฟล์ปกติ", en: "it is a special file, not a regular file")
        }
    }
}
