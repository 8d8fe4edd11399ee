/// XML 1.0 read straight from its bytes into `XMLElementNode`s: what GPX and KML files need
/// and no more. Our own, instead of Foundation's XMLParser, because that one loads libxml2
/// and the system ICU into every `eplan` process and calls a delegate per event (slow for
/// 100,000 waypoints).
///
/// Read: the XML declaration (its encoding must be UTF-8), comments, processing
/// instructions, CDATA, the five predefined entities and numeric character references,
/// attributes in ' or ", UTF-8 with or without a BOM. A DOCTYPE is skipped whole and its
/// entities are never expanded (no external entities, no "billion laughs"): a reference to
/// one is an error. Namespace prefixes are dropped from element names (`gpx:wpt` is `wpt`).
/// Iterative, not recursive; nesting deeper than `maxDepth` is refused (freeing a tree
/// thousands of levels deep would overflow the stack; GPX and KML nest a dozen levels).
struct XMLReader {
    static let maxDepth = 1000

    /// Where the document is malformed (a byte offset) and why.
    struct Failure: Error {
        let offset: Int
        let reason: Message
    }

    private let b: UnsafeBufferPointer<UInt8>
    private var i = 0
    /// The open elements, their qualified names (byte ranges, for the end tags) and direct text.
    private var stack: [XMLElementNode] = []
    private var names: [Range<Int>] = []
    /// The direct text of the element open at each depth (`texts[stack.count - 1]`). A
    /// depth's buffer is emptied, not freed, when its element closes and reused by the next
    /// element there: no allocation per element (a waypoint has six with text).
    private var texts: [[UInt8]] = []
    private var root: XMLElementNode?
    /// The start tag being read (its name and offset), for "the document ends inside <wpt>".
    private var reading: (name: Range<Int>, offset: Int)?
    /// Lines are counted lazily, forward from the last element's start.
    private var countedTo = 0, countedLines = 1

    /// When set, each child of the root is handed here once it is complete, instead of
    /// being kept in the root's `children`: a GPX of 100,000 waypoints is read one waypoint
    /// at a time rather than as one tree of half a million elements.
    private let detach: ((XMLElementNode) -> Void)?

    init(_ bytes: UnsafeBufferPointer<UInt8>, detach: ((XMLElementNode) -> Void)? = nil) { b = bytes; self.detach = detach }

