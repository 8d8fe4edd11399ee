import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A GeoJSON FeatureCollection read one feature at a time.
///
/// Reading a whole boundary file as Foundation objects costs about 24× the file in memory
/// (a 47 MB file peaked at 1.14 GB). Here the file is mapped, a byte scanner finds the
/// top-level members and the byte range of each feature (one pass, nothing parsed), and
/// `feature(_:)` parses one feature's bytes when asked. Pages already read are handed
/// back to the kernel, so memory stays near one feature plus what the caller keeps.
public final class GeoJSONFeatureStream {
    public let path: String
    /// The top-level `type` and `crs` members, decoded (the others are skipped).
    public let root: [String: Any]
    private let bytes: FileBytes
    private let ranges: [Range<Int>]

    public var count: Int { ranges.count }

    public init(path: String) throws {
        self.path = path
        try RegularFile.check(path)   // a folder or a device is said as such, before any read
        bytes = try FileBytes(path: path)
        var scanner = JSONScanner(bytes.base, bytes.count)
        let top: JSONScanner.TopLevel
        do { top = try scanner.featureCollection() } catch let e as JSONScanner.Failure {
            throw FileError.notGeoJSON(path: path, detail: e.message(in: bytes))
        }
        var root: [String: Any] = [:]
        for (name, range) in top.members {
            root[name] = try? JSONSerialization.jsonObject(with: bytes.data(range), options: [.fragmentsAllowed])
        }
        guard let type = root["type"] as? String else {
            throw FileError.notGeoJSON(path: path, detail: Message(th: "ไม่มีสมาชิก \"type\" ที่ระดับบนสุด",
                                                                    en: "no top-level \"type\" member"))
        }
        guard type == "FeatureCollection" else {
            throw FileError.notGeoJSON(path: path, detail: Message(th: "ต้องเป็น FeatureCollection แต่พบ \(type)",
                                                                    en: "expected a FeatureCollection, found \(type)"))
        }
        guard let features = top.features else {
            throw FileError.notGeoJSON(path: path, detail: Message(th: "FeatureCollection ไม่มีอาร์เรย์ \"features\"",
                                                                    en: "the FeatureCollection has no \"features\" array"))
        }
        self.root = root
        ranges = features
        // The scan touched every page; features are read in order from here, faulting
        // their pages in again and releasing them behind.
        bytes.release(upTo: bytes.count)
        bytes.rewind()
    }

    /// Feature `i` (0-based) as JSONSerialization gives it; its pages are released afterwards.
    public func feature(_ i: Int) throws -> [String: Any] {
        let range = ranges[i]
        defer { bytes.release(upTo: range.upperBound) }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: bytes.data(range)) } catch {
            let line = bytes.lineColumn(range.lowerBound).line
            throw FileError.notGeoJSON(path: path, detail: Message(
                th: "features[\(i)] (บรรทัด \(line)) ไม่ใช่ JSON ที่ถูกต้อง (\((error as NSError).localizedDescription))",
                en: "features[\(i)] (line \(line)) is not valid JSON (\((error as NSError).localizedDescription))"))
        }
        guard let feature = object as? [String: Any], feature["type"] as? String == "Feature" else {
            throw FileError.notGeoJSON(path: path, detail: Message(th: "features[\(i)] ไม่ใช่ Feature",
                                                                    en: "features[\(i)] is not a Feature"))
        }
        return feature
    }
}

/// A file's bytes: mapped when it is a regular file, else read (a pipe, /dev/stdin).
final class FileBytes {
    let base: UnsafePointer<UInt8>
    let count: Int
    private let mapped: Bool
    private var released = 0

    init(path: String) throws {
        func failure(_ code: Int32) -> FileError {
            FileError.unreadable(path: path, detail: String(cString: strerror(code)))
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw failure(errno) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw failure(EISDIR) }
        if (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0,
           let m = mmap(nil, Int(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0), m != MAP_FAILED {
            base = UnsafePointer(m.assumingMemoryBound(to: UInt8.self))
            count = Int(st.st_size)
            mapped = true
            return
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw failure(errno) }
            if n == 0 { break }
            buffer.append(contentsOf: chunk[0..<n])
        }
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(buffer.count, 1))
        p.initialize(from: buffer, count: buffer.count)
        base = UnsafePointer(p)
        count = buffer.count
        mapped = false
    }

    deinit {
        if mapped { munmap(UnsafeMutableRawPointer(mutating: base), count) } else { base.deallocate() }
    }

