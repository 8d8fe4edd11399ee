import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reading an input file the user named. A folder, a device or a FIFO is refused by what it
/// is (reading /dev/null as root would say "permission", a FIFO would wait forever, a folder
/// gave "NSCocoaErrorDomain error 256"), and other failures say why in the OS's words.
public enum RegularFile {
    public static func read(_ path: String) throws -> Data {
        try check(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            let why = access(path, R_OK) != 0 ? String(cString: strerror(errno)) : "read failed"
            throw FileError.unreadable(path: path, detail: why)
        }
        return data
    }

    /// Throws unless `path` names an existing regular file (nothing is opened or read).
    public static func check(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw FileError.unreadable(path: path, detail: String(cString: strerror(errno)))
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR:
            throw FileError.notAFile(path: path, what: Message(th: "เป็นโฟลเดอร์", en: "is a folder"))
        default:
            throw FileError.notAFile(path: path, what: Message(th: "ไม่ใช่ไฟล์ธรรมดา (เป็นอุปกรณ์ ท่อ หรือซ็อกเก็ต)",
                                                               en: "is not a regular file (a device, pipe or socket)"))
        }
    }
}
