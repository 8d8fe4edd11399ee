/// The language of every message a user reads: Thai first, English with `--lang en`.
public enum Language: String, Sendable, CaseIterable {
    case th, en
    /// Set once by the CLI before any work; read when a message is rendered.
    /// nonisolated(unsafe): written once before any work; a server passes the language per
    /// request (`RequestContext.language`, `Message.text(_:)`) and never writes this.
    nonisolated(unsafe) public static var current: Language = .th
}

/// A message in both languages; `text` picks the current one.
public struct Message: Sendable, Equatable, CustomStringConvertible {
    public let th: String
    public let en: String
    public init(th: String, en: String) { self.th = th; self.en = en }
    public func text(_ lang: Language = Language.current) -> String { lang == .th ? th : en }
    public var description: String { text() }
}

/// Every error a user can see carries a bilingual message naming what is at fault.
public protocol UserFacingError: Error, CustomStringConvertible {
    var message: Message { get }
}

extension UserFacingError {
    public var description: String { message.text() }
}
