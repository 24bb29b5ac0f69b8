import KimpleCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A holder registered with the privacy services of its tenant, and the instruction whose
/// retention governs it.
public struct RegisteredHolder: Sendable {
    /// The holder.
    public let holder: any PersonalDataHolder
    /// The instruction the holder's data is processed under (its retention applies, P-9); for
    /// a scoped holder, the instruction of every scope that ``scopeInstructions`` does not name.
    public let instruction: InstructionID
    /// For a holder registered with
    /// ``PersonalDataHolders/register(_:instruction:scopes:)``: which of its scopes are
    /// processed under an instruction of their own.
    public let scopeInstructions: (any ScopeInstructions)?
    /// The holder as a scoped one, when it was registered with scopes.
    let scoped: (any ScopedPersonalDataHolder)?

    /// The holder's name.
    public var name: String { holder.holderName }
}

/// Every store of one tenant that keeps personal data (P-3, P-9, P-10): requests, retention
/// and destruction reach all of them. Games registers its participation store, exports log
/// and robot-event log here at start-up; the order of registration is the order of work.
///
/// Thread-safe; registration is cheap and happens once per holder.
public final class PersonalDataHolders: Sendable {
    /// The tenant whose holders these are.
    public let tenant: TenantID
    private let registrations = Mutex<[RegisteredHolder]>([])

    /// An empty registry for `tenant`.
    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    /// Registers `holder`, governed by `instruction`. Throws `privacy.holder.duplicate` when
    /// a holder with the same name is registered (names appear in proofs and certificates).
    ///
    /// The caller passes a holder of this registry's tenant: Core's holder protocol does not
    /// state its tenant, so it cannot be checked here.
    public func register(_ holder: any PersonalDataHolder, instruction: InstructionID) throws {
        try register(RegisteredHolder(holder: holder, instruction: instruction, scopeInstructions: nil, scoped: nil))
    }

    /// Registers `holder`, whose scopes are governed by the instructions `scopes` names and
    /// any other scope by `instruction` (P-1, P-9): the retention sweep applies each
    /// instruction's own period to its scopes. The games register their holders this way,
    /// with the operations as scopes. Throws what ``register(_:instruction:)`` throws.
    public func register(
        _ holder: any ScopedPersonalDataHolder, instruction: InstructionID, scopes: any ScopeInstructions
    ) throws {
        try register(
            RegisteredHolder(holder: holder, instruction: instruction, scopeInstructions: scopes, scoped: holder))
    }

    private func register(_ registered: RegisteredHolder) throws {
        let holder = registered.holder
        guard holder.tenant == tenant else {
            throw KimpleError(
                .privacyHolderTenantMismatch, "This holder keeps another tenant's data; register it with that tenant.",
                context: [
                    "holder": holder.holderName, "holderTenant": holder.tenant.rawValue, "tenant": tenant.rawValue,
                ])
        }
        try registrations.withLock { list in
            guard !list.contains(where: { $0.name == holder.holderName }) else {
                throw KimpleError(
                    .privacyHolderDuplicate, "A holder with this name is already registered for the tenant.",
                    context: ["holder": holder.holderName])
            }
            list.append(registered)
        }
    }

    /// Every registered holder, in registration order.
    public var all: [RegisteredHolder] { registrations.withLock { $0 } }

    /// The holders' names, in registration order.
    public var names: [String] { all.map(\.name) }
}

/// Digests of subject locators: proofs and the evidence log name a subject by the SHA-256
/// of its locator, never in clear.
public enum SubjectDigest {
    /// The canonical text of a locator: `email:<value>` (trimmed, lower-cased),
    /// `phone:<value>` (without spaces, dots and dashes), `participant:<id>`, `host:<key>`.
    public static func canonical(_ locator: SubjectLocator) -> String {
        switch locator {
        case .email(let value):
            "email:" + value.filter { !$0.isWhitespace }.lowercased()
        case .phone(let value):
            "phone:" + value.filter { !$0.isWhitespace && $0 != "." && $0 != "-" }
        case .participant(let id): "participant:\(id.rawValue)"
        case .hostKey(let key): "host:\(key)"
        }
    }

    /// SHA-256 of ``canonical(_:)``.
    public static func of(_ locator: SubjectLocator) -> SHA256Digest {
        SHA256.hash(canonical(locator))
    }
}
