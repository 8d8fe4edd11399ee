import CZlib
import Foundation

/// The members of a zip file (a KMZ is a zipped KML), read from its central directory, and
/// each member's bytes inflated with zlib and checked against its CRC-32. Stored and
/// deflated members only; no zip64, no encryption (KMZ files use neither).
public struct ZipArchive {
    public struct Entry: Sendable {
        public let name: String
        let method: UInt16
        let flags: UInt16
        let crc: UInt32
        let compressedSize: Int
        let size: Int
        let localHeader: Int
    }

    /// Refused above this: a KMZ from the field is kilobytes; a "zip bomb" is not a survey.
    public static let maxMemberSize = 256 << 20

    public let path: String
    public let entries: [Entry]
    private let bytes: [UInt8]

    public init(bytes: [UInt8], path: String) throws {
        self.bytes = bytes; self.path = path
        let end = try Self.endOfCentralDirectory(bytes, path: path)
        var entries: [Entry] = [], at = Int(Self.u32(bytes, end + 16))
        for _ in 0..<Int(Self.u16(bytes, end + 10)) {
            guard at + 46 <= bytes.count, Self.u32(bytes, at) == 0x0201_4B50 else { throw Self.broken(path, "central directory") }
            let nameLength = Int(Self.u16(bytes, at + 28)), extra = Int(Self.u16(bytes, at + 30)), comment = Int(Self.u16(bytes, at + 32))
            guard at + 46 + nameLength <= bytes.count else { throw Self.broken(path, "central directory") }
            entries.append(Entry(name: String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self),
                                 method: Self.u16(bytes, at + 10), flags: Self.u16(bytes, at + 8), crc: Self.u32(bytes, at + 16),
                                 compressedSize: Int(Self.u32(bytes, at + 20)), size: Int(Self.u32(bytes, at + 24)),
                                 localHeader: Int(Self.u32(bytes, at + 42))))
            at += 46 + nameLength + extra + comment
        }
        self.entries = entries
    }

    /// The member's bytes, inflated and checked.
    public func data(_ e: Entry) throws -> [UInt8] {
        let h = e.localHeader
        guard h + 30 <= bytes.count, Self.u32(bytes, h) == 0x0403_4B50 else { throw Self.broken(path, e.name) }
        let start = h + 30 + Int(Self.u16(bytes, h + 26)) + Int(Self.u16(bytes, h + 28))
        guard e.flags & 1 == 0 else {
            throw FieldDataError(th: "\(path): \(e.name) เข้ารหัสไว้ อ่านไม่ได้", en: "\(path): \(e.name) is encrypted and cannot be read")
        }
        guard e.size <= Self.maxMemberSize, e.size != 0xFFFF_FFFF, start + e.compressedSize <= bytes.count else {
            throw Self.broken(path, e.name)
        }
        let packed = Array(bytes[start..<(start + e.compressedSize)])
        let out: [UInt8]
        switch e.method {
        case 0: out = packed
        case 8: out = try inflate(packed, size: e.size, name: e.name)
        default:
            throw FieldDataError(th: "\(path): \(e.name) บีบอัดด้วยวิธีที่ \(e.method) ซึ่งอ่านไม่ได้ (อ่านได้เฉพาะ deflate)",
                                 en: "\(path): \(e.name) is compressed with method \(e.method), which is not read (deflate only)")
        }
        let crc = out.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        guard out.count == e.size, crc == e.crc else { throw Self.broken(path, e.name) }
        return out
    }

    /// Raw deflate (no zlib header) into a buffer of the size the directory gives.
    private func inflate(_ packed: [UInt8], size: Int, name: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: max(size, 1))
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Self.broken(path, name)
        }
        defer { inflateEnd(&stream) }
        var packed = packed
        let status = packed.withUnsafeMutableBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output -> Int32 in
                stream.next_in = input.baseAddress; stream.avail_in = uInt(input.count)
                stream.next_out = output.baseAddress; stream.avail_out = uInt(output.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END || (status == Z_BUF_ERROR && size == 0) else { throw Self.broken(path, name) }
        return Array(out.prefix(Int(stream.total_out)))
    }

    private static func endOfCentralDirectory(_ b: [UInt8], path: String) throws -> Int {
        guard b.count >= 22 else { throw notZip(path) }
        // The record is the last thing in the file but for a comment of up to 65,535 bytes.
        var at = b.count - 22
        let lowest = max(0, b.count - 22 - 65_535)
        while at >= lowest {
            if u32(b, at) == 0x0605_4B50 { return at }
            at -= 1
        }
        throw notZip(path)
    }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(u16(b, i)) | UInt32(u16(b, i + 2)) << 16 }

    static func notZip(_ path: String) -> FieldDataError {
        FieldDataError(th: "\(path): ไม่ใช่ไฟล์ zip (KMZ คือ KML ที่บีบอัดด้วย zip)", en: "\(path): not a zip file (a KMZ is a zipped KML)")
    }

    static func broken(_ path: String, _ what: String) -> FieldDataError {
        FieldDataError(th: "\(path): ไฟล์ zip เสียหายที่ \(what)", en: "\(path): the zip file is damaged at \(what)")
    }
}
