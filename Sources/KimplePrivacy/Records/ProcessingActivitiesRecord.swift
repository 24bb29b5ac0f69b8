import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One category of processing carried out for a controller: an instruction in its latest
/// version (art. 30(2)(b)).
public struct ProcessingCategoryEntry: Sendable, Hashable, Codable {
    /// The instruction.
    public var instruction: String
    /// Its version.
    public var version: Int
    /// Where it is written.
    public var reference: String
    /// `in force`, `revoked`, `held (flagged)`.
    public var status: String
    /// Purposes.
    public var purposes: [String]
    /// Categories of data.
    public var categories: [String]
    /// Special categories explicitly allowed.
    public var specialCategories: [String]
    /// Retention.
    public var retention: String
}

/// A recipient of data outside the SDK's stores, with its transfer basis (art. 30(2)(c)).
public struct TransferEntry: Sendable, Hashable, Codable {
    /// Recipient.
    public var recipient: String
    /// Where it is.
    public var country: String
    /// Its role (`controller`, `sub_processor`, `designated_recipient`).
    public var role: String
    /// Whether it is outside the EU and the EEA (a transfer to a third country or an
    /// international organisation).
    public var thirdCountry: Bool
    /// The basis: `European Union`, `European Economic Area`, or the adequacy decision; or
    /// why it is not allowed on the record's date.
    public var basis: String
    /// The guarantees known (a sub-processor's list).
    public var guarantees: [String]
}

/// What the record says about one controller.
public struct ControllerActivities: Sendable, Hashable, Codable {
    /// The tenant.
    public var tenant: String
    /// The controller's identity and contacts (art. 30(2)(a)).
    public var controller: PartyProfile
    /// The categories of processing (art. 30(2)(b)).
    public var processing: [ProcessingCategoryEntry]
    /// Recipients and transfers (art. 30(2)(c)).
    public var transfers: [TransferEntry]
}

/// The processor's record of processing activities (GDPR art. 30(2); P-12, §11.2.5),
/// generated from the SDK's own configuration: the instructions recorded, the agreed
/// sub-processors, the hosting, the adequacy table and the security measures. Exports as
/// JSON and Markdown for a controller or the supervisory authority.
public struct ProcessingActivitiesRecord: Sendable, Hashable, Codable {
    /// When it was generated (ISO 8601).
    public var generatedAt: String
    /// The processor (art. 30(2)(a)).
    public var processor: PartyProfile
    /// Where the data is hosted and collected.
    public var hosting: [HostingSite]
    /// Per controller.
    public var controllers: [ControllerActivities]
    /// Sub-processors engaged, with their guarantees.
    public var subProcessors: [TransferEntry]
    /// General description of the security measures (art. 30(2)(d), art. 32(1)).
    public var securityMeasures: [SecurityMeasure]

    /// What the builder needs about one controller.
    public struct ControllerSource: Sendable {
        /// The tenant.
        public var tenant: TenantID
        /// Its identity and contacts.
        public var profile: PartyProfile
        /// The latest version of each of its instructions.
        public var instructions: [ControllerInstruction]
        /// The sub-processors it agreed to.
        public var subProcessors: [SubProcessor]

        /// A controller's facts.
        public init(
            tenant: TenantID, profile: PartyProfile, instructions: [ControllerInstruction],
            subProcessors: [SubProcessor]
        ) {
            self.tenant = tenant
            self.profile = profile
            self.instructions = instructions
            self.subProcessors = subProcessors
        }
    }