    /// The document's root element, or where and why it is malformed; with `detach`, the
    /// root's children go there as they end (the root returned has none).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, detach: ((XMLElementNode) -> Void)? = nil) -> Result<XMLElementNode, Failure> {
        var reader = XMLReader(bytes, detach: detach)
        do { return .success(try reader.document()) } catch { return .failure(error) }
    }

    /// The root element of the whole document.
    mutating func document() throws(Failure) -> XMLElementNode {
        try encoding()
        try misc(beforeRoot: true)
        guard i < b.count else { throw Failure(offset: i, reason: Self.noRoot) }
        try elements()
        try misc(beforeRoot: false)
        guard let root else { throw Failure(offset: i, reason: Self.noRoot) }
        return root
    }

    // MARK: - outside the root

    /// A UTF-8 BOM is skipped; UTF-16 and invalid UTF-8 are refused where they are.
    private mutating func encoding() throws(Failure) {
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
        if b.count >= 2, (b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE) {
            throw Failure(offset: 0, reason: Self.notUTF8("UTF-16"))
        }
        if let bad = UTF8Check.firstInvalid(b) {
            throw Failure(offset: bad, reason: Message(th: "ไบต์ไม่ใช่ UTF-8 (ให้บันทึกไฟล์เป็น UTF-8)",
                                                       en: "the bytes are not UTF-8 (save the file as UTF-8)"))
        }
    }

    /// White space, comments, processing instructions and (before the root) a DOCTYPE.
    private mutating func misc(beforeRoot: Bool) throws(Failure) {
        while true {
            skipSpace()
            guard i < b.count else { return }
            if has("<?") { try instruction(); continue }
            if has("<!--") { try comment(); continue }
            if beforeRoot, has("<!DOCTYPE") { try doctype(); continue }
            if beforeRoot, b[i] == UInt8(ascii: "<") { return }
            throw Failure(offset: i, reason: beforeRoot
                ? Message(th: "มีข้อความก่อนองค์ประกอบราก", en: "text before the root element")
                : Message(th: "มีข้อความหลังจบเอกสาร", en: "text after the end of the document"))
        }
    }

    /// `<?target …?>`; the XML declaration's encoding must be one this reader reads.
    private mutating func instruction() throws(Failure) {
        let start = i
        guard let end = find("?>", from: i + 2) else { throw Failure(offset: b.count, reason: Self.truncated) }
        let body = String(decoding: UnsafeBufferPointer(rebasing: b[(start + 2)..<end]), as: UTF8.self)
        i = end + 2
        guard body.hasPrefix("xml ") || body.hasPrefix("xml\t") || body.hasPrefix("xml\n") || body.hasPrefix("xml\r") else { return }
        if let e = Self.declaredEncoding(body), !["utf-8", "utf8", "us-ascii", "ascii"].contains(e.lowercased()) {
            throw Failure(offset: start, reason: Self.notUTF8(e))
        }
    }

    static func declaredEncoding(_ declaration: String) -> String? {
        guard let r = declaration.firstRange(of: "encoding") else { return nil }
        let rest = declaration[r.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let q = rest.first, q == "\"" || q == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != q })
    }

    private mutating func comment() throws(Failure) {
        guard let end = find("-->", from: i + 4) else {
            throw Failure(offset: i, reason: Message(th: "หมายเหตุ <!-- ไม่ได้ปิดด้วย -->", en: "a comment <!-- not closed with -->"))
        }
        i = end + 3
    }

    /// Skipped whole, its internal subset too (quoted strings may hold > and ]): nothing it
    /// declares is used, so an entity it declares stays an unknown entity.
    private mutating func doctype() throws(Failure) {
        let start = i
        var depth = 0
        var quote: UInt8 = 0
        i += 9
        while i < b.count {
            let c = b[i]
            i += 1
            if quote != 0 { if c == quote { quote = 0 }; continue }
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = c
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ">") where depth <= 0: return
            default: break
            }
        }
        throw Failure(offset: start, reason: Message(th: "DOCTYPE ไม่ได้ปิด", en: "the DOCTYPE is not closed"))
    }

    // MARK: - the root and everything in it

    private mutating func elements() throws(Failure) {
        try startTag()
        while !stack.isEmpty {
            guard i < b.count else { throw unclosed() }
            guard b[i] == UInt8(ascii: "<") else { try text(); continue }
            if has("</") { try endTag() } else if has("<!--") { try comment() } else if has("<![CDATA[") { try cdata() } else if has("<?") {
                try instruction()
            } else if has("<!") {
                throw Failure(offset: i, reason: Message(th: "มาร์กอัป <! ที่อ่านไม่ได้", en: "markup <! that cannot be read"))
            } else { try startTag() }
        }
    }

    private mutating func startTag() throws(Failure) {
        let start = i
        i += 1
        let qname = try name()
        reading = (qname, start)
        defer { reading = nil }
        guard stack.count < Self.maxDepth else {
            throw Failure(offset: start, reason: Message(th: "องค์ประกอบซ้อนกันลึกเกิน \(Self.maxDepth) ชั้น",
                                                         en: "elements nested more than \(Self.maxDepth) deep"))
        }
        var attributes: [String: String] = [:]
        while true {
            let spaced = skipSpace()
            guard i < b.count else { throw unclosed() }
            if b[i] == UInt8(ascii: ">") { i += 1; open(qname, attributes, at: start); return }
            if b[i] == UInt8(ascii: "/") {
                guard i + 1 < b.count, b[i + 1] == UInt8(ascii: ">") else { throw Failure(offset: i, reason: Self.badTag) }
                i += 2
                open(qname, attributes, at: start)
                close()
                return
            }
            guard spaced else { throw Failure(offset: i, reason: Self.badAttribute) }
            let keyAt = i
            let key = string(try name())
            let value = try attributeValue()
            guard attributes.updateValue(value, forKey: key) == nil else { throw Failure(offset: keyAt, reason: Self.badAttribute) }
        }
    }

    /// `= "value"` or `= 'value'`: entities read, literal tabs and line breaks made spaces (XML's rule).
    private mutating func attributeValue() throws(Failure) -> String {
        skipSpace()
        guard i < b.count, b[i] == UInt8(ascii: "=") else { throw Failure(offset: i, reason: Self.badAttribute) }
        i += 1
        skipSpace()
        guard i < b.count, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") else { throw Failure(offset: i, reason: Self.badAttribute) }
        let quote = b[i]
        i += 1
        // Most values (a waypoint's lat and lon) are plain bytes up to the quote: made a
        // String from the file's bytes at once, without a buffer of their own.
        var j = i
        while j < b.count, b[j] != quote, b[j] >= 0x20, b[j] != UInt8(ascii: "&"), b[j] != UInt8(ascii: "<") { j += 1 }
        if j < b.count, b[j] == quote {
            let value = string(i..<j)
            i = j + 1
            return value
        }
        var out: [UInt8] = []
        while true {
            guard i < b.count else { throw unclosed() }
            let c = b[i]
            switch c {
            case quote: i += 1; return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "&"): try entity(into: &out)
            case UInt8(ascii: "<"): throw Failure(offset: i, reason: Self.badAttribute)
            case 0x0D:
                out.append(0x20); i += 1
                if i < b.count, b[i] == 0x0A { i += 1 }
            case 0x09, 0x0A: out.append(0x20); i += 1
            default:
                guard c >= 0x20 else { throw Failure(offset: i, reason: Self.badCharacter) }
                out.append(c); i += 1
            }
        }
    }

    private mutating func endTag() throws(Failure) {
        i += 2
        let qname = try name()
        skipSpace()
        guard i < b.count else { throw unclosed() }
        guard b[i] == UInt8(ascii: ">") else { throw Failure(offset: i, reason: Self.badTag) }
        i += 1
        guard let open = names.last, open.count == qname.count, b[open].elementsEqual(b[qname]) else {
            // Where libxml2 reported it too: just after the end tag.
            let top = openTag(th: true), topEN = openTag(th: false)
            throw Failure(offset: i, reason: Message(
                th: "แท็กปิดไม่ตรงกับแท็กเปิด: พบ </\(string(qname))> ขณะที่ \(top) ยังเปิดอยู่",
                en: "an end tag does not match its start tag: </\(string(qname))> where \(topEN) is open"))
        }
        close()
    }

    /// Text up to the next `<`, entities read, line ends made `\n` (XML's rule).
    private mutating func text() throws(Failure) {
        // The open element's buffer, moved out while it grows (no copy, no overlapping access).
        let depth = stack.count - 1
        var buf: [UInt8] = []
        swap(&buf, &texts[depth])
        defer { swap(&buf, &texts[depth]) }
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "<") { return }
            if c == UInt8(ascii: "&") { try entity(into: &buf); continue }
            if c == 0x0D {
                buf.append(0x0A); i += 1
                if i < b.count, b[i] == 0x0A { i += 1 }
                continue
            }
            if c < 0x20 && c != 0x09 && c != 0x0A { throw Failure(offset: i, reason: Self.badCharacter) }
            // A run of plain bytes at once.
            var j = i + 1
            while j < b.count {
                let x = b[j]
                if x == UInt8(ascii: "<") || x == UInt8(ascii: "&") || x < 0x20 { break }
                j += 1
            }
            buf.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<j]))
            i = j
        }
    }

    private mutating func cdata() throws(Failure) {
        guard let end = find("]]>", from: i + 9) else {
            throw Failure(offset: i, reason: Message(th: "CDATA ไม่ได้ปิดด้วย ]]>", en: "a CDATA section not closed with ]]>"))
        }
        let body = UnsafeBufferPointer(rebasing: b[(i + 9)..<end])
        texts[stack.count - 1].append(contentsOf: body)
        i = end + 3
    }

    /// `&lt;` `&gt;` `&amp;` `&apos;` `&quot;` `&#NNN;` `&#xHH;`, appended as UTF-8.
    private mutating func entity(into out: inout [UInt8]) throws(Failure) {
        let amp = i
        var j = i + 1
        while j < b.count, j - amp <= 32, b[j] != UInt8(ascii: ";") {
            if Self.endsName(b[j]) { break }
            j += 1
        }
        guard j < b.count, b[j] == UInt8(ascii: ";"), j > amp + 1 else {
            throw Failure(offset: amp, reason: Message(th: "ใช้ & โดยไม่ได้เขียนเป็น &amp;", en: "an & not written as &amp;"))
        }
        let ref = string(amp + 1..<j)
        i = j + 1
        switch ref {
        case "lt": out.append(UInt8(ascii: "<"))
        case "gt": out.append(UInt8(ascii: ">"))
        case "amp": out.append(UInt8(ascii: "&"))
        case "apos": out.append(UInt8(ascii: "'"))
        case "quot": out.append(UInt8(ascii: "\""))
        default:
            guard ref.hasPrefix("#") else {
                throw Failure(offset: amp, reason: Message(
                    th: "ไม่รู้จักเอนทิตี &\(ref); (อ่านได้เฉพาะ &lt; &gt; &amp; &apos; &quot; และ &#…; — เอนทิตีที่ประกาศใน DOCTYPE จะไม่ถูกขยาย)",
                    en: "an unknown entity &\(ref); (only &lt; &gt; &amp; &apos; &quot; and &#…; are read — entities declared in a DOCTYPE are not expanded)"))
            }
            let hex = ref.hasPrefix("#x")
            guard let v = UInt32(ref.dropFirst(hex ? 2 : 1), radix: hex ? 16 : 10), Self.allowed(v), let s = Unicode.Scalar(v) else {
                throw Failure(offset: amp, reason: Message(th: "การอ้างอักขระ &\(ref); ไม่ใช่อักขระที่ XML ยอมให้",
                                                           en: "the character reference &\(ref); is not a character XML allows"))
            }
            out.append(contentsOf: String(Character(s)).utf8)
        }
    }

    /// XML 1.0's Char production.
    static func allowed(_ v: UInt32) -> Bool {
        v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
    }

    // MARK: - the tree

    private mutating func open(_ qname: Range<Int>, _ attributes: [String: String], at start: Int) {
        // The local name: after the last ':' (prefixes are dropped, as before).
        var local = qname.lowerBound
        for k in qname where b[k] == UInt8(ascii: ":") { local = k + 1 }
        let node = XMLElementNode(name: string(local..<qname.upperBound), attributes: attributes, line: line(at: start))
        if let parent = stack.last {
            if detach == nil || stack.count > 1 { parent.children.append(node) }
        } else {
            root = node
        }
        stack.append(node)
        names.append(qname)
        if texts.count < stack.count { texts.append([]) } else { texts[stack.count - 1].removeAll(keepingCapacity: true) }
    }

    private mutating func close() {
        guard let node = stack.popLast() else { return }
        names.removeLast()
        let t = texts[stack.count]
        if !t.isEmpty { node.text = String(decoding: t, as: UTF8.self) }
        if stack.count == 1, let detach { detach(node) }
    }

    private mutating func line(at offset: Int) -> Int {
        while countedTo < offset {
            if b[countedTo] == 0x0A { countedLines += 1 }
            countedTo += 1
        }
        return countedLines
    }

    private func unclosed() -> Failure {
        return Failure(offset: b.count, reason: Message(th: "แท็กปิดไม่ครบหรือเอกสารจบก่อนปิดแท็ก: \(openTag(th: true))",
                                                        en: "a tag left unclosed, or the document ends inside one: \(openTag(th: false))"))
    }

    /// "<wpt> (line 9)": the innermost open element.
    private func openTag(th: Bool) -> String {
        if let r = reading {
            return "<\(string(r.name))> (\(th ? "บรรทัด" : "line") \(Self.position(of: r.offset, in: b).line))"
        }
        guard let node = stack.last, let q = names.last else { return "" }
        return "<\(string(q))> (\(th ? "บรรทัด" : "line") \(node.line))"
    }

    // MARK: - bytes

    /// A name: up to white space or one of / > = < ' " & ; not starting with a digit, '-' or '.'.
    private mutating func name() throws(Failure) -> Range<Int> {
        let start = i
        while i < b.count, !Self.endsName(b[i]) { i += 1 }
        guard i > start, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[start]),
              b[start] != UInt8(ascii: "-"), b[start] != UInt8(ascii: ".") else {
            throw i >= b.count ? unclosed() : Failure(offset: start, reason: Self.badTag)
        }
        return start..<i
    }

    @inline(__always) static func endsName(_ c: UInt8) -> Bool {
        switch c {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "/"), UInt8(ascii: ">"), UInt8(ascii: "="), UInt8(ascii: "<"),
             UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "&"), UInt8(ascii: ";"): return true
        default: return c < 0x20
        }
    }

    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = i
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x09 || b[i] == 0x0D { i += 1 }
        return i > start
    }

    private func has(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        let p = s.utf8Start
        for k in 0..<n where b[i + k] != p[k] { return false }
        return true
    }

    /// The offset of the next `s` at or after `from`.
    private func find(_ s: StaticString, from: Int) -> Int? {
        let n = s.utf8CodeUnitCount, p = s.utf8Start
        var k = from
        while k + n <= b.count {
            if b[k] == p[0] {
                var m = 1
                while m < n && b[k + m] == p[m] { m += 1 }
                if m == n { return k }
            }
            k += 1
        }
        return nil
    }

    private func string(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self) }

    // MARK: - reasons

    static let noRoot = Message(th: "ไม่มีองค์ประกอบราก", en: "no root element")
    static let truncated = Message(th: "ไฟล์ว่างหรือจบก่อนเอกสารครบ", en: "the file is empty or ends before the document does")
    static let badCharacter = Message(th: "มีอักขระที่ใช้ใน XML ไม่ได้", en: "a character XML does not allow")
    static let badAttribute = Message(th: "แอตทริบิวต์เขียนผิด (ไม่มีเครื่องหมายคำพูดหรือซ้ำ)", en: "a malformed attribute (unquoted or repeated)")
    static let badTag = Message(th: "แท็กเขียนผิด", en: "a malformed tag")
    static func notUTF8(_ encoding: String) -> Message {
        Message(th: "ไฟล์เข้ารหัสเป็น \(encoding) แต่อ่านได้เฉพาะ UTF-8 (ให้บันทึกไฟล์เป็น UTF-8)",
                en: "the file is encoded as \(encoding), but only UTF-8 is read (save the file as UTF-8)")
    }

    /// 1-based line and column (in characters, as editors count them) of a byte offset.
    static func position(of offset: Int, in b: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for k in 0..<min(offset, b.count) {
            if b[k] == 0x0A { line += 1; column = 1 } else if b[k] & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }
}

/// UTF-8 validity, ASCII at full speed.
enum UTF8Check {
    /// The offset of the first byte that does not start or continue a valid sequence.
    static func firstInvalid(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        var k = 0
        let n = b.count
        while k < n {
            let c = b[k]
            if c < 0x80 { k += 1; continue }
            let len: Int, min: UInt32
            switch c {
            case 0xC2...0xDF: len = 2; min = 0x80
            case 0xE0...0xEF: len = 3; min = 0x800
            case 0xF0...0xF4: len = 4; min = 0x10000
            default: return k
            }
            guard k + len <= n else { return k }
            var v = UInt32(c) & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07)
            for m in 1..<len {
                let x = b[k + m]
                guard x & 0xC0 == 0x80 else { return k }
                v = v << 6 | UInt32(x & 0x3F)
            }
            guard v >= min, v <= 0x10FFFF, !(0xD800...0xDFFF).contains(v) else { return k }
            k += len
        }
        return nil
    }
}
