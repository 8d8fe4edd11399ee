// The national simulation's fixture for PostgreSQL (scripts/bench pgnational-*): synthetic
// projects and pins as PostgreSQL COPY text on standard output, for `psql` to load with one
// COPY per table in one transaction (row-by-row INSERTs would take hours at 12,000,000 rows).
import Foundation

/// One LAO of the store: its code and its jurisdiction's box (pins are drawn inside it).
struct FixtureLAO {
    let code: String
    let minX, minY, maxX, maxY: Double
}

/// national-copy projects N LAOS.tsv | national-copy pins N PINS LAOS.tsv: one COPY command
/// with its rows and its end marker, for psql to read inside the caller's transaction (FREEZE:
/// the caller truncates the table in that transaction).
/// LAOS.tsv: code, xmin, ymin, xmax, ymax (tab-separated, as psql's COPY TO writes them).
/// Project i (1…N) is coded N%08d and belongs to the LAO its hash picks; PINS of them (every
/// N/PINS-th) get a current point pin in their LAO's box. Everything is marked synthetic:
/// `synthetic = 1`, "(ข้อมูลสังเคราะห์)" in the name, `synthetic-…` as the pinner.
func nationalCopy(_ args: [String]) throws {
    let usage = "usage: eplan-bench national-copy projects N LAOS.tsv | national-copy pins N PINS LAOS.tsv"
    guard args.count >= 3, let n = Int(args[1]), n > 0 else { fail(usage) }
    let out = CopyWriter()
    switch args[0] {
    case "projects" where args.count == 3:
        let laos = readFixtureLAOs(args[2])
        out.line("COPY project (\(projectCopyColumns)) FROM STDIN WITH (FREEZE);")
        for i in 1...n { out.row(projectCopyRow(i, laoCode: laos[fixtureLAOIndex(i, laos.count)].code)) }
    case "pins" where args.count == 4:
        guard let pins = Int(args[2]), pins > 0, pins <= n else { fail(usage) }
        let laos = readFixtureLAOs(args[3])
        out.line("COPY pin (\(pinCopyColumns)) FROM STDIN WITH (FREEZE);")
        for k in 0..<pins {
            let i = 1 + Int(Double(k) * Double(n) / Double(pins))
            out.row(pinCopyRow(i, lao: laos[fixtureLAOIndex(i, laos.count)]))
        }
    default: fail(usage)
    }
    out.line("\\.")
    out.flush()
}

/// The LAO of project i: a hash, so the projects and pins passes agree without memory.
func fixtureLAOIndex(_ i: Int, _ count: Int) -> Int {
    var h = SplitMix64(state: UInt64(i) &* 0x2545_F491_4F6C_DD1D)
    return h.int(count)
}

func readFixtureLAOs(_ path: String) -> [FixtureLAO] {
    guard let text = String(bytes: readFile(path), encoding: .utf8) else { fail("\(path) is not UTF-8") }
    let laos = text.split(separator: "\n").compactMap { line -> FixtureLAO? in
        let f = line.split(separator: "\t").map(String.init)
        guard f.count == 5, let a = Double(f[1]), let b = Double(f[2]), let c = Double(f[3]), let d = Double(f[4]) else { return nil }
        return FixtureLAO(code: f[0], minX: a, minY: b, maxX: c, maxY: d)
    }
    guard !laos.isEmpty else { fail("\(path): no LAO with a box") }
    return laos
}

private let copyStamp = "2025-01-15T09:00:00+07:00"
private let copyKinds = ["road", "building", "water", "other"]
private let copyWorks = ["ก่อสร้างถนนคอนกรีตเสริมเหล็ก", "ก่อสร้างอาคารอเนกประสงค์", "ขยายเขตประปาหมู่บ้าน", "ปรับปรุงภูมิทัศน์"]
private let copyVillages = ["ห้วยยะอุ", "แม่ระมาด", "ท่าสองยาง", "หนองบัว", "โนนสูง"]

func fixtureProjectCode(_ i: Int) -> String { "N" + String(i).leftPadded(8) }

/// The project table's COPY columns, in `projectCopyRow`'s order.
let projectCopyColumns = "code, lao_code, plan_year, name_th, strategy, kind, budget, funding, plan_approved_on, budget_approved_on, contract_signed_on, contract_amount, disbursed_amount, disbursed_on, progress, completed_on, synthetic, recorded_on, updated_at"

