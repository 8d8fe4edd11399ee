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
        do { return Actor(name: try PinInput.pinnedBy(name), role: .local) } catch let e as PinInputError {
            throw AppError(.badInput, e.message, field: "--by", underlying: e)
        }
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

extension Actor {
    /// Kinds of write the roles are told apart by: plans and the plan's stages (plan
    /// approval, progress, completion) are planning's; budget approval, contract and
    /// disbursement are finance's.
    public enum Right: Sendable { case editPlans, editStages, editFinance }

    /// Refuses (`forbidden`) unless this actor has the right, for `laoCode` when given.
    /// The local file holder has every right; LAO staff only for their own LAO.
    public func require(_ right: Right, laoCode lao: String? = nil) throws {
        let allowed: Bool
        switch (role, right) {
        case (.local, _): allowed = true
        case (.planner, .editPlans): allowed = lao == nil ? laoCode != nil : laoCode == lao
        case (.planner, .editStages), (.finance, .editFinance): allowed = lao != nil && laoCode == lao
        default: allowed = false
        }
        guard allowed else {
            throw AppError(.forbidden, Message(th: "บัญชี \(name) (\(role.rawValue)) ไม่มีสิทธิ์ทำรายการนี้" + (lao.map { " ของ อปท. \($0)" } ?? ""),
                                               en: "account \(name) (\(role.rawValue)) may not do this" + (lao.map { " for LAO \($0)" } ?? "")))
        }
    }
}

/// The actor and the language of one request: every use case takes it.
public struct RequestContext: Sendable {
    public let actor: Actor
    public let language: Language
    public init(actor: Actor, language: Language) { self.actor = actor; self.language = language }
}
