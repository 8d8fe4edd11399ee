import CPROJ
import EPlanGeometry
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error reported by PROJ, carrying PROJ's own (English) text inside a bilingual message.
public struct PROJError: UserFacingError, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case libraryMissing, contextCreation, databaseNotFound, createOperation, transform
    }
    public let kind: Kind
    /// PROJ's error number (proj_context_errno / proj_errno), 0 when PROJ gave none.
    public let code: Int32
    /// PROJ's own text for `code`.
    public let projMessage: String
    public let message: Message

    init(_ kind: Kind, code: Int32, projMessage: String, message: Message) {
        self.kind = kind; self.code = code; self.projMessage = projMessage; self.message = message
    }
}

/// Sole owner of one `PJ_CONTEXT*`. Shared (retained) by `PROJContext` and by every
/// `CoordinateTransform` made from it, so the context is destroyed only after the last PJ
/// that uses it; keeping it separate from `PROJContext` avoids a retain cycle with the cache.
final class PROJContextHandle {
    let ctx: OpaquePointer

    init(_ ctx: OpaquePointer) { self.ctx = ctx }
    deinit { cproj_context_destroy(ctx) }

    /// PROJ's last context error as (code, text).
    func lastError() -> (Int32, String) {
        let code = cproj_context_errno(ctx)
        return (code, Self.text(ctx, code))
    }

    static func text(_ ctx: OpaquePointer, _ code: Int32) -> String {
        guard code != 0, let p = cproj_context_errno_string(ctx, code) else { return "no error code from PROJ" }
        return String(cString: p)
    }
}

/// One PROJ context. Not thread-safe: use one per thread (PROJ contexts are not shareable).
/// Also caches `CoordinateTransform`s per CRS pair, because creating one costs milliseconds.
public final class PROJContext {
    let handle: PROJContextHandle
    private var cache: [CRSPair: CoordinateTransform] = [:]

    /// Where proj.db is looked for when PROJ cannot find it itself (no PROJ_DATA set up).
    static let fallbackSearchPaths = ["/usr/share/proj", "/usr/local/share/proj", "/opt/homebrew/share/proj"]

    public init() throws {
        try PROJLibrary.load()
        guard let ctx = cproj_context_create() else {
            throw PROJError(.contextCreation, code: 0, projMessage: "proj_context_create returned NULL",
                            message: Message(th: "สร้าง PROJ context ไม่ได้", en: "could not create a PROJ context"))
        }
        // Owned from here on: any throw below frees it through the handle's deinit.
        let handle = PROJContextHandle(ctx)
        self.handle = handle
        // We report PROJ's errors ourselves, bilingually; PROJ's own stderr logging would duplicate them.
        cproj_log_level(ctx, PJ_LOG_NONE)
        // Results must not depend on what a CDN serves today: grids only from local proj-data.
        cproj_context_set_enable_network(ctx, 0)
        try Self.ensureDatabase(ctx)
    }

    /// PROJ's release string (cproj_info().release), e.g. "Rel. 9.1.1, December 1st, 2022".
    public static func version() -> String {
        guard (try? PROJLibrary.load()) != nil else { return "unavailable (\(PROJLibrary.loadError))" }
        let info = cproj_info()
        guard let r = info.release else { return "unknown" }
        return String(cString: r)
    }

    /// The proj.db this context uses.
    public var databasePath: String? {
        cproj_context_get_database_path(handle.ctx).map { String(cString: $0) }
    }

    /// A transform for the pair, created once and reused afterwards.
    public func transform(from source: CRS, to target: CRS) throws -> CoordinateTransform {
        let key = CRSPair(source: source, target: target)
        if let t = cache[key] { return t }
        let t = try CoordinateTransform.withoutPROJ(from: source, to: target)
            ?? CoordinateTransform(from: source, to: target, handle: handle)
        cache[key] = t
        return t
    }

    private static func databaseUsable(_ ctx: OpaquePointer) -> Bool {
        guard let p = cproj_context_get_database_path(ctx) else { return false }
        return access(p, R_OK) == 0
    }

    private static func ensureDatabase(_ ctx: OpaquePointer) throws {
        if databaseUsable(ctx) { return }
        for dir in fallbackSearchPaths where access(dir + "/proj.db", R_OK) == 0 {
            dir.withCString { cdir in
                var paths: [UnsafePointer<CChar>?] = [cdir]
                cproj_context_set_search_paths(ctx, 1, &paths)
            }
            if databaseUsable(ctx) { return }
        }
        let code = cproj_context_errno(ctx)
        let text = PROJContextHandle.text(ctx, code)
        let tried = fallbackSearchPaths.joined(separator: ", ")
        throw PROJError(.databaseNotFound, code: code, projMessage: text, message: Message(
            th: "ไม่พบฐานข้อมูล proj.db (ลองแล้ว: \(tried)); ติดตั้งแพ็กเกจ proj-data หรือตั้ง PROJ_DATA — PROJ: \(text)",
            en: "proj.db not found (tried: \(tried)); install proj-data or set PROJ_DATA — PROJ: \(text)"))
    }
}

struct CRSPair: Hashable {
    let source: CRS
    let target: CRS
}

extension PROJContext {
    /// Just the version number (cproj_info().version), e.g. "9.1.1".
    public static func versionNumber() -> String {
        guard (try? PROJLibrary.load()) != nil else { return "unavailable" }
        guard let v = cproj_info().version else { return "unknown" }
        return String(cString: v)
    }
}

/// libproj itself, opened on first use (see CPROJ's header for why not at start-up).
public enum PROJLibrary {
    /// Opens libproj if it is not open yet; throws PROJError.libraryMissing with dlerror's text.
    public static func load() throws {
        if cproj_load() == 1 { return }
        throw PROJError(.libraryMissing, code: 0, projMessage: loadError, message: Message(
            th: "โหลดไลบรารี PROJ ไม่ได้ (ติดตั้งแพ็กเกจ libproj25 หรือ libproj-dev): \(loadError)",
            en: "cannot load the PROJ library (install libproj25 or libproj-dev): \(loadError)"))
    }

    public static var loadError: String { String(cString: cproj_load_error()) }

    /// Whether libproj has been opened in this process (tests check that lookups need not).
    public static var isLoaded: Bool { cproj_is_loaded() == 1 }
}
