import Foundation

/// The LAO facts the status report needs that are set by hand (`eplan laos set`); the
/// registry CSV sets the same columns on import (vision, vision_recorded_on, strategies).
public struct LAOFacts: Sendable {
    /// Vision recorded (nil: unchanged).
    public var vision: Bool?
    /// The day it was recorded; with `vision == true` and no day, today (Thai time).
    public var visionRecordedOn: CalendarDate?
    /// nil: unchanged; .some(nil): cleared.
    public var strategies: Int??

    public init(vision: Bool? = nil, visionRecordedOn: CalendarDate? = nil, strategies: Int?? = nil) {
        self.vision = vision; self.visionRecordedOn = visionRecordedOn; self.strategies = strategies
    }

    public static func bool(_ s: String) -> Bool? { LAOColumns.bool(s) }

    /// One transaction; an unknown LAO changes nothing. Does not touch the LAO's
    /// `updated_at` (that dates its jurisdiction, which pins are judged by).
    public func apply(store: any EPlanStoring, code: String) throws {
        let on = vision == true ? (visionRecordedOn ?? CalendarDate.today()).iso : nil
        try store.setLAOFacts(code: code, vision: vision, visionRecordedOn: on, strategies: strategies)
    }
}
