import Foundation
import KimpleCore
import KimpleGames
import Testing

/// Issue 16, item 7: a quiz is answered through the entry form and ranked from its stored entries.
@Suite("Quiz: answers and estimates through intake")
struct QuizIntakeTests {
    static let form = EntryForm(
        fields: [
            FormField(name: "email", label: "E-mail", type: .email),
            FormField(name: "capital", label: "Capital of France?", type: .answer),
            FormField(name: "colour", label: "Colour?", type: .answer, required: false, options: ["red", "blue"]),
            FormField(name: "beans", label: "How many beans in the jar?", type: .estimate),
        ],
        consents: [.rules()])

    static let quiz = Quiz(
        questions: [
            QuizQuestion(id: "capital", acceptedAnswers: ["Paris"], points: 2, matching: .lenient),
            QuizQuestion(id: "colour", acceptedAnswers: ["blue"]),
        ],
        tieBreak: TieBreakQuestion(id: "beans", answer: 1_234))

    static func operation(form: EntryForm = form) -> GameOperation {
        Fixtures.operation {
            $0.kind = .quiz
            $0.minimumAge = nil
            $0.form = form
        }
    }

    static func fields(
        _ email: String, capital: String = "Paris", colour: String? = nil, beans: String
    ) -> [String:
        FieldInput]
    {
        var fields: [String: FieldInput] = [
            "email": .text(email), "capital": .text(capital), "beans": .text(beans), "rules": true,
        ]
        if let colour { fields["colour"] = .text(colour) }
        return fields
    }

    // SPEC G-8
    @Test(
        "a bad estimate is refused with a stable code and nothing is stored",
        arguments: [
            "a dozen", "12abc", "1e5", "0x10", "1.2.3", "1,", ",5", "1 000 000 000 000 000", "1000000000000000",
            "1.2345", "١٢٣", "１２３", "12 ", "- 12", "--12", "+", "NaN", "∞",
        ])
    func badEstimate(_ estimate: String) async throws {
        let h = try await Harness.make(operation: Self.operation())
        let result = try await h.submit(Self.fields("ada@example.com", beans: estimate), source: nil)
        if estimate == "12 " {
            // Trimmed like every text value: a trailing space is not part of the number.
            #expect(result.isAccepted)
            return
        }
        #expect(result.rejection?.code == .participationInvalidNumber, "\(estimate): \(result)")
        #expect(result.rejection?.context["field"] == "beans")
        #expect(try await h.participations.entryCount(of: Fixtures.operationID) == 0)
    }

    // SPEC G-8
    @Test("an estimate is stored in its canonical form, at the bounds included")
    func canonicalEstimate() async throws {
        let h = try await Harness.make(operation: Self.operation())
        let cases = [
            ("1 234,50", "1234.5"), ("007", "7"), ("-0", "0"), ("+12.000", "12"),
            ("999999999999999.999", "999999999999999.999"),
            ("-3,25", "-3.25"), ("12\u{202F}345", "12345"),
        ]
        for (index, (given, stored)) in cases.enumerated() {
            let result = try await h.submit(Self.fields("p\(index)@example.com", beans: given), source: nil)
            let accepted = try #require(result.accepted, "\(given): \(result)")
            let entry = try #require(try await h.participations.entry(accepted.entry))
            #expect(entry[field: "beans"] == stored, "\(given)")
        }
        #expect(EstimateNumber.decimal("999999999999999.999") == Decimal(string: "999999999999999.999"))
        #expect(EstimateNumber.decimal("-3.25") == Decimal(-325) / 100)
        #expect(EstimateNumber.decimal("12abc") == nil)
    }

    // SPEC G-8
    @Test("an answer with options must be one of them")
    func answerOptions() async throws {
        let h = try await Harness.make(operation: Self.operation())
        let result = try await h.submit(Self.fields("ada@example.com", colour: "green", beans: "1"), source: nil)
        #expect(result.rejection?.code == .participationInvalidField)
        #expect(result.rejection?.context["field"] == "colour")
        #expect(try await h.participations.entryCount(of: Fixtures.operationID) == 0)
    }

    // SPEC G-8
    @Test("a quiz ranks straight from its stored entries: points, closest estimate, earliest entry")
    func rankFromStore() async throws {
        let h = try await Harness.make(operation: Self.operation())
        let entries: [(String, String, String?, String)] = [
            ("far@example.com", "Paris", "blue", "2 000"),
            ("exact@example.com", " paris ", "blue", "1234"),
            ("low@example.com", "Lyon", "blue", "1234"),
            ("close-first@example.com", "PARIS", "blue", "1 230,5"),
            ("close-second@example.com", "Paris", "blue", "1237,5"),
        ]
        var ids: [String: String] = [:]
        for (index, (email, capital, colour, beans)) in entries.enumerated() {
            h.clock.advance(by: TimeInterval(60))
            let result = try await h.submit(
                Self.fields(email, capital: capital, colour: colour, beans: beans), source: nil)
            ids[try #require(result.accepted, "\(index)").entry.rawValue] = email
        }
        // Entered a minute apart, in this order: the two estimates 3.5 away are ordered by time.
        let ranking = try await Self.quiz.rank(entriesOf: Self.operation(), in: h.participations)
        #expect(
            ranking.map { ids[$0.score.entryID] } == [
                "exact@example.com", "close-first@example.com", "close-second@example.com", "far@example.com",
                "low@example.com",
            ])
        #expect(ranking.map(\.decidedBy) == [nil, .tieBreak, .entryTime, .tieBreak, .score])
        #expect(ranking[0].score.points == 3 && ranking[0].score.estimate == 1_234)
        #expect(ranking[1].score.distance == Decimal(35) / 10)
    }

    // SPEC G-8
    @Test("ranking refuses a form that does not ask the quiz's questions")
    func formMustMatchQuiz() async throws {
        let h = try await Harness.make(operation: Self.operation())
        let missing = Quiz(questions: [QuizQuestion(id: "year", acceptedAnswers: ["1789"])] + Self.quiz.questions)
        let error = await kimpleError { _ = try await missing.rank(entriesOf: Self.operation(), in: h.participations) }
        #expect(error?.code == .quizInvalidDefinition && error?.context["question"] == "year")
        let extra = Quiz(questions: [Self.quiz.questions[0]], tieBreak: Self.quiz.tieBreak)
        let unmatched = await kimpleError {
            _ = try await extra.rank(entriesOf: Self.operation(), in: h.participations)
        }
        #expect(unmatched?.code == .quizInvalidDefinition && unmatched?.context["field"] == "colour")
        let noEstimate = Quiz(questions: Self.quiz.questions, tieBreak: TieBreakQuestion(id: "capital", answer: 1))
        let wrongType = await kimpleError {
            _ = try await noEstimate.rank(entriesOf: Self.operation(), in: h.participations)
        }
        #expect(wrongType?.code == .quizInvalidDefinition)
    }

    // SPEC G-8
    @Test("a form has at most one estimate field, and an answer's options are distinct")
    func formRules() {
        var form = Self.form
        form.fields.append(FormField(name: "beans_again", label: "Again?", type: .estimate))
        form.fields.append(FormField(name: "size", label: "Size?", type: .answer, options: ["S", "S"]))
        let problems = OperationRules.definitionProblems(of: Self.operation(form: form))
        #expect(problems.contains { $0.context["field"] == "form.fields" && $0.message.contains("estimate") })
        #expect(problems.contains { $0.context["field"] == "form.fields.size" })
        #expect(OperationRules.definitionProblems(of: Self.operation()).isEmpty)
    }
}