    /// The bytes of `range`, not copied: valid while this object lives.
    func data(_ range: Range<Int>) -> Data {
        Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base + range.lowerBound), count: range.count,
             deallocator: .none)
    }

    /// Gives the mapped pages before `offset` back to the kernel (a private read-only
    /// mapping: they are read from the file again if touched), so they leave our RSS.
    func release(upTo offset: Int) {
        guard mapped else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = offset >= count ? count : offset / page * page
        guard end > released else { return }
        let start = released / page * page
        madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, Int32(MADV_DONTNEED))
        released = end
    }

    /// Starts releasing from the beginning again (after a pass over the whole file).
    func rewind() { released = 0 }

    /// 1-based line and column of a byte offset (for messages only).
    func lineColumn(_ offset: Int) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        for i in 0..<min(offset, count) where base[i] == 0x0A { line += 1; lineStart = i + 1 }
        return (line, offset - lineStart + 1)
    }
}

/// Finds JSON structure in bytes without building values: enough to split a
/// FeatureCollection into its members and features. Each feature's own syntax is checked
/// when it is parsed.
struct JSONScanner {
    struct Failure: Error {
        let offset: Int
        let expected: Message
        func message(in bytes: FileBytes) -> Message {
            let (line, column) = bytes.lineColumn(offset)
            return Message(th: "ไม่ใช่ JSON ที่ถูกต้อง (บรรทัด \(line) คอลัมน์ \(column): ต้องเป็น\(expected.th))",
                           en: "not valid JSON (line \(line), column \(column): expected \(expected.en))")
        }
    }

    struct TopLevel {
        var members: [(String, Range<Int>)] = []
        var features: [Range<Int>]?
    }

    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0

    init(_ p: UnsafePointer<UInt8>, _ n: Int) { self.p = p; self.n = n }

    func fail(_ th: String, _ en: String) -> Failure { Failure(offset: i, expected: Message(th: th, en: en)) }

    mutating func whitespace() {
        while i < n, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i += 1 }
    }

    mutating func expect(_ byte: UInt8) throws {
        whitespace()
        guard i < n, p[i] == byte else {
            throw fail("อักขระ '\(Character(Unicode.Scalar(byte)))'", "'\(Character(Unicode.Scalar(byte)))'")
        }
        i += 1
    }

    /// The top-level object: `type` and `crs` kept as byte ranges, `features` split.
    mutating func featureCollection() throws -> TopLevel {
        if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3 }   // a UTF-8 BOM
        try expect(UInt8(ascii: "{"))
        var top = TopLevel()
        whitespace()
        if i < n, p[i] == UInt8(ascii: "}") { i += 1 } else {
            while true {
                whitespace()
                let key = try string()
                try expect(UInt8(ascii: ":"))
                let name = String(decoding: UnsafeBufferPointer(start: p + key.lowerBound + 1, count: key.count - 2), as: UTF8.self)
                whitespace()
                if name == "features", i < n, p[i] == UInt8(ascii: "[") {
                    top.features = try array()
                } else {
                    let v = try value()
                    if name == "type" || name == "crs" { top.members.append((name, v)) }
                }
                whitespace()
                guard i < n else { throw fail("',' หรือ '}'", "',' or '}'") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "}") { i += 1; break }
                throw fail("',' หรือ '}'", "',' or '}'")
            }
        }
        whitespace()
        guard i == n else { throw fail("จุดจบของไฟล์", "the end of the file") }
        return top
    }

    /// The elements of an array (at '['), as byte ranges.
    mutating func array() throws -> [Range<Int>] {
        i += 1
        var out: [Range<Int>] = []
        whitespace()
        if i < n, p[i] == UInt8(ascii: "]") { i += 1; return out }
        while true {
            whitespace()
            out.append(try value())
            whitespace()
            guard i < n else { throw fail("',' หรือ ']'", "',' or ']'") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "]") { i += 1; return out }
            throw fail("',' หรือ ']'", "',' or ']'")
        }
    }

    /// A string (at '"'), quotes included.
    mutating func string() throws -> Range<Int> {
        guard i < n, p[i] == UInt8(ascii: "\"") else { throw fail("สตริง", "a string") }
        let start = i
        i += 1
        while i < n {
            switch p[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""): i += 1; return start..<i
            default: i += 1
            }
        }
        i = start
        throw fail("'\"' ปิดสตริง", "a closing '\"'")
    }

    /// Any value, skipped by counting brackets outside strings.
    mutating func value() throws -> Range<Int> {
        guard i < n else { throw fail("ค่า", "a value") }
        let start = i
        switch p[i] {
        case UInt8(ascii: "\""):
            return try string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < n {
                switch p[i] {
                case UInt8(ascii: "\""): _ = try string(); continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { i += 1; return start..<i }
                default: break
                }
                i += 1
            }
            i = start
            throw fail("'}' หรือ ']' ปิด", "a closing '}' or ']'")
        default:
            while i < n, !Self.ends(p[i]) { i += 1 }
            guard i > start else { throw fail("ค่า", "a value") }
            return start..<i
        }
    }

    static func ends(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]")
            || b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
    }
}
