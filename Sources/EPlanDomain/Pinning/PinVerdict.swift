import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a location really lies: the LAO, tambon and amphoe around it.
public struct FoundPlace: Sendable, Equatable {
    public var lao: LAORef?
    public var tambon: AdminUnit?
    public var amphoe: AdminUnit?
    /// The point the answer is for (lon/lat): the pin itself, or a point of its outside part.
    public var at: Coordinate

    public var isEmpty: Bool { lao == nil && tambon == nil && amphoe == nil }

    /// "ตำบลแม่สอด อำเภอแม่สอด เขต ทน.แม่สอด (03630601)".
    public var text: Message {
        var th: [String] = [], en: [String] = []
        if let t = tambon { th.append("ตำบล\(t.nameTH)"); en.append("tambon \(t.name(.en))") }
        if let a = amphoe { th.append("อำเภอ\(a.nameTH)"); en.append("amphoe \(a.name(.en))") }
        if let l = lao {
            th.append("เขต \(l.displayTH) (\(l.code))"); en.append("in the area of \(l.displayEN) (\(l.code))")
        }
        if th.isEmpty {
            return Message(th: "นอกทุกเขตในฐานข้อมูล", en: "outside every unit in the store")
        }
        return Message(th: th.joined(separator: " "), en: en.joined(separator: ", "))
    }
}

/// An LAO without its geometry, for messages and output.
public struct LAORef: Sendable, Equatable {
    public var code: String
    public var displayTH: String
    public var displayEN: String
    public var amphoeCode: String?

    public init(_ r: LAORecord) {
        code = r.code; displayTH = r.displayTH; displayEN = r.nameEN ?? r.displayTH; amphoeCode = r.amphoeCode
    }
}

/// What `PinValidator` decided, with every figure behind it.
public struct PinVerdict: Sendable {
    public enum Outcome: String, Sendable { case accepted, warning, refused }

    public var outcome: Outcome
    public var lao: LAORef
    public var geometryType: GeometryType
    public var toleranceM: Double
    /// Metres the farthest part lies outside the jurisdiction; 0 when covered.
    public var distanceOutsideM: Double
    /// Lines by length, polygons by area: the share outside the jurisdiction (nil for points).
    public var outsideFraction: Double?
    /// The part outside and the whole, in metres (lines) or square metres (polygons).
    public var outsideAmount: Double?
    public var totalAmount: Double?
    public var found: FoundPlace?
    /// The headline: accepted or refused, and why.
    public var summary: Message
    /// Warnings (kind of work), notes (within tolerance) and suggestions ("did you mean …?").
    public var warnings: [Message] = []
    public var notes: [Message] = []
    public var suggestions: [Message] = []

    public var isRefused: Bool { outcome == .refused }
    public var status: PinStatus {
        switch outcome {
        case .accepted: return .valid
        case .warning: return .warning
        case .refused: return .outside
        }
    }

    public var messages: [Message] { [summary] + warnings + notes + suggestions }

    /// The record to store for this verdict.
    public func record(for candidate: PinCandidate, project: ProjectRef, by: String, at: Date = Date()) -> PinRecord {
        PinRecord(projectCode: project.code, pinnedAt: PinText.timestamp(at), pinnedBy: by,
                         rawInput: candidate.rawInput, inputCRS: candidate.inputCRS.epsg, status: status,
                         toleranceM: toleranceM, distanceOutsideM: distanceOutsideM, outsideFraction: outsideFraction,
                         foundLAOCode: found?.lao?.code, foundTambonCode: found?.tambon?.code,
                         foundAmphoeCode: found?.amphoe?.code, messages: messages, geometry: candidate.geometry)
    }
}

/// Numbers in pin messages.
public enum PinText {
    /// "1,234 ม." / "1,234 m"; below 10 m one decimal.
    public static func metres(_ v: Double, _ lang: Language) -> String {
        let unit = lang == .th ? " ม." : " m"
        if v < 10 { return String(format: "%.1f", v) + unit }
        return grouped(v.rounded()) + unit
    }

    public static func squareMetres(_ v: Double, _ lang: Language) -> String {
        if v >= 10_000 {
            return String(format: "%.2f", v / 10_000) + (lang == .th ? " เฮกตาร์" : " ha")
        }
        return grouped(v.rounded()) + (lang == .th ? " ตร.ม." : " m²")
    }

    /// Whole metres with thousands separators (ThaiText.grouped); beyond Int64, plainly.
    public static func grouped(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 9e18 else { return String(format: "%.0f", v) }
        return ThaiText.grouped(Int64(v))
    }

    public static func percent(_ f: Double) -> String {
        let p = f * 100
        return p < 10 ? String(format: "%.1f%%", p) : String(format: "%.0f%%", p)
    }

    /// ISO 8601 UTC with milliseconds, "2026-11-26T13:10:33.439Z". Written by hand:
    /// ISO8601DateFormatter initialises ICU, which costs milliseconds at every `eplan pin`.
    public static func timestamp(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        var secs = time_t(t.rounded(.down))
        let ms = min(999, Int(((t - Double(secs)) * 1000).rounded(.down)))
        var tm = tm()
        gmtime_r(&secs, &tm)
        let year = Int(tm.tm_year) + 1900
        if (0...9999).contains(year) {
            // Digit by digit into 24 bytes (string interpolation with padding cost some 6,000
            // instructions, once per pin of an import).
            var b = [UInt8](repeating: UInt8(ascii: "0"), count: 24)
            func put(_ v: Int, at end: Int, _ n: Int) {
                var x = v
                for k in stride(from: end, to: end - n, by: -1) { b[k] = UInt8(ascii: "0") + UInt8(x % 10); x /= 10 }
            }
            put(year, at: 3, 4); put(Int(tm.tm_mon) + 1, at: 6, 2); put(Int(tm.tm_mday), at: 9, 2)
            put(Int(tm.tm_hour), at: 12, 2); put(Int(tm.tm_min), at: 15, 2); put(Int(tm.tm_sec), at: 18, 2); put(ms, at: 22, 3)
            for (k, c) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (23, "Z")] as [(Int, Unicode.Scalar)] {
                b[k] = UInt8(ascii: c)
            }
            return String(decoding: b, as: UTF8.self)
        }
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
        }
        return "\(pad(Int(tm.tm_year) + 1900, 4))-\(pad(Int(tm.tm_mon) + 1, 2))-\(pad(Int(tm.tm_mday), 2))T"
            + "\(pad(Int(tm.tm_hour), 2)):\(pad(Int(tm.tm_min), 2)):\(pad(Int(tm.tm_sec), 2)).\(pad(ms, 3))Z"
    }

    /// "16.7167, 98.5667" (lat, lon) with up to 7 decimals.
    public static func latLon(_ c: Coordinate) -> String {
        "\(JSONText.number(c.y, decimals: 7)), \(JSONText.number(c.x, decimals: 7))"
    }

    public static func noun(_ t: GeometryType) -> Message {
        switch t {
        case .point, .multiPoint: return Message(th: "จุด", en: "point")
        case .lineString, .multiLineString: return Message(th: "เส้น", en: "line")
        default: return Message(th: "รูปหลายเหลี่ยม", en: "polygon")
        }
    }
}
