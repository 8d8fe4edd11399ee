import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension ByteWriter {
    /// ASCII or UTF-8 text known at compile time.
    public mutating func ascii(_ s: StaticString) { literal(s) }

    /// A string's UTF-8 bytes as they are.
    public mutating func utf8(_ s: String) { Self.appendUTF8(s, &self) }

    static func appendUTF8(_ s: String, _ w: inout ByteWriter) {
        var s = s
        s.withUTF8 { b in if let p = b.baseAddress { w.bytes(p, b.count) } }
    }

    /// A JSON string, escaped exactly as `JSONText.string` escapes it.
    public mutating func jsonString(_ s: String) { AuditOutput.writeString(s, &self) }

    public mutating func integer(_ v: Int) { writeInteger(Int64(v), into: &self) }
}

/// Records written to an unlinked temporary file as a report decides them, read back once,
/// in order, when the report ends: a report whose head (totals) or whose rows (a version
/// that holds only if the import commits) are known only at the end streams through
/// here, so memory holds one record, never the report. Each record is bytes and a number.
public final class ReportSpool {
    private let file: UnsafeMutablePointer<FILE>
    public private(set) var count = 0

    public init() throws {
        guard let f = tmpfile() else {
            let reason = String(cString: strerror(errno))
            throw ExportError(.cannotWrite(path: "(temporary file)", reason: reason))
        }
        file = f
    }

    deinit { fclose(file) }

    /// One record: `bytes` and `number` (e.g. a tentative version, -1 for none).
    public func append(_ bytes: borrowing ByteWriter, number: Int) throws {
        var header = (UInt64(bytes.count), Int64(number))
        let ok = withUnsafeBytes(of: &header) { h in fwrite(h.baseAddress, 1, h.count, file) == h.count }
            && fwrite(bytes.base, 1, bytes.count, file) == bytes.count
        if !ok { throw failure() }
        count += 1
    }

    /// Every record in the order written; the bytes are valid only inside `body`.
    public func forEach(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        guard fflush(file) == 0 else { throw failure() }
        rewind(file)
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<count {
            var header = (UInt64(0), Int64(0))
            let got = withUnsafeMutableBytes(of: &header) { h in fread(h.baseAddress, 1, h.count, file) == h.count }
            guard got else { throw failure() }
            let n = Int(header.0)
            if n > buffer.count { buffer = [UInt8](repeating: 0, count: n) }
            try buffer.withUnsafeMutableBufferPointer { b in
                guard fread(b.baseAddress, 1, n, file) == n else { throw failure() }
                try body(UnsafeBufferPointer(start: b.baseAddress, count: n), Int(header.1))
            }
        }
        fseek(file, 0, SEEK_END)
    }

    private func failure() -> ExportError {
        ExportError(.writeFailed(path: "(temporary file)", reason: String(cString: strerror(errno))))
    }
}

/// Fields of text packed into one spool record (each a length and its bytes).
public enum SpoolFields {
    public static func write(_ fields: [String], into w: inout ByteWriter) {
        for f in fields {
            var f = f
            f.withUTF8 { b in
                w.integerBytes(UInt32(b.count))
                if let p = b.baseAddress { w.bytes(p, b.count) }
            }
        }
    }

    public static func read(_ b: UnsafeBufferPointer<UInt8>) -> [String] {
        var out: [String] = [], i = 0
        while i + 4 <= b.count {
            let n = Int(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: b[i..<(i + 4)])).loadUnaligned(as: UInt32.self))
            i += 4
            let end = min(i + n, b.count)
            out.append(String(decoding: UnsafeBufferPointer(rebasing: b[i..<end]), as: UTF8.self))
            i = end
        }
        return out
    }
}

extension ByteWriter {
    mutating func integerBytes(_ v: UInt32) {
        reserve(4)
        UnsafeMutableRawPointer(base + count).storeBytes(of: v, as: UInt32.self)
        count &+= 4
    }
}

extension ByteWriter {
    /// Bytes from elsewhere (a spool record), as they are.
    public mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
        if let p = b.baseAddress { bytes(p, b.count) }
    }
}
