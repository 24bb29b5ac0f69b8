import Foundation
import KimpleCore

/// What a campaign came to: the figures the demo prints and its test checks.
public struct DemoSummary: Sendable, Codable {
    /// A prize of the instant win: its stock and the units awarded.
    public struct PrizeLine: Sendable, Codable, Hashable {
        /// The prize's code.
        public var prize: String
        /// Units in the schedule.
        public var stock: Int
        /// Units awarded.
        public var awarded: Int
    }

    /// The contract and its money.
    public struct Contract: Sendable, Codable {
        /// The quote's id.
        public var quote: String
        /// The contract's id.
        public var contract: String
        /// The licence, for a person.
        public var licence: String
        /// Invoices issued.
        public var invoices: Int
        /// The number of the invoice paid late.
        public var lateInvoice: String
        /// Its due date.
        public var dueOn: String
        /// The day it was paid.
        public var paidOn: String
        /// Late interest, in euros.
        public var interest: String
        /// How the interest was computed.
        public var interestDetail: String
        /// The recovery indemnity.
        public var indemnity: String
    }

    /// The draw of the sweepstakes.
    public struct Draw: Sendable, Codable {
        /// Entries in the frozen list.
        public var entries: Int
        /// SHA-256 of the list's canonical form.
        public var entryListSHA256: String
        /// The commitment published before closing: SHA-256 of the seed.
        public var commitment: String
        /// The seed revealed at the draw.
        public var seed: String
        /// SHA-256 of the published certificate file.
        public var certificateSHA256: String
        /// Winners as drawn, place 1 first.
        public var winners: [String]
        /// Reserves as drawn, in promotion order.
        public var reserves: [String]
        /// The winner disqualified.
        public var disqualified: String
        /// Why.
        public var reason: String
        /// The reserve promoted to the place.
        public var replacement: String
        /// The winners standing after the replacement.
        public var standingWinners: [String]
        /// Whether the certificate re-read from its file verifies against the published entry list.
        public var verified: Bool
    }

    /// The data subject's erasure request.
    public struct Erasure: Sendable, Codable {
        /// The request's id.
        public var request: String
        /// Records found about the person.
        public var found: Int
        /// Records erased.
        public var erased: Int
        /// Whether nothing about the person remains.
        public var complete: Bool
    }

    /// June's availability.
    public struct Availability: Sendable, Codable {
        /// TxD, for a person.
        public var rate: String
        /// The formula with its figures.
        public var formula: String
        /// Whether the 99.9 % commitment was met.
        public var met: Bool
        /// Outages recorded.
        public var outages: Int
        /// Maintenance windows recorded.
        public var maintenanceWindows: Int
        /// `id severity status` per incident.
        public var incidents: [String]
    }

    /// The simulated participants asked for: arrivals at a form, each one submission.
    public var participants: Int
    /// The distinct people behind them (robots aside).
    public var people: Int
    /// Submissions made, robots and second tries included.
    public var submitted: Int
    /// Submissions accepted.
    public var accepted: Int
    /// Refusals by reason code.
    public var refused: [String: Int]
    /// Duplicates refused, by how the address was written again (the +tag and Gmail-dot
    /// variants are caught by the operations' e-mail folding).
    public var duplicates: [String: Int]
    /// Accepted entries by operation, read back from the store.
    public var entries: [String: Int]
    /// Robot submissions in the burst.
    public var robots: Int
    /// Instant wins told to participants at once.
    public var instantWinsTold: Int
    /// The instant win's prizes.
    public var prizes: [PrizeLine]
    /// Moment indices awarded (each at most once) and entries awarded (each at most once).
    public var awardedMoments: [Int]
    /// Distinct entries awarded (equal to the moments when no entry won twice).
    public var awardedEntries: Int
    /// Awards whose receipt code verifies as genuine (G-14), and the first award's code.
    public var receiptsGenuine: Int
    /// The first award's receipt code, as its winner's page shows it.
    public var firstReceipt: String
    /// The contract and its money.
    public var contract: Contract
    /// The draw of the sweepstakes.
    public var draw: Draw
    /// The data subject's erasure request.
    public var erasure: Erasure
    /// June's availability.
    public var availability: Availability
    /// Evidence log: entries checked, whether the chain is intact, the head hash.
    public var evidenceEntries: Int
    /// Whether the evidence chain is intact.
    public var evidenceIntact: Bool
    /// The evidence log's head hash.
    public var evidenceHead: String
    /// A file written next to the data.
    public struct Artefact: Sendable, Codable, Hashable {
        /// Its path, as the data directory was given.
        public var path: String
        /// What it holds.
        public var what: String
    }

