import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension Quiz {
    /// The answer sheet of a stored `entry` of `operation`: the values of the form's
    /// ``FieldType/answer`` fields by field name (the question ids), and the value of its
    /// ``FieldType/estimate`` field read by ``EstimateNumber`` (G-8).
    ///
    /// - Throws: `quiz.invalid_submission` when the stored estimate is not a number (an
    ///   entry made before the field was an estimate field): it is never read as "no estimate".
    public static func answerSheet(of entry: ParticipationEntry, in operation: Operation) throws -> QuizAnswerSheet {
        var answers: [String: String] = [:]
        var estimate: Decimal?
        for field in entry.fields {
            switch operation.form.field(named: field.name)?.type {
            case .answer?:
                answers[field.name] = field.value
            case .estimate?:
                // SPEC G-8: an estimate that does not read back is an error, never a last place.
                guard let value = EstimateNumber.decimal(field.value) else {
                    throw KimpleError(
                        .quizInvalidSubmission, "A stored tie-break estimate is not a number.",
                        context: ["entryID": entry.id.rawValue, "field": field.name])
                }
                estimate = value
            default:
                continue
            }
        }
        return QuizAnswerSheet(
            entryID: entry.id.rawValue, enteredAt: entry.receivedAt, answers: answers, estimate: estimate)
    }

    /// Scores and ranks every stored entry of `operation` in `store` (see ``rank(_:)``): the
    /// answers come from the form's ``FieldType/answer`` fields, named after the questions, and
    /// the estimate from its ``FieldType/estimate`` field, named after the tie-break question.
    ///
    /// - Throws: `core.invalid_argument` when `store` is not the operation's tenant's;
    ///   `quiz.invalid_definition` (see ``validate()``), or when a question has no answer
    ///   field of its name, the tie-break question no estimate field of its name, or an answer
    ///   field no question; `quiz.invalid_submission` for a stored estimate that is not a
    ///   number; the store's read errors.
    public func rank(entriesOf operation: Operation, in store: some ParticipationStore) async throws -> [QuizRanking] {
        guard store.tenant == operation.tenant else {
            throw KimpleError(
                .invalidArgument, "The participation store belongs to another tenant than the operation (K-1).",
                context: ["store": store.tenant.rawValue, "operation": operation.tenant.rawValue])
        }
        try validate()
        try checkForm(of: operation)
        var sheets: [QuizAnswerSheet] = []
        try await store.forEachEntry(of: operation.id) { (entry: ParticipationEntry) throws -> Void in
            sheets.append(try Self.answerSheet(of: entry, in: operation))
        }
        return try rank(sheets)
    }

    /// Checks that the form of `operation` asks exactly this quiz's questions.
    private func checkForm(of operation: Operation) throws {
        let form = operation.form
        let answerFields = Set(form.fields.filter { $0.type == .answer }.map(\.name))
        let questionIDs = Set(questions.map(\.id))
        if let missing = questionIDs.subtracting(answerFields).min() {
            throw KimpleError(
                .quizInvalidDefinition, "Each question needs an answer field of the form with its id as name.",
                context: ["question": missing, "operation": operation.id.rawValue])
        }
        if let extra = answerFields.subtracting(questionIDs).min() {
            throw KimpleError(
                .quizInvalidDefinition, "An answer field of the form matches no question of the quiz.",
                context: ["field": extra, "operation": operation.id.rawValue])
        }
        if let tieBreak, form.field(named: tieBreak.id)?.type != .estimate {
            throw KimpleError(
                .quizInvalidDefinition,
                "The tie-break question needs an estimate field of the form with its id as name.",
                context: ["question": tieBreak.id, "operation": operation.id.rawValue])
        }
    }
}
