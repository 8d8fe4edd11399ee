// WKB from PostGIS straight to the SpatiaLite BLOB the export's geometry writer reads, with
// no `Geometry` value in between: this runs once per exported feature on PostgreSQL.
//
// A 2D little-endian WKB that is not a collection has the SpatiaLite body's layout already:
// counts and doubles in the same order, and each member of a MULTI* starts with one byte
// (WKB's byte order, SpatiaLite's 0x69 entity marker) and the member's int32 type. So the
// body is copied in one piece, the members' first bytes are patched, and the MBR is
// gathered on the way. Anything else (collections, Z/M, big endian, NaN) goes through
// `WKB.decode` and `SpatiaLiteBlob.encode`, whose output this one matches byte for byte.
extension WKB {
    /// The most bytes `transcode` writes for a WKB of `count` bytes: the 43-byte SpatiaLite
    /// header and end marker in place of WKB's 5-byte header.
    static func spatiaLiteCapacity(wkbCount count: Int) -> Int { count + 39 }

    /// Writes the SpatiaLite BLOB of `wkb` (SRID `srid`) into `out`, which holds at least
    /// `spatiaLiteCapacity` bytes; returns the bytes written, nil when the fast path does
    /// not apply (the caller takes the general one).
    static func transcode(_ wkb: UnsafeRawBufferPointer, srid: Int32, into out: UnsafeMutableRawBufferPointer) -> Int? {
        guard wkb.count >= 5, wkb[0] == 1 else { return nil }
        let type = UInt32(littleEndian: wkb.loadUnaligned(fromByteOffset: 1, as: UInt32.self))
        guard (1...6).contains(type), out.count >= spatiaLiteCapacity(wkbCount: wkb.count) else { return nil }
        let body = wkb.count - 5
        UnsafeMutableRawBufferPointer(rebasing: out[43..<(43 + body)]).copyMemory(from: UnsafeRawBufferPointer(rebasing: wkb[5...]))
        var walk = SpatiaLiteWalk(wkb: wkb, out: out)
        guard walk.body(type), walk.offset == wkb.count, walk.minX <= walk.maxX else { return nil }
        out[0] = 0x00
        out[1] = 0x01
        out.storeBytes(of: UInt32(bitPattern: srid).littleEndian, toByteOffset: 2, as: UInt32.self)
        out.storeBytes(of: walk.minX.bitPattern.littleEndian, toByteOffset: 6, as: UInt64.self)
        out.storeBytes(of: walk.minY.bitPattern.littleEndian, toByteOffset: 14, as: UInt64.self)
        out.storeBytes(of: walk.maxX.bitPattern.littleEndian, toByteOffset: 22, as: UInt64.self)
        out.storeBytes(of: walk.maxY.bitPattern.littleEndian, toByteOffset: 30, as: UInt64.self)
        out[38] = SpatiaLiteBlob.mbrMarker
        out.storeBytes(of: type.littleEndian, toByteOffset: 39, as: UInt32.self)
        out[43 + body] = SpatiaLiteBlob.endMarker
        return 44 + body
    }
}

/// Checks a 2D little-endian WKB's structure (source offsets), patches each member's first
/// byte in the copied body (38 bytes further on in `out`), and gathers the MBR.
private struct SpatiaLiteWalk {
    let wkb: UnsafeRawBufferPointer
    let out: UnsafeMutableRawBufferPointer
    var offset = 5
    var minX = Double.infinity, minY = Double.infinity
    var maxX = -Double.infinity, maxY = -Double.infinity

    init(wkb: UnsafeRawBufferPointer, out: UnsafeMutableRawBufferPointer) { self.wkb = wkb; self.out = out }

    /// The next count, nil when fewer than `count × minBytes` bytes remain.
    mutating func count(minBytes: Int) -> Int? {
        guard offset + 4 <= wkb.count else { return nil }
        let n = Int(UInt32(littleEndian: wkb.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        offset += 4
        return n <= (wkb.count - offset) / minBytes ? n : nil
    }

    mutating func points(_ n: Int) -> Bool {
        for _ in 0..<n {
            let x = Double(bitPattern: UInt64(littleEndian: wkb.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            let y = Double(bitPattern: UInt64(littleEndian: wkb.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
            if x.isNaN || y.isNaN { return false }
            // The order of `Envelope.expand`, so the MBR's doubles are the general path's.
            if x < minX { minX = x }
            if x > maxX { maxX = x }
            if y < minY { minY = y }
            if y > maxY { maxY = y }
            offset += 16
        }
        return true
    }

    mutating func body(_ type: UInt32) -> Bool {
        switch type {
        case 1:
            guard offset + 16 <= wkb.count else { return false }
            return points(1)
        case 2:
            guard let n = count(minBytes: 16) else { return false }
            return points(n)
        case 3:
            guard let rings = count(minBytes: 4) else { return false }
            for _ in 0..<rings {
                guard let n = count(minBytes: 16), points(n) else { return false }
            }
            return true
        default:
            guard let members = count(minBytes: 5) else { return false }
            for _ in 0..<members {
                guard offset + 5 <= wkb.count, wkb[offset] == 1,
                      UInt32(littleEndian: wkb.loadUnaligned(fromByteOffset: offset + 1, as: UInt32.self)) == type - 3
                else { return false }
                out[offset + 38] = SpatiaLiteBlob.entityMarker
                offset += 5
                guard body(type - 3) else { return false }
            }
            return true
        }
    }
}
