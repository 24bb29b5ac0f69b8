import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Rows of the `winners` and `draw_certificates` export schemas (G-11) built from the results
/// of draws, instant wins, quizzes, contests and votes. The rows fill the leading columns of
/// ``ExportSchema/winners(extraFields:)``; a host adding extra fields appends their values.
public enum WinnerRows {
    /// A draw's rows: standing winners (`winner`, by place; a promoted reserve notes whom it
    /// replaces), then disqualified entries (`disqualified`, the reason as note), then remaining
    /// reserves (`reserve`, place = promotion order). `prize` fills the prize column.
    public static func draw(_ certificate: DrawCertificate, prize: String? = nil) -> [ExportRow] {
        let operation = ExportValue.text(certificate.operation.rawValue)
        var promotedAt: [Int: (Date, String)] = [:]
        for replacement in certificate.replacements {
            if let promoted = replacement.replacement {
                promotedAt[promoted.index] = (replacement.at, "replaces \(replacement.disqualified.entryID)")
            }
        }
        var rows: [ExportRow] = []
        for (offset, holder) in certificate.standingWinners.enumerated() {
            guard let holder else { continue }
            let promoted = promotedAt[holder.index]
            rows.append(
                row(
                    operation, "draw", offset + 1, "winner", holder, prize, promoted?.0 ?? certificate.drawnAt,
                    promoted?.1))
        }
        for replacement in certificate.replacements {
            rows.append(
                row(
                    operation, "draw", replacement.position, "disqualified", replacement.disqualified, prize,
                    replacement.at, replacement.reason))
        }
        for (offset, reserve) in certificate.remainingReserves.enumerated() {
            rows.append(row(operation, "draw", offset + 1, "reserve", reserve, prize, certificate.drawnAt, nil))
        }
        return rows
    }

    /// An instant-win operation's awards, by moment (place = moment index + 1; the note gives
    /// the moment's instant).
    public static func instantWin(_ awards: [InstantWinAward]) -> [ExportRow] {
        awards.sorted { $0.momentIndex < $1.momentIndex }.map { award in
            ExportRow([
                .text(award.operation.rawValue), "instant_win", .integer(Int64(award.momentIndex + 1)), "winner",
                .text(award.entryID), .text(award.personKey), .text(award.prize), .instant(award.wonAt),
                .text("moment \(GamesTime.iso8601(award.moment.at))"),
            ])
        }
    }

    /// The first `places` of a quiz ranking; `prizes[i]` (when given) is the prize of place
    /// `i + 1`. The note gives the score and what decided the place.
    public static func quiz(
        operation: OperationID, _ ranking: [QuizRanking], places: Int, prizes: [String] = [], decidedAt: Date
    ) -> [ExportRow] {
        ranking.prefix(max(0, places)).map { item in
            ExportRow([
                .text(operation.rawValue), "quiz", .integer(Int64(item.place)), "winner", .text(item.score.entryID),
                .null, .text(prizes.indices.contains(item.place - 1) ? prizes[item.place - 1] : nil),
                .instant(decidedAt),
                .text("\(item.score.points)/\(item.score.maximum) points\(note(item.decidedBy))"),
            ])
        }
    }

    /// The first `places` of a contest ranking.
    public static func contest(
        operation: OperationID, _ ranking: [ContestRanking], places: Int, prizes: [String] = [], decidedAt: Date
    ) -> [ExportRow] {
        ranking.prefix(max(0, places)).map { item in
            ExportRow([
                .text(operation.rawValue), "contest", .integer(Int64(item.place)), "winner", .text(item.score.entryID),
                .null, .text(prizes.indices.contains(item.place - 1) ? prizes[item.place - 1] : nil),
                .instant(decidedAt),
                .text("mean mark \(item.score.mean.map { "\($0)" } ?? "none")\(note(item.decidedBy))"),
            ])
        }
    }

    /// The first `places` of a vote's results.
    public static func vote(
        operation: OperationID, _ standings: [VoteStanding], places: Int, prizes: [String] = [], decidedAt: Date
    ) -> [ExportRow] {
        standings.prefix(max(0, places)).map { item in
            ExportRow([
                .text(operation.rawValue), "vote", .integer(Int64(item.place)), "winner", .text(item.candidate), .null,
                .text(prizes.indices.contains(item.place - 1) ? prizes[item.place - 1] : nil), .instant(decidedAt),
                .text("\(item.votes) vote(s)\(note(item.decidedBy))"),
            ])
        }
    }

    /// The `draw_certificates` row of `certificate`. `certificate_sha256` is the SHA-256 of the
    /// certificate as published by ``DrawCertificate/jsonData(pretty:)``.
    ///
    /// - Throws: what ``DrawCertificate/jsonData(pretty:)`` throws.
    public static func certificate(_ certificate: DrawCertificate) throws -> ExportRow {
        let replacements = certificate.replacements.map { replacement in
            "\(replacement.disqualified.entryID)->\(replacement.replacement?.entryID ?? "none")"
        }
        return ExportRow([
            .text(certificate.operation.rawValue), .text(certificate.algorithm), .text(certificate.method.rawValue),
            .text(certificate.rulesDocumentSHA256.hex), .text(certificate.commitment.kind),
            .text(certificate.commitment.text), .instant(certificate.committedAt), .instant(certificate.closesAt),
            .text(certificate.seed.hex), .text(certificate.entryList.sha256.hex),
            .integer(Int64(certificate.entryList.count)), .instant(certificate.entryList.frozenAt),
            .instant(certificate.drawnAt), .text(certificate.winners.map(\.entryID).joined(separator: " ")),
            .text(certificate.reserves.map(\.entryID).joined(separator: " ")),
            .text(replacements.joined(separator: " ")), .text(SHA256.hash(try certificate.jsonData()).hex),
        ])
    }

    private static func row(
        _ operation: ExportValue, _ source: String, _ place: Int?, _ status: String, _ pick: DrawPick, _ prize: String?,
        _ at: Date, _ note: String?
    ) -> ExportRow {
        ExportRow([
            operation, .text(source), place.map { .integer(Int64($0)) } ?? .null, .text(status), .text(pick.entryID),
            .text(pick.personKey), .text(prize), .instant(at), .text(note),
        ])
    }

    private static func note(_ criterion: RankingCriterion?) -> String {
        guard let criterion else { return "" }
        return "; placed after the previous by \(criterion.rawValue)"
    }
}
