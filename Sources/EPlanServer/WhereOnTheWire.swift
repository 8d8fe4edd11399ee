#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// `GET /api/v1/where` answered from the connection's bytes, before HTTP decoding: the
/// decoder, the conversion to HTTP types, the pipelining handler and the response encoder
/// cost more than the answer itself (callgrind: ~50k of 108k instructions a request).
/// It sits first in the pipeline and reads each request head as it arrives:
/// - a well-formed `GET` of the route with one `Authorization` header, that
///   `WhereInlineAnswer` settles at once (the same code and bytes as `WhereFastPath`), is
///   answered here, with the headers Hummingbird writes;
/// - any other request without a body goes on to the decoder alone, and the bytes after it
///   wait until it is answered, so answers leave in the order of the requests;
/// - a request with a body (`Content-Length`, `Transfer-Encoding`), a head it does not read
///   (not HTTP/1.1, folded or malformed lines, longer than `maxHead`), any event but a read
///   (a half-close), or answers piling up unread (the channel not writable) hand the
///   connection to the decoder for good.
/// A request answered here tells the idle timeout (`IdleTimeoutHandler.answered`), and the
/// first one ends the first-head timeout (`HeaderTimeoutHandler`) as a decoded head would.
final class WhereOnTheWire: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// A head longer than this is left to the decoder (and its limits).
    static let maxHead = 8 * 1024

    private enum Mode { case reading, waitingForAnswer, decoderOnly }
    private var mode = Mode.reading
    /// Bytes received and not yet answered or passed on.
    private var pending: ByteBuffer?
    private let answer: WhereInlineAnswer
    private weak var idle: IdleTimeoutHandler?
    private var headerTimeoutEnded = false
    /// Whether bytes went on to the decoder since the last read completed (the read-complete
    /// event is passed on only then: the async channel delivers what it got on that event).
    private var passedOnInThisRead = false

    private var answerHead: AnswerHead

    init(answer: WhereInlineAnswer, idle: IdleTimeoutHandler) {
        self.answer = answer; self.idle = idle
        answerHead = AnswerHead(server: answer.serverName)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Bytes after a request passed on wait for its answer; then they are read here again.
        idle?.whenNoneInProgress = { [weak self] in
            context.eventLoop.assumeIsolated().execute { self?.answerEnded(context) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idle?.whenNoneInProgress = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if mode == .decoderOnly { return context.fireChannelRead(data) }
        var bytes = unwrapInboundIn(data)
        if pending == nil { pending = bytes } else { pending?.writeBuffer(&bytes) }
        switch mode {
        case .reading: readRequests(context)
        case .waitingForAnswer: if (pending?.readableBytes ?? 0) > Self.maxHead { handOver(context) }
        case .decoderOnly: break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard mode == .decoderOnly || passedOnInThisRead else { return }
        passedOnInThisRead = false
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Outside a read: bytes handed over now are delivered by a read-complete of their own.
        let handingOverBytes = mode != .decoderOnly && pending != nil
        handOver(context)
        if handingOverBytes {
            passedOnInThisRead = false
            context.fireChannelReadComplete()
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func answerEnded(_ context: ChannelHandlerContext) {
        guard mode == .waitingForAnswer, context.channel.isActive else { return }
        mode = .reading
        if readRequests(context) {
            passedOnInThisRead = false
            context.fireChannelReadComplete()
        }
    }

    /// Answers or passes on the complete requests pending. True when bytes went on to the decoder.
    @discardableResult
    private func readRequests(_ context: ChannelHandlerContext) -> Bool {
        var wrote = false
        defer { if wrote { context.flush() } }
        while mode == .reading, var bytes = pending, bytes.readableBytes > 0 {
            // A client that does not read its answers: Hummingbird's path holds back reading.
            guard context.channel.isWritable else {
                handOver(context)
                return true
            }
            let scanned = bytes.withUnsafeReadableBytes { WireRequestHead.scan($0, maxHead: Self.maxHead) }
            switch scanned {
            case .incomplete:
                return false
            case .notRead:
                handOver(context)
                return true
            case .head(let head):
                if let json = head.mayBeAnswered ? answer.json(path: head.target, authorization: head.authorization ?? "") : nil {
                    bytes.moveReaderIndex(forwardBy: head.length)
                    pending = bytes.readableBytes > 0 ? bytes : nil
                    respond(context, json)
                    wrote = true
                    continue
                }
                guard let request = bytes.readSlice(length: head.length) else { return false }
                pending = bytes.readableBytes > 0 ? bytes : nil
                mode = .waitingForAnswer
                passedOnInThisRead = true
                context.fireChannelRead(wrapInboundOut(request))
                return true
            }
        }
        return false
    }

    /// Everything pending and after goes to the decoder.
    private func handOver(_ context: ChannelHandlerContext) {
        guard mode != .decoderOnly else { return }
        mode = .decoderOnly
        idle?.whenNoneInProgress = nil
        if let bytes = pending {
            pending = nil
            passedOnInThisRead = true
            context.fireChannelRead(wrapInboundOut(bytes))
        }
    }

    private func respond(_ context: ChannelHandlerContext, _ json: [UInt8]) {
        var out = context.channel.allocator.buffer(capacity: json.count + 160)
        out.writeBytes(answerHead.prefix)
        out.writeString(String(json.count))
        out.writeBytes(answerHead.dateAndServer())
        out.writeBytes(json)
        context.write(NIOAny(out), promise: nil)
        idle?.answered()
        endHeaderTimeout(context)
    }

    private func endHeaderTimeout(_ context: ChannelHandlerContext) {
        guard !headerTimeoutEnded else { return }
        headerTimeoutEnded = true
        let pipeline = context.pipeline.syncOperations
        if let header = try? pipeline.handler(type: HeaderTimeoutHandler.self) {
            pipeline.removeHandler(header, promise: nil)
        }
    }
}

/// An HTTP/1.1 request head read from bytes, as far as `WhereOnTheWire` needs it.
struct WireRequestHead: Equatable {
    /// The head's bytes, with its blank line (the request has no body).
    var length: Int
    var isGet: Bool
    var target: String
    /// The one `Authorization` value (nil when none or when given twice).
    var authorization: String?
    /// Nothing in the head that Hummingbird must see (`Connection`, `Expect`, `Upgrade`, a second `Authorization`).
    var plain: Bool

    var mayBeAnswered: Bool { isGet && plain && authorization != nil && WhereFastPath.isRoute(target) }

    enum Scan: Equatable {
        /// Not all of the head has arrived yet.
        case incomplete
        /// A head read here, of a request without a body.
        case head(WireRequestHead)
        /// Anything else: the decoder reads it and everything after.
        case notRead
    }

    private static let http11 = Array("HTTP/1.1".utf8)
    private static let cr: UInt8 = 13, lf: UInt8 = 10, space: UInt8 = 32, tab: UInt8 = 9, colon: UInt8 = 58

    static func scan(_ bytes: UnsafeRawBufferPointer, maxHead: Int) -> Scan {
        guard let end = headEnd(bytes) else { return bytes.count > maxHead ? .notRead : .incomplete }
        guard end <= maxHead, let (isGet, target, firstField) = requestLine(bytes, end) else { return .notRead }
        var head = WireRequestHead(length: end, isGet: isGet, target: target, authorization: nil, plain: true)
        var start = firstField, authorizations = 0
        while start < end - 2 {
            guard let lineEnd = lineEnd(bytes, from: start, before: end),
                  let (name, value) = field(bytes, start, lineEnd) else { return .notRead }
            switch name {
            case .body: return .notRead
            case .authorization:
                authorizations += 1
                head.authorization = authorizations == 1 ? String(decoding: bytes[value], as: UTF8.self) : nil
            case .mustPassOn: head.plain = false
            case .other: break
            }
            start = lineEnd + 2
        }
        if authorizations > 1 { head.plain = false }
        return .head(head)
    }

    /// The offset just after the first CR LF CR LF, if any (each CR found by `memchr`).
    private static func headEnd(_ b: UnsafeRawBufferPointer) -> Int? {
        guard let base = b.baseAddress else { return nil }
        var from = 0
        while b.count - from >= 4, let found = memchr(base + from, Int32(cr), b.count - from - 3) {
            let i = base.distance(to: UnsafeRawPointer(found))
            if b[i + 1] == lf && b[i + 2] == cr && b[i + 3] == lf { return i + 4 }
            from = i + 1
        }
        return nil
    }

    /// The CR of the line starting at `start`; nil when a bare LF or CR comes first.
    private static func lineEnd(_ b: UnsafeRawBufferPointer, from start: Int, before end: Int) -> Int? {
        var i = start
        while i < end {
            if b[i] == cr { return i + 1 < end && b[i + 1] == lf ? i : nil }
            if b[i] == lf { return nil }
            i += 1
        }
        return nil
    }

    /// `METHOD SP TARGET SP HTTP/1.1 CRLF`: whether the method is GET, the target, and where the fields start.
    private static func requestLine(_ b: UnsafeRawBufferPointer, _ end: Int) -> (Bool, String, Int)? {
        guard let crlf = lineEnd(b, from: 0, before: end) else { return nil }
        var i = 0
        while i < crlf, isTokenByte(b[i]) { i += 1 }
        guard i > 0, i < crlf, b[i] == space else { return nil }
        let isGet = i == 3 && b[0] == 71 && b[1] == 69 && b[2] == 84  // "GET"
        let targetStart = i + 1
        i = targetStart
        while i < crlf, b[i] > space, b[i] < 127 { i += 1 }
        guard i > targetStart, i + 1 + http11.count == crlf, b[i] == space,
              b[(i + 1)..<crlf].elementsEqual(http11) else { return nil }
        return (isGet, String(decoding: b[targetStart..<i], as: UTF8.self), crlf + 2)
    }

    private enum FieldKind { case body, authorization, mustPassOn, other }

    /// A field line's kind and its value's range (without surrounding spaces); nil when malformed.
    private static func field(_ b: UnsafeRawBufferPointer, _ start: Int, _ crlf: Int) -> (FieldKind, Range<Int>)? {
        var i = start
        while i < crlf, isTokenByte(b[i]) { i += 1 }
        guard i > start, i < crlf, b[i] == colon else { return nil }  // also a folded line (leading space)
        let name = b[start..<i]
        var from = i + 1, to = crlf
        while from < to, b[from] == space || b[from] == tab { from += 1 }
        while to > from, b[to - 1] == space || b[to - 1] == tab { to -= 1 }
        for k in from..<to where b[k] != tab && (b[k] < space || b[k] == 127) { return nil }
        return (kind(of: name), from..<to)
    }

    private static func kind(of name: Slice<UnsafeRawBufferPointer>) -> FieldKind {
        func equals(_ lower: StaticString) -> Bool {
            guard name.count == lower.utf8CodeUnitCount else { return false }
            var p = lower.utf8Start
            for byte in name {
                let folded = byte >= 65 && byte <= 90 ? byte + 32 : byte
                guard folded == p.pointee else { return false }
                p += 1
            }
            return true
        }
        if equals("authorization") { return .authorization }
        if equals("content-length") || equals("transfer-encoding") { return .body }
        if equals("connection") || equals("expect") || equals("upgrade") { return .mustPassOn }
        return .other
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ c: UInt8) -> Bool {
        switch c {
        case 48...57, 65...90, 97...122: return true
        case 33, 35, 36, 37, 38, 39, 42, 43, 45, 46, 94, 95, 96, 124, 126: return true
        default: return false
        }
    }
}

/// The bytes of an answer's head, as Hummingbird writes them for the route, made once (the
/// date once a second): `prefix`, the body's length, then `dateAndServer()`.
struct AnswerHead {
    let prefix = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ".utf8)
    let serverLine: [UInt8]
    private var second = -1
    private var dateLines: [UInt8] = []

    init(server: String?) {
        serverLine = server.map { Array("\r\nServer: \($0)".utf8) } ?? []
    }

    /// From the end of the length to the blank line.
    mutating func dateAndServer() -> [UInt8] {
        let now = Int(time(nil))
        if now != second {
            second = now
            dateLines = Array("\r\nDate: \(HTTPDate.field().value)".utf8) + serverLine + Array("\r\n\r\n".utf8)
        }
        return dateLines
    }
}

