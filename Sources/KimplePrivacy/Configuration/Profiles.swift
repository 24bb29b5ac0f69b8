import KimpleCore

/// A party's identity and contact, as the record of processing activities needs them
/// (GDPR art. 30(2)(a)).
public struct PartyProfile: Sendable, Hashable, Codable {
    /// Legal name.
    public var name: String
    /// Postal address.
    public var address: String
    /// Contact for data protection matters (an e-mail address or a service).
    public var contact: String
    /// The data protection officer's contact, when one is designated.
    public var dataProtectionOfficer: String?
    /// The representative in the Union (art. 27), when one is designated.
    public var representative: String?

    /// A party.
    public init(
        name: String, address: String, contact: String, dataProtectionOfficer: String? = nil,
        representative: String? = nil
    ) {
        self.name = name
        self.address = address
        self.contact = contact
        self.dataProtectionOfficer = dataProtectionOfficer
        self.representative = representative
    }
}

/// Where the SDK stores or collects personal data for its tenants: the host (provider and
/// country) declared by the integrator. Hosting and collection may use only agreed
/// sub-processors located in the EU, the EEA or an adequate country (§14.4, §11.2.10; P-4, P-8).
public struct HostingSite: Sendable, Hashable, Codable {
    /// What the site does.
    public enum Activity: String, Sendable, Hashable, Codable, CaseIterable {
        /// Storage of the data (the SDK's stores live there).
        case hosting
        /// Collection of participations (the intake endpoints).
        case collection
    }

    /// The provider's name, as on the sub-processor list (`Microsoft Azure`).
    public var provider: String
    /// Where the data is: ISO 3166-1 alpha-2 code.
    public var country: String
    /// What happens there.
    public var activities: Set<Activity>

    /// A site; the country code is upper-cased.
    public init(provider: String, country: String, activities: Set<Activity>) {
        self.provider = provider
        self.country = country.uppercased()
        self.activities = activities
    }
}

/// A technical or organisational security measure, for the record of processing
/// activities (art. 30(2)(d), art. 32) and the description owed under §11.2.6.
public struct SecurityMeasure: Sendable, Hashable, Codable {
    /// A short title.
    public var title: String
    /// What it does, for a person.
    public var description: String

    /// A measure.
    public init(title: String, description: String) {
        self.title = title
        self.description = description
    }

    /// The measures the SDK itself enforces, whatever the host adds.
    public static let sdkMeasures: [SecurityMeasure] = [
        SecurityMeasure(
            title: "Segregation per controller",
            description:
                "Every store belongs to one tenant and is reached only through that tenant's handle (§11.2.6)."),
        SecurityMeasure(
            title: "Processing only on documented instructions",
            description:
                "Every SDK path that touches personal data asks the processing gate first; processing without a "
                + "versioned instruction naming the purpose, the categories and the destination is refused and logged."),
        SecurityMeasure(
            title: "Special categories",
            description:
                "Fields of special categories are refused unless an instruction names them, and are not exported "
                + "in clear unless the instruction allows it."),
        SecurityMeasure(
            title: "Evidence log",
            description:
                "Processing decisions, reads of personal data, requests, breaches and destructions are written to an "
                + "append-only log chained by SHA-256; anyone holding it can verify that no entry was changed, "
                + "removed or reordered."),
        SecurityMeasure(
            title: "Transfers",
            description:
                "Data leaves only for destinations the instruction names, in the EU, the EEA or a country (and "
                + "recipient) covered by an adequacy decision in force on the day."),
        SecurityMeasure(
            title: "Real erasure",
            description:
                "Erasure rewrites the stores so that the bytes are gone, and is verified store by store."),
        SecurityMeasure(
            title: "Durability",
            description:
                "File stores are checksummed journals written with fsync; a torn write is detected and cut on reopen."),
    ]
}