    /// Artefacts written next to the data.
    public var artefacts: [Artefact]
    /// The campaign's last instant on its manual clock.
    public var finishedAt: String

    /// Refusals in all.
    public var refusedTotal: Int { refused.values.reduce(0, +) }
}

/// What a later run finds in a data directory holding a completed campaign.
public struct DemoInspection: Sendable {
    /// The manifest written at the end of the campaign.
    public var manifest: DemoManifest
    /// Entries per operation, read back from the store.
    public var entries: [String: Int]
    /// Instant-win awards read back from the ledger.
    public var awards: Int
    /// The draw's standing winners, from the stored certificate.
    public var standingWinners: [String]
    /// Whether the stored certificate equals the published one and verifies against the entry list.
    public var certificateVerified: Bool
    /// The evidence log, verified again.
    public var evidenceEntries: Int
    /// Whether the evidence chain is intact.
    public var evidenceIntact: Bool
    /// The evidence log's head hash.
    public var evidenceHead: String
}

/// Written at the end of a campaign: what a later run compares the stores with.
public struct DemoManifest: Sendable, Codable, Hashable {
    /// The manifest's format version: 1.
    public var format: Int
    /// The simulated participants of the run.
    public var participants: Int
    /// The campaign's last instant on its clock.
    public var finishedAt: String
    /// Entries per operation.
    public var entries: [String: Int]
    /// Instant-win awards.
    public var awards: Int
    /// SHA-256 of the published certificate.
    public var certificateSHA256: String
    /// Evidence entries at the end.
    public var evidenceEntries: Int
    /// The evidence log's head hash at the end.
    public var evidenceHead: String
}

// MARK: - Text

