import EPlanDomain

/// What kind of failure a use case ended in: the one classification every front door maps
/// to its own terms (the CLI to an exit code, the HTTP service to a status).
public enum FailureKind: String, Sendable, CaseIterable {
    /// A coordinate, file, field or value is wrong; the message names it (CLI 1, HTTP 400).
    case badInput = "bad_input"
    /// The project, LAO or other thing named does not exist (CLI 1, HTTP 404).
    case notFound = "not_found"
    /// The actor may not do this to that LAO or province (CLI 1, HTTP 403).
    case forbidden
    /// The store cannot be opened, read or written (CLI 3, HTTP 503).
    case store
    /// The output (a file, standard output, a stream) could not be written (CLI 74).
    case output
    /// A bug of ours (CLI 70, HTTP 500).
    case internalError = "internal"
}

/// A use case's failure: its kind, the bilingual message, and the field at fault when known.
public struct AppError: UserFacingError {
    public let kind: FailureKind
    public let message: Message
    /// The option, parameter or column at fault ("--year", "location"), when one is.
    public let field: String?
    /// The domain's own error, for a front door that needs more than the kind (the CLI says
    /// nothing more on a closed pipe).
    public let underlying: (any Error)?

    public init(_ kind: FailureKind, _ message: Message, field: String? = nil, underlying: (any Error)? = nil) {
        self.kind = kind; self.message = message; self.field = field; self.underlying = underlying
    }

    /// Sorts any error a use case meets into its kind, keeping the domain's own message.
    public static func classify(_ error: any Error) -> AppError {
        if let e = error as? AppError { return e }
        if let e = error as? PlanYearError { return AppError(.badInput, e.message, field: e.field.isEmpty ? nil : e.field) }
        if let e = error as? DatabaseError { return AppError(.store, e.message) }
        if let e = error as? PostgresStoreError { return AppError(.store, e.message) }
        if let e = error as? StoreError {
            switch e.kind {
            case .schemaTooNew, .needsMigration, .notAStore: return AppError(.store, e.message)
            case .unknownBoundary: return AppError(.notFound, e.message)
            default: return AppError(.badInput, e.message)
            }
        }
        if let e = error as? ProjectStoreError, case .unknownProject = e.kind { return AppError(.notFound, e.message) }
        if let e = error as? ExportError {
            switch e.kind {
            case .writeFailed, .stdoutFailed: return AppError(.output, e.message, underlying: e)
            default: return AppError(.badInput, e.message, underlying: e)
            }
        }
        if let e = error as? ProjectQueryError { return AppError(.badInput, e.message, field: e.field, underlying: e) }
        if let e = error as? UserFacingError { return AppError(.badInput, e.message, underlying: e) }
        return AppError(.internalError, Message(th: "ข้อผิดพลาดภายในโปรแกรม (โปรดแจ้งผู้พัฒนา): \(error)",
                                                en: "internal error (please report it): \(error)"))
    }

    static func unknownProject(_ code: String) -> AppError {
        AppError(.notFound, PinValidator.unknownProject(code).message, field: "project")
    }
}

/// The SQLite store behind `store`, for the use cases not yet written for PostgreSQL: on
/// another backend a clear refusal (CLI exit 3, HTTP 503), never a crash.
func sqliteStore(_ store: any EPlanStoring, _ command: String) throws -> Store {
    guard let s = store as? Store else { throw AppError(.store, PostgresStoreError(.sqliteOnly(command: "eplan " + command)).message) }
    return s
}
