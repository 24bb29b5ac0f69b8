import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The text of a breach notification to the controller, produced from the register (P-7,
/// §11.2.8.2): nature, categories and approximate numbers of persons and records, contact
/// point, likely consequences, measures taken or proposed; what this phase adds and what is
/// still to follow. A pure function: the same entry gives the same text.
public enum BreachNotification {
    /// The text of phase `phase` of `breach`, `newItems` being what it adds.
    public static func text(_ breach: PersonalDataBreach, phase: Int, newItems: [String]) -> String {
        let facts = breach.facts
        func line(_ label: String, _ value: String?) -> String { "- \(label): \(value ?? "to follow")" }
        var lines = [
            "Notification \(phase) of a personal data breach, from your processor (contract §11.2.8.2; GDPR art. 33(2)).",
            "",
            "- Breach: \(breach.id)",
            "- Detected by the processor: \(ISO8601.string(breach.detectedAt))",
            line("Occurred", facts.occurredAt.map(ISO8601.string)),
            line("Nature", facts.nature),
            line(
                "Categories of data",
                facts.categories.flatMap { $0.isEmpty ? nil : $0.map(\.rawValue).sorted().joined(separator: ", ") }),
            line("Approximate number of persons", facts.approximatePersons.map(String.init)),
            line("Approximate number of records", facts.approximateRecords.map(String.init)),
            line("Contact point", facts.contactPoint),
            line("Likely consequences", facts.likelyConsequences),
            line("Measures taken", facts.measuresTaken),
            line("Measures proposed", facts.measuresProposed),
            "",
        ]
        if phase > 1 { lines.append("New in this notification: " + newItems.joined(separator: ", ") + ".") }
        let missing = facts.missingItems
        lines.append(
            missing.isEmpty
                ? "This notification is complete."
                : "Still to follow: " + missing.joined(separator: ", ") + "; we will send it as soon as it is known.")
        if let first = breach.controllerNotifiedAt {
            lines.append(
                "You were first notified at \(ISO8601.string(first)); your notification to the supervisory authority "
                    + "is due by \(ISO8601.string(first.addingTimeInterval(BreachRegister.authorityHorizon))) "
                    + "(72 hours, GDPR art. 33(1)).")
        } else {
            lines.append(
                "Your notification to the supervisory authority is due within 72 hours of this notice "
                    + "(GDPR art. 33(1)), unless the breach is unlikely to result in a risk to persons.")
        }
        return lines.joined(separator: "\n")
    }
}