    /// Builds the record at `date` (a pure function of its arguments). Controllers are
    /// sorted by tenant, instructions by id, recipients by name.
    public static func build(
        processor: PartyProfile, hosting: [HostingSite], controllers: [ControllerSource],
        securityMeasures: [SecurityMeasure] = SecurityMeasure.sdkMeasures, adequacy: AdequacyTable = .builtIn,
        at date: Date, calendar: FrenchCalendar = .paris
    ) -> ProcessingActivitiesRecord {
        let day = calendar.civilDate(of: date)
        func entry(_ recipient: TransferRecipient, guarantees: [String]) -> TransferEntry {
            let assessment = adequacy.assess(destination: recipient.country, recipient: recipient, on: day)
            let basis: String
            switch assessment.basis?.kind {
            case .europeanUnion?: basis = "European Union"
            case .europeanEconomicArea?: basis = "European Economic Area"
            case .adequacyDecision?: basis = "Adequacy decision: " + (assessment.basis?.decision?.reference ?? "")
            case nil: basis = "Not allowed: " + assessment.explanation
            }
            let inside = assessment.basis.map { $0.kind != .adequacyDecision } ?? false
            return TransferEntry(
                recipient: recipient.name, country: recipient.country, role: recipient.role.rawValue,
                thirdCountry: !inside, basis: basis, guarantees: guarantees)
        }
        var allSubProcessors: [String: SubProcessor] = [:]
        let sections = controllers.sorted { $0.tenant < $1.tenant }.map { source -> ControllerActivities in
            for sub in source.subProcessors { allSubProcessors[sub.name] = sub }
            let processing = source.instructions.sorted { $0.id < $1.id }.map { instruction in
                let terms = instruction.terms
                let status =
                    instruction.revocation != nil ? "revoked" : instruction.isHeld ? "held (flagged)" : "in force"
                return ProcessingCategoryEntry(
                    instruction: instruction.id.rawValue, version: instruction.version, reference: terms.reference,
                    status: status, purposes: terms.purposes.map(\.rawValue).sorted(),
                    categories: terms.categories.map(\.rawValue).sorted(),
                    specialCategories: terms.specialCategories.map(\.rawValue).sorted(),
                    retention: terms.retention.description)
            }
            var recipients: [TransferDestination: TransferEntry] = [:]
            for instruction in source.instructions where instruction.revocation == nil {
                for recipient in instruction.terms.recipients {
                    let guarantees =
                        source.subProcessors.first {
                            $0.name == recipient.name && $0.recipient.country == recipient.country
                        }?
                        .guarantees ?? []
                    recipients[recipient.destination] = entry(recipient, guarantees: guarantees)
                }
            }
            return ControllerActivities(
                tenant: source.tenant.rawValue, controller: source.profile, processing: processing,
                transfers: recipients.values.sorted { ($0.recipient, $0.country) < ($1.recipient, $1.country) })
        }
        return ProcessingActivitiesRecord(
            generatedAt: ISO8601.string(date), processor: processor, hosting: hosting, controllers: sections,
            subProcessors: allSubProcessors.values.sorted { $0.name < $1.name }.map {
                entry($0.recipient, guarantees: $0.guarantees)
            }, securityMeasures: securityMeasures)
    }

    /// The record as pretty-printed JSON with sorted keys. Throws `core.invalid_argument`
    /// when it cannot be encoded.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            return try encoder.encode(self)
        } catch {
            throw KimpleError(.invalidArgument, "The record cannot be encoded as JSON: \(error)")
        }
    }

    /// The record as Markdown.
    public var markdown: String {
        func party(_ profile: PartyProfile) -> String {
            var text = "- Name: \(profile.name)\n- Address: \(profile.address)\n- Contact: \(profile.contact)\n"
            if let dpo = profile.dataProtectionOfficer { text += "- Data protection officer: \(dpo)\n" }
            if let representative = profile.representative { text += "- Representative: \(representative)\n" }
            return text
        }
        func transfers(_ entries: [TransferEntry]) -> String {
            guard !entries.isEmpty else { return "None.\n" }
            var text =
                "| Recipient | Country | Role | Third country | Basis | Guarantees |\n|---|---|---|---|---|---|\n"
            for e in entries {
                text +=
                    "| \(e.recipient) | \(e.country) | \(e.role) | \(e.thirdCountry ? "yes" : "no") | \(e.basis) | "
                    + e.guarantees.joined(separator: "; ") + " |\n"
            }
            return text
        }
        var text = "# Record of processing activities (GDPR art. 30(2))\n\nGenerated \(generatedAt).\n\n"
        text += "## Processor\n\n" + party(processor) + "\n"
        text += "## Hosting and collection\n\n"
        for site in hosting {
            text +=
                "- \(site.provider), \(site.country): "
                + site.activities.map(\.rawValue).sorted().joined(separator: ", ") + "\n"
        }
        text += "\n## Sub-processors\n\n" + transfers(subProcessors) + "\n"
        for section in controllers {
            text +=
                "## Controller \(section.controller.name) (tenant \(section.tenant))\n\n" + party(section.controller)
            text += "\n### Categories of processing\n\n"
            for p in section.processing {
                text +=
                    "- **\(p.instruction)** v\(p.version) (\(p.reference)), \(p.status): purposes "
                    + p.purposes.joined(separator: ", ") + "; data " + p.categories.joined(separator: ", ")
                if !p.specialCategories.isEmpty {
                    text += "; special categories " + p.specialCategories.joined(separator: ", ")
                }
                text += "; retention \(p.retention)\n"
            }
            text += "\n### Recipients and transfers\n\n" + transfers(section.transfers) + "\n"
        }
        text += "## Security measures\n\n"
        for measure in securityMeasures { text += "- **\(measure.title)**: \(measure.description)\n" }
        return text
    }
}
