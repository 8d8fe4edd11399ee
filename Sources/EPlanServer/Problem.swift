import EPlanApp
import EPlanDomain
import Foundation
import Hummingbird

/// An RFC 9457 problem answer (`application/problem+json`): a stable `type`, a title and
/// detail in the request's language, the field at fault. Never a stack trace or SQL: a
/// failure of ours is answered with a generic detail, and the error goes to the log only.
public struct Problem: Error, Sendable {
    /// The stable kinds of problem this service answers with; the `type` is `urn:eplan:problem:<kind>`.
    public enum Kind: String, Sendable, CaseIterable {
        case badInput = "bad-input", notFound = "not-found", forbidden, storeUnavailable = "store-unavailable"
        case internalError = "internal", unauthenticated, csrf, tooManyAttempts = "too-many-attempts"
        case tooLarge = "too-large", pinRefused = "pin-refused", noRoute = "no-route", methodNotAllowed = "method-not-allowed"

        var status: HTTPResponse.Status {
            switch self {
            case .badInput: return .badRequest
            case .notFound, .noRoute: return .notFound
            case .forbidden, .csrf: return .forbidden
            case .storeUnavailable: return .serviceUnavailable
            case .internalError: return .internalServerError
            case .unauthenticated: return .unauthorized
            case .tooManyAttempts: return .tooManyRequests
            case .tooLarge: return .contentTooLarge
            case .pinRefused: return .unprocessableContent
            case .methodNotAllowed: return .methodNotAllowed
            }
        }

        var title: Message {
            switch self {
            case .badInput: return Message(th: "ข้อมูลที่ส่งมาไม่ถูกต้อง", en: "Bad input")
            case .notFound: return Message(th: "ไม่พบสิ่งที่ระบุ", en: "Not found")
            case .forbidden: return Message(th: "ไม่มีสิทธิ์", en: "Forbidden")
            case .storeUnavailable: return Message(th: "ฐานข้อมูลไม่พร้อมใช้งาน", en: "Store unavailable")
            case .internalError: return Message(th: "ข้อผิดพลาดภายในระบบ", en: "Internal error")
            case .unauthenticated: return Message(th: "ต้องยืนยันตัวตน", en: "Authentication required")
            case .csrf: return Message(th: "โทเค็น CSRF ไม่ถูกต้อง", en: "CSRF token missing or wrong")
            case .tooManyAttempts: return Message(th: "ลองเข้าสู่ระบบผิดหลายครั้งเกินไป", en: "Too many failed logins")
            case .tooLarge: return Message(th: "ข้อมูลที่ส่งมาใหญ่เกินไป", en: "Request body too large")
            case .pinRefused: return Message(th: "ตำแหน่งไม่ผ่านการตรวจ ไม่ได้บันทึก", en: "Location refused, nothing stored")
            case .noRoute: return Message(th: "ไม่มีเส้นทางนี้ในบริการ", en: "No such route")
            case .methodNotAllowed: return Message(th: "ใช้วิธีนี้กับเส้นทางนี้ไม่ได้", en: "Method not allowed")
            }
        }
    }

    public let kind: Kind
    public let detail: Message
    public let field: String?
    /// Extra members, already JSON (e.g. `"pin"` with the refused pin's checks).
    public let extra: [(String, String)]
    public let headers: HTTPFields

    public init(_ kind: Kind, _ detail: Message, field: String? = nil, extra: [(String, String)] = [], headers: HTTPFields = [:]) {
        self.kind = kind; self.detail = detail; self.field = field; self.extra = extra; self.headers = headers
    }

    /// A use case's failure, by its kind.
    public init(_ error: AppError) {
        let kind: Kind
        switch error.kind {
        case .badInput: kind = .badInput
        case .notFound: kind = .notFound
        case .forbidden: kind = .forbidden
        case .store: kind = .storeUnavailable
        case .internalError, .output: kind = .internalError  // the server's own file or stream failed: logged
        }
        // Our own and the store's failures carry internal text (SQL, the file's path): it
        // goes to the log (ProblemMiddleware), the answer says only what the client can do.
        switch kind {
        case .internalError:
            self.init(kind, Message(th: "เกิดข้อผิดพลาดภายใน โปรดแจ้งผู้ดูแลระบบ", en: "an internal error occurred; please tell the administrator"))
        case .storeUnavailable:
            self.init(kind, Message(th: "ฐานข้อมูลไม่ว่างหรือใช้งานไม่ได้ชั่วคราว ไม่ได้บันทึกอะไร โปรดลองใหม่", en: "the store is busy or unavailable; nothing was stored, try again"),
                      headers: [.retryAfter: "5"])
        default:
            self.init(kind, error.message, field: error.field)
        }
    }

    public func json(_ lang: Language) -> String {
        var members = [
            "\"type\":\"urn:eplan:problem:\(kind.rawValue)\"",
            "\"title\":\(JSONText.string(kind.title.text(lang)))",
            "\"status\":\(kind.status.code)",
            "\"detail\":\(JSONText.string(detail.text(lang)))",
        ]
        if let field { members.append("\"field\":\(JSONText.string(field))") }
        members += extra.map { "\(JSONText.string($0.0)):\($0.1)" }
        return "{" + members.joined(separator: ",") + "}"
    }

    public func response(_ lang: Language) -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        headers[.contentLanguage] = lang.rawValue
        return Response(status: kind.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json(lang))))
    }

    /// Any error met while answering, as a problem.
    static func from(_ error: any Error) -> Problem {
        if let p = error as? Problem { return p }
        if let e = error as? AppError { return Problem(e) }
        // Hummingbird's own: no route, wrong method, a body over the limit (NIOTooManyBytesError).
        if let e = error as? any HTTPResponseError {
            switch e.status {
            case .contentTooLarge:
                return Problem(.tooLarge, Message(th: "ข้อมูลที่ส่งมาต้องไม่เกิน 1 MiB", en: "a request body may be at most 1 MiB"), field: "body")
            case .notFound:
                return Problem(.noRoute, Message(th: "ไม่มีเส้นทางนี้ ดู /api/v1/openapi.json", en: "no such route; see /api/v1/openapi.json"))
            case .methodNotAllowed:
                return Problem(.methodNotAllowed, Message(th: "ใช้วิธีนี้กับเส้นทางนี้ไม่ได้ ดู /api/v1/openapi.json", en: "this method is not allowed here; see /api/v1/openapi.json"),
                               headers: (e as? HTTPError)?.headers ?? [:])
            default: break
            }
        }
        return Problem(AppError.classify(error))
    }
}

/// Turns every error below it into a problem answer in the request's language.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = EPlanRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem.from(error)
            if problem.kind == .internalError || problem.kind == .storeUnavailable {
                context.logger.error("\(request.method) \(request.uri.path): \(error)")
            }
            return problem.response(Self.language(request))
        }
    }

    /// Thai unless the client prefers English (`Accept-Language: en`, first choice).
    static func language(_ request: Request) -> Language {
        guard let value = request.headers[.acceptLanguage] else { return .th }
        let first = value.split(separator: ",").first?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return first.hasPrefix("en") ? .en : .th
    }
}
