import KimpleCore

/// What kind of organisation a recipient is: some adequacy decisions cover only some kinds
/// (Canada: commercial organisations; Japan: the private sector) (P-8).
public enum OrganisationKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A business acting in the course of commercial activities.
    case commercial
    /// A non-profit association, foundation, charity.
    case nonProfit = "non_profit"
    /// A public authority or body of a state.
    case publicAuthority = "public_authority"
    /// An international organisation (the European Patent Organisation...).
    case internationalOrganisation = "international_organisation"
}

/// A certification scheme that an adequacy decision may require of the recipient (P-8).
public struct CertificationScheme: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The scheme's stable name, such as `eu_us_data_privacy_framework`.
    public let rawValue: String
    /// A scheme from its name; the SDK declares the schemes the adequacy decisions it knows require.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The scheme's name.
    public var description: String { rawValue }

    /// The EU–US Data Privacy Framework (Commission Implementing Decision (EU) 2023/1795):
    /// the recipient appears, active, on the Data Privacy Framework List.
    public static let euUSDataPrivacyFramework = CertificationScheme(rawValue: "eu_us_data_privacy_framework")
}

/// A recipient's certification, with the dates between which it holds.
public struct RecipientCertification: Sendable, Hashable, Codable {
    /// The scheme.
    public var scheme: CertificationScheme
    /// First day it holds.
    public var since: CivilDate
    /// Last day it holds (the next re-certification date), `nil` when open-ended.
    public var until: CivilDate?

    /// A certification of `scheme` holding from `since` to `until`.
    public init(scheme: CertificationScheme, since: CivilDate, until: CivilDate? = nil) {
        self.scheme = scheme
        self.since = since
        self.until = until
    }

    /// Whether it holds on `date`.
    public func holds(on date: CivilDate) -> Bool {
        since <= date && (until.map { date <= $0 } ?? true)
    }
}

/// The role of a recipient towards the controller's data.
public enum RecipientRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// The controller itself (exports to its systems).
    case controller
    /// A sub-processor of the processor: must be on the agreed list (P-4).
    case subProcessor = "sub_processor"
    /// Another recipient the controller designated (its agency, its CRM provider...).
    case designatedRecipient = "designated_recipient"
}

/// A recipient of personal data outside the SDK's stores, with the facts the transfer rule
/// needs (P-8): where it is, what kind of organisation it is, its certifications.
public struct TransferRecipient: Sendable, Hashable, Codable {
    /// The recipient's name, as ``TransferDestination/recipient`` names it.
    public var name: String
    /// Where it processes the data: ISO 3166-1 alpha-2 code, or `ORG:<acronym>` for an
    /// international organisation (see ``AdequacyTable``).
    public var country: String
    /// Its role.
    public var role: RecipientRole
    /// What kind of organisation it is.
    public var organisationKind: OrganisationKind
    /// Its certifications (the Data Privacy Framework for a US recipient).
    public var certifications: [RecipientCertification]

    /// The country code is upper-cased.
    public init(
        name: String, country: String, role: RecipientRole, organisationKind: OrganisationKind = .commercial,
        certifications: [RecipientCertification] = []
    ) {
        self.name = name
        self.country = country.uppercased()
        self.role = role
        self.organisationKind = organisationKind
        self.certifications = certifications
    }

    /// The destination this recipient stands for.
    public var destination: TransferDestination { TransferDestination(country: country, recipient: name) }

    /// Whether a certification of `scheme` holds on `date`.
    public func isCertified(_ scheme: CertificationScheme, on date: CivilDate) -> Bool {
        certifications.contains { $0.scheme == scheme && $0.holds(on: date) }
    }

    /// Throws `privacy.instruction.invalid` when the name is empty or the country is not a
    /// two-letter code or an `ORG:` code.
    func validate() throws {
        guard !Text.isBlank(name), name.utf8.count <= 200 else {
            throw KimpleError(
                .privacyInstructionInvalid, "A recipient needs a name of 1 to 200 bytes.",
                context: ["country": country])
        }
        guard AdequacyTable.isValidDestinationCode(country) else {
            throw KimpleError(
                .privacyInstructionInvalid,
                "A recipient's country is an ISO 3166-1 alpha-2 code (FR, US...) or ORG:<acronym> for an international organisation.",
                context: ["recipient": name, "country": String(country.prefix(16))])
        }
    }
}
