import Foundation
import KimpleCore
import KimpleGames
import Testing

@Suite("Quiz and contest")
struct QuizTests {
    let start = ResultsFixtures.opening
    let quiz = Quiz(
        questions: [
            QuizQuestion(id: "capital", acceptedAnswers: ["Paris"], points: 2, matching: .lenient),
            QuizQuestion(id: "colour", acceptedAnswers: ["b"], points: 1),
            QuizQuestion(id: "year", acceptedAnswers: ["1789"], points: 3),
        ],
        tieBreak: TieBreakQuestion(id: "beans", answer: 1_234))

    func sheet(_ id: String, _ seconds: Double, _ answers: [String: String], _ estimate: Decimal?) -> QuizAnswerSheet {
        QuizAnswerSheet(entryID: id, enteredAt: start.addingTimeInterval(seconds), answers: answers, estimate: estimate)
    }

    // SPEC G-8
    @Test("each answer scores its points; the breakdown lists the questions answered right")
    func scoring() throws {
        let score = quiz.score(sheet("a", 0, ["capital": "  paris ", "colour": "B", "year": "1789"], 1_200))
        #expect(score.points == 5 && score.maximum == 6)
        #expect(score.correct == ["capital", "year"])  // "B" is not "b": exact matching
        #expect(score.distance == 34)
        #expect(quiz.score(sheet("b", 0, [:], nil)).points == 0)
    }

    // SPEC G-8
    @Test("ranking: points, then the closest estimate, then the earliest entry")
    func ranking() throws {
        let all = ["capital": "Paris", "colour": "b", "year": "1789"]
        let sheets = [
            sheet("late-exact", 50, all, 1_234),
            sheet("low-score", 1, ["colour": "b"], 1_234),
            sheet("early-exact", 10, all, 1_234),
            sheet("far", 5, all, 2_000),
            sheet("same-distance-below", 40, all, 1_230),
            sheet("no-estimate", 0, all, nil),
            sheet("same-distance-above", 30, all, 1_238),
        ]
        let ranking = try quiz.rank(sheets)
        #expect(
            ranking.map(\.score.entryID) == [
                "early-exact", "late-exact", "same-distance-above", "same-distance-below", "far", "no-estimate",
                "low-score",
            ])
        #expect(ranking.map(\.place) == Array(1...7))
        #expect(ranking.map(\.decidedBy) == [nil, .entryTime, .tieBreak, .entryTime, .tieBreak, .tieBreak, .score])
        // Equal distance 4 (1,238 and 1,230): the earlier entry (30 s) before the later (40 s).
    }

    // SPEC G-8
    @Test("entries equal to the millisecond are ordered by entry id, so the ranking is always complete")
    func completeOrder() throws {
        let ranking = try quiz.rank([sheet("b", 0.0004, [:], 1), sheet("a", 0, [:], 1)])
        #expect(ranking.map(\.score.entryID) == ["a", "b"])
        #expect(ranking[1].decidedBy == .entryID)
    }

    // SPEC G-8
    @Test("bad quizzes and sheets are refused")
    func invalid() throws {
        expectCode(.quizInvalidDefinition) { try Quiz(questions: []).validate() }
        expectCode(.quizInvalidDefinition) {
            try Quiz(questions: [
                QuizQuestion(id: "a", acceptedAnswers: ["x"]), QuizQuestion(id: "a", acceptedAnswers: ["y"]),
            ]).validate()
        }
        expectCode(.quizInvalidDefinition) {
            try Quiz(questions: [QuizQuestion(id: "a", acceptedAnswers: ["x"], points: -1)]).validate()
        }
        expectCode(.quizInvalidDefinition) {
            try Quiz(questions: [QuizQuestion(id: "a", acceptedAnswers: [])]).validate()
        }
        expectCode(.quizInvalidSubmission) { try quiz.rank([sheet("a", 0, [:], nil), sheet("a", 1, [:], nil)]) }
        expectCode(.quizInvalidSubmission) { try quiz.rank([sheet("a", 0, ["unknown": "x"], nil)]) }
    }

    let contest = Contest(
        jurors: ["j1", "j2", "j3"], lowestMark: 0, highestMark: 20, tieBreak: TieBreakQuestion(id: "t", answer: 50))

    func entry(_ id: String, _ seconds: Double, _ estimate: Decimal? = nil) -> ContestEntry {
        ContestEntry(entryID: id, enteredAt: start.addingTimeInterval(seconds), estimate: estimate)
    }

    func marks(_ id: String, _ values: [Decimal]) -> [JuryMark] {
        zip(["j1", "j2", "j3"], values).map { JuryMark(juror: $0.0, entryID: id, mark: $0.1) }
    }

    // SPEC G-8
    @Test("contest: entries rank by the jury's mean mark, compared exactly, then tie-break, then time")
    func contestRanking() throws {
        let entries = [entry("a", 0, 40), entry("b", 1, 45), entry("c", 2, 45), entry("d", 3)]
        // a: 46/3 = 15.333...; b and c: 15; d: 16.
        let all =
            marks("a", [15, 15, 16]) + marks("b", [14, 15, 16]) + marks("c", [16, 15, 14]) + marks("d", [16, 16, 16])
        let ranking = try contest.rank(entries, marks: all)
        #expect(ranking.map(\.score.entryID) == ["d", "a", "b", "c"])
        #expect(ranking.map(\.decidedBy) == [nil, .score, .score, .entryTime])
        #expect(ranking[1].score.mean == Decimal(string: "15.3333"))
        #expect(ranking[1].score.total == 46 && ranking[1].score.marks == 3)
    }

    // SPEC G-8
    @Test("contest: a missing, repeated, foreign or off-scale mark is refused")
    func contestInvalid() throws {
        let entries = [entry("a", 0), entry("b", 1)]
        expectCode(.quizInvalidSubmission) { try contest.rank(entries, marks: marks("a", [10, 10, 10])) }
        expectCode(.quizInvalidSubmission) {
            try contest.rank(
                entries,
                marks: marks("a", [10, 10, 10]) + marks("b", [1, 2, 3]) + [JuryMark(juror: "j1", entryID: "a", mark: 9)]
            )
        }
        expectCode(.quizInvalidSubmission) {
            try contest.rank(entries, marks: marks("a", [10, 10, 10]) + marks("b", [1, 2, 21]))
        }
        expectCode(.quizInvalidSubmission) {
            try contest.rank(
                entries,
                marks: marks("a", [10, 10, 10]) + marks("b", [1, 2, 3]) + [JuryMark(juror: "x", entryID: "a", mark: 9)])
        }
        expectCode(.quizInvalidDefinition) { try Contest(jurors: []).rank(entries, marks: []) }
        // Without the completeness requirement, an entry with no mark comes last.
        let partial = Contest(jurors: ["j1", "j2"], requiresEveryMark: false)
        let ranking = try partial.rank(entries, marks: [JuryMark(juror: "j1", entryID: "b", mark: 2)])
        #expect(ranking.map(\.score.entryID) == ["b", "a"])
        #expect(ranking[1].score.mean == nil)
    }
}
