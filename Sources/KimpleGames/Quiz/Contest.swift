// Foundation, not only FoundationEssentials: NSDecimalRound lives there.
import Foundation
import KimpleCore

/// One juror's mark for one entry of a contest (G-8).
public struct JuryMark: Sendable, Hashable, Codable {
    /// The juror.
    public var juror: String
    /// The entry marked.
    public var entryID: String
    /// The mark, on the contest's scale.
    public var mark: Decimal

    /// A mark; checked against the contest's scale and jurors when ranking.
    public init(juror: String, entryID: String, mark: Decimal) {
        self.juror = juror
        self.entryID = entryID
        self.mark = mark
    }
}

/// An entry of a contest: its id, when it was made, its tie-break estimate.
public struct ContestEntry: Sendable, Hashable, Codable {
    /// The entry's id.
    public var entryID: String
    /// When the entry was made: the earlier entry wins a tie the estimate did not break.
    public var enteredAt: Date
    /// The answer to the tie-break question, or `nil` when the entrant gave none.
    public var estimate: Decimal?

    /// An entry.
    public init(entryID: String, enteredAt: Date, estimate: Decimal? = nil) {
        self.entryID = entryID
        self.enteredAt = enteredAt
        self.estimate = estimate
    }
}

/// An entry's jury result: a breakdown a person can check.
public struct ContestScore: Sendable, Hashable, Codable {
    /// The entry.
    public var entryID: String
    /// The sum of its marks.
    public var total: Decimal
    /// How many marks it got.
    public var marks: Int
    /// The mean mark, rounded half up to 4 decimals for display (the ranking compares
    /// `total / marks` exactly); `nil` without any mark.
    public var mean: Decimal?
    /// The tie-break estimate and its distance to the answer.
    public var estimate: Decimal?
    /// The distance between the estimate and the answer (`nil` without either); the smaller ranks first.
    public var distance: Decimal?
    /// When the entry was made.
    public var enteredAt: Date
}

/// An entry's place in a contest's ranking.
public struct ContestRanking: Sendable, Hashable, Codable {
    /// The place, from 1; no two entries share one.
    public var place: Int
    /// The result.
    public var score: ContestScore
    /// What separated it from the entry just before (`nil` for the first).
    public var decidedBy: RankingCriterion?
}

/// A contest judged by a jury (G-8): each juror marks entries on a scale; entries rank by
/// mean mark, then the tie-break question, then the earliest entry, then the entry id.
public struct Contest: Sendable, Hashable, Codable {
    /// The jurors.
    public var jurors: [String]
    /// The lowest and highest marks allowed.
    public var lowestMark: Decimal
    /// The highest mark allowed (20 by default); ``lowestMark`` is the lowest (0 by default).
    public var highestMark: Decimal
    /// Whether every juror must mark every entry before ranking. When `false`, an entry ranks
    /// by the mean of the marks it got, and an entry without marks comes last.
    public var requiresEveryMark: Bool
    /// The tie-break question, if any.
    public var tieBreak: TieBreakQuestion?

    /// A contest; marks run from 0 to 20 by default and every juror must mark every entry.
    public init(
        jurors: [String], lowestMark: Decimal = 0, highestMark: Decimal = 20, requiresEveryMark: Bool = true,
        tieBreak: TieBreakQuestion? = nil
    ) {
        self.jurors = jurors
        self.lowestMark = lowestMark
        self.highestMark = highestMark
        self.requiresEveryMark = requiresEveryMark
        self.tieBreak = tieBreak
    }

    /// Ranks `entries` by the jury's `marks`.
    ///
    /// - Throws: `quiz.invalid_definition` when the jury is empty or repeats a juror, or the
    ///   scale is empty; `quiz.invalid_submission` when an entry appears twice, a mark names an
    ///   unknown juror or entry, lies off the scale, or repeats a juror's mark for an entry, or
    ///   (with ``requiresEveryMark``) a mark is missing.
    public func rank(_ entries: [ContestEntry], marks: [JuryMark]) throws -> [ContestRanking] {
        guard !jurors.isEmpty, Set(jurors).count == jurors.count, lowestMark < highestMark else {
            throw KimpleError(
                .quizInvalidDefinition, "A contest has at least one juror, each once, and a scale from low to high.")
        }
        var totals: [String: (total: Decimal, count: Int)] = [:]
        for entry in entries {
            guard totals[entry.entryID] == nil else {
                throw submission("An entry is ranked once.", ["entryID": entry.entryID])
            }
            totals[entry.entryID] = (0, 0)
        }
        let jury = Set(jurors)
        var given = Set<String>()
        for mark in marks {
            guard jury.contains(mark.juror) else {
                throw submission("A mark comes from someone outside the jury.", ["juror": mark.juror])
            }
            guard let current = totals[mark.entryID] else {
                throw submission("A mark is for an entry that is not in the contest.", ["entryID": mark.entryID])
            }
            guard mark.mark >= lowestMark, mark.mark <= highestMark, !mark.mark.isNaN else {
                throw submission(
                    "A mark lies off the contest's scale.", ["juror": mark.juror, "entryID": mark.entryID])
            }
            guard given.insert(mark.juror + "\u{0}" + mark.entryID).inserted else {
                throw submission("A juror marks an entry once.", ["juror": mark.juror, "entryID": mark.entryID])
            }
            totals[mark.entryID] = (current.total + mark.mark, current.count + 1)
        }
        if requiresEveryMark, let missing = entries.first(where: { totals[$0.entryID]?.count != jurors.count }) {
            throw submission("Every juror marks every entry before the ranking.", ["entryID": missing.entryID])
        }
        let scores = entries.map { entry -> ContestScore in
            let (total, count) = totals[entry.entryID] ?? (0, 0)
            var mean: Decimal?
            if count > 0 {
                var exact = total / Decimal(count)
                var rounded = Decimal()
                NSDecimalRound(&rounded, &exact, 4, .plain)
                mean = rounded
            }
            let estimate = tieBreak == nil ? nil : entry.estimate
            return ContestScore(
                entryID: entry.entryID, total: total, marks: count, mean: mean, estimate: estimate,
                distance: tieBreak.flatMap { question in estimate.map { question.distance(of: $0) } },
                enteredAt: GamesTime.truncatedToMillisecond(entry.enteredAt))
        }
        let keys = scores.map {
            RankingKey(
                score: $0.marks > 0 ? .fraction(total: $0.total, count: $0.marks) : .none, distance: $0.distance,
                enteredAt: DrawEntry.milliseconds(of: $0.enteredAt), entryID: $0.entryID)
        }
        return RankingKey.order(keys).enumerated().map { place, item in
            ContestRanking(place: place + 1, score: scores[item.index], decidedBy: item.decidedBy)
        }
    }

    private func submission(_ message: String, _ context: [String: String]) -> KimpleError {
        KimpleError(.quizInvalidSubmission, message, context: context)
    }
}
