import Foundation
import EPlanDomain

/// Who does something: recorded with every write, and (with the service) what decides
/// which LAOs and provinces a request may touch.
public struct Actor: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        /// The holder of the store file on the command line: every right, as the file itself gives.
        case local
        /// An LAO's engineer (ช่าง): pins its LAO's projects.
        case engineer
        /// An LAO's planning staff: its plans and projects.
        case planner
        /// An LAO's finance staff: budget, contract and disbursement fields.
        case finance
        /// The provincial office: reads and audits every LAO of its province.
        case province
        /// Manages accounts and boundaries.
        case admin
    }

    /// The name recorded with writes (`pinned_by`, the stage log).
    public let name: String
    public let role: Role
    /// The LAO an LAO-level account belongs to.
    public let laoCode: String?
    /// The province a provincial account covers.
    public let provinceCode: String?

    public init(name: String, role: Role, laoCode: String? = nil, provinceCode: String? = nil) {
        self.name = name; self.role = role; self.laoCode = laoCode; self.provinceCode = provinceCode
    }

    /// The person at the command line, named by `--by` or the OS account.
    public static func local(_ name: String) throws -> Actor {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw AppError(.badInput, Message(th: "--by ต้องระบุชื่อผู้บันทึก (ว่างไม่ได้)", en: "--by must name who records it (not empty)"),
                           field: "--by")
        }
        return Actor(name: trimmed, role: .local)
    }

    /// May this actor store a pin for a project of `lao` (in `province`)? Forcing a pin
    /// outside is for the provincial office (review) and the local file holder.
    public func mayPin(laoCode lao: String, provinceCode province: String?, force: Bool) -> Bool {
        switch role {
        case .local: return true
        case .engineer: return !force && laoCode == lao
        case .province: return provinceCode != nil && provinceCode == province
        case .planner, .finance, .admin: return false
        }
    }
}

/// The actor and the language of one request: every use case takes it.
public struct RequestContext: Sendable {
    public let actor: Actor
    public let language: Language
    public init(actor: Actor, language: Language) { self.actor = actor; self.language = language }
}
