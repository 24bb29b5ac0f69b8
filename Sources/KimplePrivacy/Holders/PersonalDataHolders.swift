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
    /// The instruction the holder's data is processed under (its retention applies, P-9).
    public let instruction: InstructionID

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
            list.append(RegisteredHolder(holder: holder, instruction: instruction))
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