extension DemoSummary {
    /// The summary for a person: short, one fact a line.
    public var lines: [String] {
        var out: [String] = []
        out.append("Contract \(contract.contract) from quote \(contract.quote): \(contract.licence)")
        out.append(
            "  \(contract.invoices) invoices; \(contract.lateInvoice) due \(contract.dueOn), paid \(contract.paidOn): "
                + "interest \(contract.interest) (\(contract.interestDetail)) + indemnity \(contract.indemnity)")
        out.append("")
        out.append(
            "Participants: \(Self.grouped(submitted)) submissions by \(Self.grouped(people)) people and "
                + "\(Self.grouped(robots)) robots (second tries, +tag and Gmail-dot addresses among them)")
        out.append(
            "  accepted \(Self.padded(accepted, max(Self.grouped(accepted).count, refused.values.map { Self.grouped($0).count }.max() ?? 0)))"
        )
        let width = max(Self.grouped(accepted).count, refused.values.map { Self.grouped($0).count }.max() ?? 0)
        for (code, count) in refused.sorted(by: { $0.key < $1.key }) {
            var line = "  refused  \(Self.padded(count, width))  \(code)"
            if code == "participation.duplicate", !duplicates.isEmpty {
                line +=
                    " ("
                    + duplicates.sorted(by: { $0.value > $1.value }).map { "\(Self.grouped($0.value)) \($0.key)" }
                    .joined(separator: ", ") + ")"
            }
            out.append(line)
        }
        out.append(
            "  entries stored: "
                + entries.sorted(by: { $0.key < $1.key }).map { "\($0.key) \(Self.grouped($0.value))" }
                .joined(separator: ", "))
        out.append(
            "Instant wins: "
                + prizes.map { "\($0.awarded)/\($0.stock) \($0.prize)" }.joined(separator: ", ")
                + " (\(instantWinsTold) told at once; each unit awarded once)")
        out.append(
            "  receipts: \(receiptsGenuine)/\(awardedMoments.count) verify as genuine (first: \(firstReceipt))")
        out.append("")
        out.append(
            "Draw: \(Self.grouped(draw.entries)) entries, list SHA-256 \(draw.entryListSHA256)")
        out.append("  commitment SHA-256(seed) \(draw.commitment), seed revealed \(draw.seed)")
        out.append(
            "  winners \(draw.winners.joined(separator: ", ")); reserves \(draw.reserves.joined(separator: ", "))")
        out.append(
            "  winner \(draw.disqualified) disqualified (\(draw.reason)), replaced by reserve \(draw.replacement)")
        out.append("  certificate SHA-256 \(draw.certificateSHA256), verified: \(draw.verified ? "yes" : "NO")")
        out.append("")
        out.append(
            "Erasure request \(erasure.request): \(erasure.found) records found, \(erasure.erased) erased, "
                + "complete: \(erasure.complete ? "yes" : "no")")
        out.append(
            "June availability: \(availability.rate) (target 99.9 %: \(availability.met ? "met" : "missed")); "
                + "\(availability.outages) outages, \(availability.maintenanceWindows) maintenance windows, incidents "
                + availability.incidents.joined(separator: ", "))
        out.append(
            "Evidence log: \(Self.grouped(evidenceEntries)) entries, chain intact: \(evidenceIntact ? "yes" : "NO"), "
                + "head \(evidenceHead)")
        out.append("")
        out.append("Artefacts:")
        let longest = artefacts.map(\.path.count).max() ?? 0
        for artefact in artefacts {
            out.append(
                "  " + artefact.path.padding(toLength: longest, withPad: " ", startingAt: 0) + "  " + artefact.what)
        }
        if let certificate = artefacts.first, artefacts.count > 1 {
            out.append(
                "Check the draw without Swift: python3 Documentation/verify_draw.py certificate \(certificate.path) "
                    + artefacts[1].path)
        }
        return out
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let text = grouped(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }
}

extension DemoInspection {
    /// What a second run prints.
    public var lines: [String] {
        var out: [String] = []
        out.append(
            "A completed campaign is stored here (\(DemoSummary.grouped(manifest.participants)) simulated participants, "
                + "finished \(manifest.finishedAt) on the campaign's clock). Reopened from disk:")
        for (operation, count) in entries.sorted(by: { $0.key < $1.key }) {
            let then = manifest.entries[operation] ?? 0
            out.append(
                "  \(operation): \(DemoSummary.grouped(count)) entries\(count == then ? "" : " (manifest says \(then))")"
            )
        }
        out.append(
            "  instant-win awards: \(awards)\(awards == manifest.awards ? "" : " (manifest says \(manifest.awards))")")
        out.append("  draw: standing winners \(standingWinners.joined(separator: ", "))")
        out.append("  certificate verified again: \(certificateVerified ? "yes" : "NO")")
        out.append(
            "  evidence log: \(DemoSummary.grouped(evidenceEntries)) entries, chain intact: "
                + "\(evidenceIntact ? "yes" : "NO"), head \(evidenceHead)"
                + (evidenceHead == manifest.evidenceHead
                    ? " (as at the end of the run)" : " (differs from the manifest)"))
        out.append("Use --fresh to start over.")
        return out
    }

    /// Whether everything read back matches the manifest and verifies.
    public var isConsistent: Bool {
        entries == manifest.entries && awards == manifest.awards && certificateVerified && evidenceIntact
            && evidenceHead == manifest.evidenceHead && evidenceEntries == manifest.evidenceEntries
    }
}