/// One project: a kind of work, a budget, and a stage from planned (0) to completed (5) with
/// the dates and amounts that stage has (as the export fixture's projects).
func projectCopyRow(_ i: Int, laoCode: String) -> [String?] {
    var rng = SplitMix64(state: UInt64(i) &* 0x9E37_79B9)
    let k = rng.int(4), stage = rng.int(6)
    let budget = Double(50_000 + rng.int(5_000_000))
    let contract: Double? = stage >= 3 ? (budget * (0.85 + 0.1 * rng.unit())).rounded() : nil
    let disbursed: Double? = stage >= 4 ? contract.map { ($0 * (0.3 + 0.7 * rng.unit())).rounded() } : nil
    let progress: String? = stage == 5 ? "100" : stage == 4 ? String((rng.unit() * 9000).rounded() / 100) : nil
    return [
        fixtureProjectCode(i), laoCode, String(2566 + rng.int(5)),
        "\(copyWorks[k]) หมู่ที่ \(1 + rng.int(15)) บ้าน\(copyVillages[rng.int(copyVillages.count)]) (ข้อมูลสังเคราะห์)",
        "ยุทธศาสตร์ที่ \(1 + rng.int(6)) การพัฒนาโครงสร้างพื้นฐาน", copyKinds[k], String(budget),
        ["own", "general", "specific"][rng.int(3)],
        stage >= 1 ? "2024-06-30" : nil, stage >= 2 ? "2024-09-15" : nil, stage >= 3 ? "2024-12-01" : nil,
        contract.map { String($0) }, disbursed.map { String($0) }, stage >= 4 ? "2025-03-31" : nil,
        progress, stage == 5 ? "2025-05-20" : nil, "1", copyStamp, copyStamp,
    ]
}

/// The pin table's COPY columns, in `pinCopyRow`'s order.
let pinCopyColumns = "project_code, version, is_current, pinned_at, pinned_by, raw_input, input_crs, status, tolerance_m, found_lao_code, geom"

/// Project i's current pin: a point in the middle half of its LAO's box, as hex EWKB.
func pinCopyRow(_ i: Int, lao: FixtureLAO) -> [String?] {
    var rng = SplitMix64(state: UInt64(i) &* 0xD1B5_4A32_D192_ED03)
    let x = lao.minX + (0.25 + 0.5 * rng.unit()) * (lao.maxX - lao.minX)
    let y = lao.minY + (0.25 + 0.5 * rng.unit()) * (lao.maxY - lao.minY)
    return [fixtureProjectCode(i), "1", "1", copyStamp, "synthetic-engineer\(rng.int(50))",
            String(format: "%.6f, %.6f", y, x), "4326", rng.int(20) == 0 ? "warning" : "valid", "50", lao.code,
            pointEWKBHex(x, y)]
}

/// A point with SRID 4326 as PostGIS's hex EWKB (little-endian), which COPY text accepts.
func pointEWKBHex(_ x: Double, _ y: Double) -> String {
    var bytes: [UInt8] = [1, 1, 0, 0, 0x20, 0xE6, 0x10, 0, 0]
    for v in [x, y] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
    let digits = Array("0123456789ABCDEF".utf8)
    var hex = [UInt8](); hex.reserveCapacity(bytes.count * 2)
    for b in bytes { hex.append(digits[Int(b >> 4)]); hex.append(digits[Int(b & 15)]) }
    return String(decoding: hex, as: UTF8.self)
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

/// COPY text rows to standard output, written a megabyte at a time. The fixture's values
/// hold no tab, newline or backslash, so none needs escaping; nil is `\N`.
final class CopyWriter {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 21) }

    func line(_ text: String) {
        buffer += text.utf8
        buffer.append(10)
    }

    func row(_ fields: [String?]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { buffer.append(9) }
            if let f { buffer += f.utf8 } else { buffer += [92, 78] }
        }
        buffer.append(10)
        if buffer.count >= 1 << 20 { flush() }
    }

    func flush() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            guard n > 0 else { fail("cannot write the COPY rows (standard output closed?)") }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
