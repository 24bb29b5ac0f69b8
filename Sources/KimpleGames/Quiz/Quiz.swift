import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

// MARK: - Error codes of quizzes and contests (G-8)

extension KimpleError.Code {
    /// A quiz or contest definition is not valid (no question, a repeated id, negative points,
    /// an empty jury, an empty mark scale).
    public static let quizInvalidDefinition: Self = "quiz.invalid_definition"
    /// An answer sheet or a jury mark is not valid (unknown question, entry or juror, a mark off
    /// the scale, a juror marking an entry twice, an entry listed twice, a missing mark).
    public static let quizInvalidSubmission: Self = "quiz.invalid_submission"
}

/// How an answer is compared with the accepted answers.
public enum AnswerMatching: String, Sendable, Hashable, Codable {
    /// Byte for byte (choice ids, codes).
    case exact
    /// Ignoring case, leading and trailing white space, and runs of inner white space.
    case lenient
}

/// A scored question of a quiz (G-8).
public struct QuizQuestion: Sendable, Hashable, Codable {
    /// The question's id, unique within the quiz.
    public var id: String
    /// The answers that score (a choice id, or several spellings of a free answer).
    public var acceptedAnswers: [String]
    /// Points for a right answer, 0 or more.
    public var points: Int
    /// How answers are compared.
    public var matching: AnswerMatching

    /// A question worth `points` (1 by default), matched exactly by default; checked by ``Quiz/validate()``.
    public init(id: String, acceptedAnswers: [String], points: Int = 1, matching: AnswerMatching = .exact) {
        self.id = id
        self.acceptedAnswers = acceptedAnswers
        self.points = points
        self.matching = matching
    }

    /// Whether `answer` scores.
    public func accepts(_ answer: String) -> Bool {
        switch matching {
        case .exact: return acceptedAnswers.contains(answer)
        case .lenient:
            let given = Self.lenient(answer)
            return acceptedAnswers.contains { Self.lenient($0) == given }
        }
    }

    static func lenient(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// The tie-break question (question subsidiaire): a number to estimate; the closest estimate
/// ranks first among equal scores (G-8).
public struct TieBreakQuestion: Sendable, Hashable, Codable {
    /// The question's id.
    public var id: String
    /// The right value.
    public var answer: Decimal

    /// A tie-break question and its right value.
    public init(id: String, answer: Decimal) {
        self.id = id
        self.answer = answer
    }

    /// How far `estimate` is from the answer: `|estimate - answer|`.
    public func distance(of estimate: Decimal) -> Decimal {
        let difference = estimate - answer
        return difference < 0 ? -difference : difference
    }
}

/// What one entry answered.
public struct QuizAnswerSheet: Sendable, Hashable, Codable {
    /// The participation's id.
    public var entryID: String
    /// When it was entered.
    public var enteredAt: Date
    /// Answers by question id; a missing question scores nothing.
    public var answers: [String: String]
    /// The tie-break estimate, if given.
    public var estimate: Decimal?

    /// An answer sheet.
    public init(entryID: String, enteredAt: Date, answers: [String: String], estimate: Decimal? = nil) {
        self.entryID = entryID
        self.enteredAt = enteredAt
        self.answers = answers
        self.estimate = estimate
    }
}

/// An entry's score, question by question: a breakdown a person can check.
public struct QuizScore: Sendable, Hashable, Codable {
    /// The entry.
    public var entryID: String
    /// Points scored.
    public var points: Int
    /// Points possible.
    public var maximum: Int
    /// The ids of the questions answered right, in the quiz's order.
    public var correct: [String]
    /// The tie-break estimate and its distance to the answer (`nil` without an estimate or a
    /// tie-break question).
    public var estimate: Decimal?
    /// The distance between the estimate and the answer; the smaller ranks first among equal points.
    public var distance: Decimal?
    /// When the entry was made.
    public var enteredAt: Date
}

/// Which criterion put an entry after the one ranked just before it.
public enum RankingCriterion: String, Sendable, Hashable, Codable {
    /// A lower score (or, for a contest, a lower jury mark; for a vote, fewer votes).
    case score
    /// Same score, a farther tie-break estimate (or none).
    case tieBreak
    /// Same score and distance, entered later.
    case entryTime
    /// Same score, distance and millisecond: the entry id, compared as UTF-8 bytes, decides,
    /// so the order is always complete and reproducible.
    case entryID
}

/// An entry's place in a ranking.
public struct QuizRanking: Sendable, Hashable, Codable {
    /// The place, from 1; no two entries share one.
    public var place: Int
    /// The score.
    public var score: QuizScore
    /// What separated it from the entry just before (`nil` for the first).
    public var decidedBy: RankingCriterion?
}

/// A quiz: scored questions and an optional tie-break question (G-8).
///
/// Ranking: more points first; equal points, the tie-break estimate closest to the answer
/// (an entry without an estimate comes after every entry with one); equal distance, the
/// earliest entry (by millisecond); then the entry id as UTF-8 bytes.
public struct Quiz: Sendable, Hashable, Codable {
    /// The scored questions.
    public var questions: [QuizQuestion]
    /// The tie-break question, if any.
    public var tieBreak: TieBreakQuestion?

    /// A quiz; checked by ``validate()``.
    public init(questions: [QuizQuestion], tieBreak: TieBreakQuestion? = nil) {
        self.questions = questions
        self.tieBreak = tieBreak
    }

    /// Checks the definition.
    ///
    /// - Throws: `quiz.invalid_definition` when there is no question, an id is empty or
    ///   repeated, points are negative, or a question accepts no answer.
    public func validate() throws {
        guard !questions.isEmpty else { throw invalid("A quiz has at least one scored question.") }
        var ids = Set<String>()
        for question in questions {
            guard !question.id.isEmpty, ids.insert(question.id).inserted else {
                throw invalid("Each question has its own non-empty id.", ["question": question.id])
            }
            guard question.points >= 0, !question.acceptedAnswers.isEmpty else {
                throw invalid(
                    "A question gives 0 or more points and accepts at least one answer.", ["question": question.id])
            }
        }
        if let tieBreak, tieBreak.id.isEmpty || ids.contains(tieBreak.id) {
            throw invalid("The tie-break question has its own non-empty id.")
        }
    }

    /// The score of `sheet`.
    public func score(_ sheet: QuizAnswerSheet) -> QuizScore {
        var points = 0
        var maximum = 0
        var correct: [String] = []
        for question in questions {
            maximum += question.points
            if let answer = sheet.answers[question.id], question.accepts(answer) {
                points += question.points
                correct.append(question.id)
            }
        }
        let distance = tieBreak.flatMap { question in sheet.estimate.map { question.distance(of: $0) } }
        return QuizScore(
            entryID: sheet.entryID, points: points, maximum: maximum, correct: correct,
            estimate: tieBreak == nil ? nil : sheet.estimate, distance: distance,
            enteredAt: GamesTime.truncatedToMillisecond(sheet.enteredAt))
    }

    /// Every sheet scored and ranked.
    ///
    /// - Throws: `quiz.invalid_definition` (see ``validate()``); `quiz.invalid_submission`
    ///   when an entry id appears twice or a sheet answers a question the quiz does not have.
    public func rank(_ sheets: [QuizAnswerSheet]) throws -> [QuizRanking] {
        try validate()
        let known = Set(questions.map(\.id))
        var seen = Set<String>()
        for sheet in sheets {
            guard seen.insert(sheet.entryID).inserted else {
                throw KimpleError(
                    .quizInvalidSubmission, "An entry is ranked once.", context: ["entryID": sheet.entryID])
            }
            if let unknown = sheet.answers.keys.first(where: { !known.contains($0) }) {
                throw KimpleError(
                    .quizInvalidSubmission, "An answer names a question the quiz does not have.",
                    context: ["entryID": sheet.entryID, "question": unknown])
            }
        }
        let scores = sheets.map(score)
        let keys = scores.map {
            RankingKey(
                score: .integer($0.points), distance: $0.distance,
                enteredAt: DrawEntry.milliseconds(of: $0.enteredAt), entryID: $0.entryID)
        }
        return RankingKey.order(keys).enumerated().map { place, item in
            QuizRanking(place: place + 1, score: scores[item.index], decidedBy: item.decidedBy)
        }
    }

    private func invalid(_ message: String, _ context: [String: String] = [:]) -> KimpleError {
        KimpleError(.quizInvalidDefinition, message, context: context)
    }
}

/// The shared ranking order of quizzes, contests and votes (G-8).
struct RankingKey {
    /// A comparable score: an integer, or a fraction `total / count` compared exactly.
    enum Score {
        case integer(Int)
        case fraction(total: Decimal, count: Int)
        case none

        /// -1, 0 or 1 as `self` is below, equal to or above `other`; no score is below all.
        func compare(_ other: Score) -> Int {
            switch (self, other) {
            case (.none, .none): return 0
            case (.none, _): return -1
            case (_, .none): return 1
            case (.integer(let a), .integer(let b)): return a == b ? 0 : (a < b ? -1 : 1)
            default:
                let (ta, ca) = parts
                let (tb, cb) = other.parts
                let left = ta * Decimal(cb)
                let right = tb * Decimal(ca)
                return left == right ? 0 : (left < right ? -1 : 1)
            }
        }

        private var parts: (Decimal, Int) {
            switch self {
            case .integer(let value): (Decimal(value), 1)
            case .fraction(let total, let count): (total, count)
            case .none: (0, 1)
            }
        }
    }

    var score: Score
    var distance: Decimal?
    var enteredAt: Int64
    var entryID: String

    /// The criterion that puts `self` before `other`, or `nil` when `other` comes first.
    func precedes(_ other: RankingKey) -> RankingCriterion? {
        let byScore = score.compare(other.score)
        if byScore != 0 { return byScore > 0 ? .score : nil }
        switch (distance, other.distance) {
        case (let a?, let b?) where a != b: return a < b ? .tieBreak : nil
        case (.some, .none): return .tieBreak
        case (.none, .some): return nil
        default: break
        }
        if enteredAt != other.enteredAt { return enteredAt < other.enteredAt ? .entryTime : nil }
        return entryID.utf8.lexicographicallyPrecedes(other.entryID.utf8) ? .entryID : nil
    }

    /// Positions of `keys` in ranking order, each with what separated it from the one before.
    static func order(_ keys: [RankingKey]) -> [(index: Int, decidedBy: RankingCriterion?)] {
        let sorted = keys.indices.sorted { keys[$0].precedes(keys[$1]) != nil }
        return sorted.enumerated().map { position, index in
            (index, position == 0 ? nil : keys[sorted[position - 1]].precedes(keys[index]))
        }
    }
}
