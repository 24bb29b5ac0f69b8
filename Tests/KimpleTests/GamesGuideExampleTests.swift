import Foundation
import Kimple
import Testing

/// The Swift of `Documentation/Games.md`'s guide sections (instant wins, quizzes and contests,
/// votes, exports) is code of this file: the tests fail when the guide and this code drift apart,
/// and they run the code on `Kimple.open(storage: .inMemory, ...)` with a manual clock.
@Suite("Games guide examples")
struct GamesGuideExampleTests {
    static let guide = GuideRegions(markdown: "Documentation/Games.md", source: #filePath)

    @Test(
        "Games.md shows the compiled examples",
        arguments: ["Instant wins", "Quiz", "Contest", "Votes", "Exports", "Win receipts"])
    func guideShowsTheCompiledExample(_ name: String) throws {
        let region = try Self.guide.region(name)
        #expect(!region.isEmpty, "no region \(name) in this file")
        #expect(try Self.guide.swiftBlocks().contains(region), "Games.md's \(name) example differs from this file's")
        // Short enough to read (the guide's rule: 15 to 35 lines).
        #expect(region.split(separator: "\n").count <= 35)
    }

    /// The SDK in memory, one brand whose controller gave its instruction, and `operation` created
    /// and scheduled (going-live checks passed) before it opens.
    static func launch(_ operation: GameOperation, clock: ManualClock) async throws -> (Kimple, KimpleTenant) {
        let kimple = try await Fixture.open(.inMemory, clock: clock)
        let brand = try await kimple.tenant("brand", identitySecret: try Fixture.secret(), instruction: "summer")
        try await Fixture.launch(operation, in: brand)
        return (kimple, brand)
    }

    // SPEC G-6: the committed schedule decides the intake's instant wins on the tenant's ledger
    // (through the facade, nothing wired by hand); a moment's unit is awarded once, to the first
    // participant after it; the schedule revealed is the one committed; the report counts it.
    @Test func instantWinsFromScheduleToReport() async throws {
        let clock = ManualClock(Fixture.setupAt)
        var game = Fixture.operation("instant-2026", tenant: "brand")
        game.kind = .instantWin
        let (kimple, brand) = try await Self.launch(game, clock: clock)

        let result = try await playInstantWins(game, in: brand, clock: clock)

        guard case .won(let award) = result.outcomes.first else {
            Issue.record("the first participant after the moment should have won, got \(result.outcomes)")
            return
        }
        #expect(award.prize == "bike" && award.unit == 1 && award.awardID == "instant-2026/0")
        #expect(result.outcomes.dropFirst() == [.notWon])  // one unit: nobody else wins it
        #expect(result.revealed.commitment == result.commitment)
        let awards = try await brand.instantWinLedger.awards(for: game.id)
        #expect(awards.count == 1)
        #expect(result.report.moments == 1 && result.report.awarded == 1)
        #expect(result.report.lost == 0 && result.report.pending == 0)
        #expect(result.report.prizes == [InstantWinReport.PrizeLine(prize: "bike", stock: 1, awarded: 1, remaining: 0)])
        try await kimple.close()
    }

    // SPEC G-14: the guide's receipt example, on the winner of an instant win and a forged code.
    @Test func theWinnersReceiptChecksAsTheGuideShows() async throws {
        let clock = ManualClock(Fixture.setupAt)
        let kimple = try await Fixture.open(.inMemory, clock: clock)
        let brand = try await kimple.tenant("brand", identitySecret: try Fixture.secret(), instruction: "summer")
        let game = try await WinReceiptTests.instantWin(in: brand, clock: clock)
        let winner = try await WinReceiptTests.enter("ada@example.com", game, in: brand)
        let receipt = try #require(try await receiptForWinner(winner, in: brand))
        #expect(try await checkScreenshot(receipt.code, in: brand) == "genuine: bike, entry \(winner.entry)")
        var forged = Array(receipt.code)
        forged.swapAt(3, 4)  // two characters swapped: the check character catches it
        if forged != Array(receipt.code) {
            await #expect(throws: KimpleError.self) { try await checkScreenshot(String(forged), in: brand) }
        }
        try await kimple.close()
    }

    /// A quiz operation: a free answer, a choice and the tie-break estimate on the form, and an
    /// optional nickname.
    static func quizOperation(kind: OperationKind = .quiz, id: OperationID = "quiz-2026") -> GameOperation {
        var game = Fixture.operation(id, tenant: "brand")
        game.kind = kind
        game.tieBreakQuestion = "How many beans are in the jar?"
        game.form.fields += [
            FormField(name: "capital", label: "Capital of France", type: .answer),
            FormField(name: "year", label: "Year of the Revolution", type: .answer, options: ["1789", "1815", "1848"]),
            FormField(name: "beans", label: "Beans in the jar", type: .estimate),
            FormField(name: "nickname", label: "Nickname", type: .text, required: false, category: .name),
        ]
        return game
    }

    /// Enters the quiz for each `(email, capital, year, beans, nickname)`, one second apart.
    static func enter(
        _ game: GameOperation, _ people: [(String, String, String, String, String?)], in brand: KimpleTenant,
        clock: ManualClock
    ) async throws {
        clock.set(Fixture.during)
        for (email, capital, year, beans, nickname) in people {
            var submission = Fixture.submission(email, game.id)
            submission.fields["capital"] = .text(capital)
            submission.fields["year"] = .text(year)
            submission.fields["beans"] = .text(beans)
            if let nickname { submission.fields["nickname"] = .text(nickname) }
            try await brand.intake.submit(submission).get()
            clock.advance(by: 1)
        }
    }

    // SPEC G-8: more points first; equal points, the estimate closest to the tie-break answer;
    // equal distance, the earliest entry. Answers come from the stored entries.
    @Test func quizRanksByPointsThenEstimateThenEntryTime() async throws {
        let clock = ManualClock(Fixture.setupAt)
        let game = Self.quizOperation()
        let (kimple, brand) = try await Self.launch(game, clock: clock)
        try await Self.enter(
            game,
            [
                ("ada@example.com", "Paris", "1789", "1200", nil),  // 3 points, 34 away
                ("alan@example.com", " paris ", "1789", "1250", nil),  // 3 points, 16 away, earlier
                ("grace@example.com", "PARIS", "1789", "1218", nil),  // 3 points, 16 away, later
                ("eve@example.com", "Lyon", "1789", "1234", nil),  // 1 point, the exact estimate
            ], in: brand, clock: clock)

        let ranking = try await rankQuiz(game, in: brand)

        let emails = try await brand.participations.entries(of: game.id).map { ($0.id.rawValue, $0.email ?? "") }
        let byEntry = Dictionary(uniqueKeysWithValues: emails)
        #expect(
            ranking.map { byEntry[$0.score.entryID] } == [
                "alan@example.com", "grace@example.com", "ada@example.com", "eve@example.com",
            ])
        #expect(ranking.map(\.decidedBy) == [nil, .entryTime, .tieBreak, .score])
        #expect(ranking.map(\.score.points) == [3, 3, 3, 1])
        #expect(ranking.map(\.score.distance) == [16, 16, 34, 0])
        try await kimple.close()
    }

    // SPEC G-8: a jury-marked contest ranks by the mean mark, compared exactly; equal means, the
    // closest tie-break estimate of the stored entry.
    @Test func contestRanksByMeanMarkThenEstimate() async throws {
        let clock = ManualClock(Fixture.setupAt)
        let game = Self.quizOperation(kind: .contest, id: "contest-2026")
        let (kimple, brand) = try await Self.launch(game, clock: clock)
        try await Self.enter(
            game,
            [
                ("ada@example.com", "-", "1789", "1300", nil), ("alan@example.com", "-", "1789", "1100", nil),
                ("grace@example.com", "-", "1789", "1240", nil),
            ], in: brand, clock: clock)
        let ids = try await brand.participations.entries(of: game.id).map(\.id.rawValue)
        try #require(ids.count == 3)
        let given: [[Decimal]] = [[15, 15, 16], [14, 16, 15], [15, 15, 15]]  // means 15.33, 15, 15
        let marks = zip(ids, given).flatMap { id, marks in
            zip(["chair", "chef", "critic"], marks).map { JuryMark(juror: $0, entryID: id, mark: $1) }
        }

        let ranking = try await rankContest(game, marks: marks, in: brand)

        #expect(ranking.map(\.score.entryID) == [ids[0], ids[2], ids[1]])  // grace is 10 away, alan 150
        #expect(ranking.map(\.decidedBy) == [nil, .score, .tieBreak])
        #expect(ranking.first?.score.mean == Decimal(string: "15.3333"))
        try await kimple.close()
    }

    // SPEC G-8: one vote per person, candidate and day; a person's second vote for the same photo
    // the same day is answered `.duplicate` and not counted; votes for another photo, or by another
    // person, are.
    @Test func aSecondVoteForTheSamePhotoIsNotCounted() async throws {
        let clock = ManualClock(Fixture.setupAt)
        var game = Fixture.operation("photos-2026", tenant: "brand")
        game.kind = .vote
        let (kimple, brand) = try await Self.launch(game, clock: clock)
        clock.set(Fixture.during)
        var photos: [ContestEntry] = []
        for email in ["ada@example.com", "alan@example.com"] {
            let accepted = try await brand.intake.submit(Fixture.submission(email, game.id)).get()
            photos.append(ContestEntry(entryID: accepted.entry.rawValue, enteredAt: clock.now))
            clock.advance(by: 60)
        }
        try #require(photos.count == 2)
        let first = photos[0].entryID
        let second = photos[1].entryID

        let result = try await runPhotoVote(
            game, photos: photos,
            ballots: [(first, "voter-ann"), (first, "voter-ann"), (second, "voter-ann"), (first, "voter-bob")],
            in: brand, clock: clock)

        #expect(result.receipts == [.counted, .duplicate, .counted, .counted])
        #expect(result.standings.map(\.candidate) == [first, second])
        #expect(result.standings.map(\.votes) == [2, 1])
        try await kimple.close()
    }

    // SPEC G-11: the participants export is CSV with the schema's header and one row per stored
    // entry, a formula-like value neutralised; the winners export has one row per winner; both
    // are recorded in the tenant's evidence log with the SHA-256 of their bytes.
    @Test func participantsAndWinnersExportAsCSV() async throws {
        let clock = ManualClock(Fixture.setupAt)
        let game = Self.quizOperation()
        let (kimple, brand) = try await Self.launch(game, clock: clock)
        try await Self.enter(
            game,
            [
                ("ada@example.com", "Paris", "1789", "1200", "=HYPERLINK(\"http://evil.example\")"),
                ("alan@example.com", "Paris", "1815", "1250", "Alan"),
            ], in: brand, clock: clock)
        let ranking = try await rankQuiz(game, in: brand)
        let participants = InMemoryExportSink()
        let winners = InMemoryExportSink()

        let receipts = try await exportQuizResults(
            game, ranking: ranking, in: brand, clock: clock, participants: participants, winners: winners)

        let lines = participants.text.components(separatedBy: "\r\n")
        #expect(lines.first == "operation_id,entry_id,entered_at,email,birth_date,capital,year,beans,nickname")
        #expect(lines.count == 4 && lines.last == "")  // header, two rows, the final line break
        // Quoted for its quotes, and prefixed with ' so that a spreadsheet does not run it.
        #expect(lines.dropFirst().first?.hasSuffix(",1200,\"'=HYPERLINK(\"\"http://evil.example\"\")\"") == true)
        #expect(receipts.participants.rows == 2 && receipts.participants.sha256 == SHA256.hash(participants.bytes))
        let winnerLines = winners.text.components(separatedBy: "\r\n")
        #expect(winnerLines.first == "operation_id,source,place,status,entry_id,person_key,prize,decided_at,note")
        let first = try #require(ranking.first?.score.entryID)
        #expect(winnerLines.dropFirst().first?.hasPrefix("quiz-2026,quiz,1,winner,\(first),") == true)
        #expect(receipts.winners.rows == 1)
        var exports: [String] = []
        try await brand.evidence.forEachEntry { if $0.action == "games.export" { exports.append($0.details) } }
        #expect(exports.count == 2)
        try await kimple.close()
    }
}

/// The fenced Swift blocks of a Markdown file of the repository and the regions of a Swift source
/// file between `// <name>: begin` and `// <name>: end`, to prove that a guide shows compiled code.
struct GuideRegions {
    /// The Markdown file, relative to the repository's root.
    let markdown: String
    /// The Swift file holding the regions (`#filePath` of the test file).
    let source: String

    /// The repository's root: three levels above `Tests/<target>/<file>.swift`.
    var repository: URL {
        URL(fileURLWithPath: source).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The Markdown file's fenced Swift blocks, each ending with a newline.
    func swiftBlocks() throws -> [String] {
        let text = try String(contentsOf: repository.appendingPathComponent(markdown), encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```swift" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append((current ?? []).joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    /// The lines of the source between `// <name>: begin` and `// <name>: end`, the begin
    /// marker's indentation stripped; empty when there is no such region.
    func region(_ name: String) throws -> String {
        let text = try String(contentsOf: URL(fileURLWithPath: source), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let begin = lines.firstIndex(where: { $0.hasSuffix("// \(name): begin") }),
            let end = lines.firstIndex(where: { $0.hasSuffix("// \(name): end") }), begin < end
        else { return "" }
        let indent = lines[begin].prefix(while: { $0 == " " }).count
        return lines[(begin + 1)..<end].map { $0.count >= indent ? $0.dropFirst(indent) : $0 }
            .joined(separator: "\n") + "\n"
    }
}

// Instant wins: begin
/// An instant-win game from its schedule to its report; `game` is scheduled and not yet open.
func playInstantWins(
    _ game: GameOperation, in brand: KimpleTenant, clock: ManualClock
) async throws -> (
    commitment: SHA256Digest, revealed: InstantWinSchedule, outcomes: [ParticipationOutcome],
    report: InstantWinReport
) {
    let staff = Principal.user("alice")
    let seed = DrawSeed.random()  // secret until the game closes; the schedule holds its SHA-256
    let schedule = try InstantWinSchedule.generate(
        operation: game.id, opensAt: game.opensAt, closesAt: game.closesAt,
        prizes: game.prizes.map { InstantWinPrize(code: $0.id.rawValue, quantity: $0.quantity) },  // a moment per unit
        marginAtEnd: 86_400, seed: seed)  // no moment in the last day
    let commitment = try await brand.instantWins.commit(schedule, by: staff)  // publish it before the opening

    clock.set(game.closesAt.addingTimeInterval(-3_600))  // every moment has come: the next player wins it
    var outcomes: [ParticipationOutcome] = []
    for email in ["ada@example.com", "alan@example.com"] {
        let fields: [String: FieldInput] = ["email": .text(email), "birth_date": "1990-04-12", "rules": true]
        let accepted = try await brand.intake.submit(ParticipationSubmission(operation: game.id, fields: fields)).get()
        outcomes.append(accepted.outcome)  // .won(PrizeAward) or .notWon, decided on the tenant's ledger
    }

    clock.set(game.closesAt)  // closed: publish the schedule and the seed, anyone can check them
    let revealed = try await brand.instantWins.reveal(game.id, seed: seed, by: staff)
    return (commitment, revealed, outcomes, try await brand.instantWins.report(game.id))
}
// Instant wins: end

// Win receipts: begin
/// The receipt the winner's page shows, and what support answers for a code read off a screenshot.
func receiptForWinner(_ accepted: AcceptedParticipation, in brand: KimpleTenant) async throws -> WinReceipt? {
    try await brand.receipts.receipt(of: accepted)  // nil when the entry won nothing
}

func checkScreenshot(_ code: String, in brand: KimpleTenant) async throws -> String {
    switch try await brand.receipts.verify(code) {  // receipt.malformed for a typo, before any read
    case .genuine(let receipt): "genuine: \(receipt.award.prize), entry \(receipt.award.entryID)"
    case .notOurs: "not issued by us"
    }
}
// Win receipts: end

// Quiz: begin
/// `game`'s entries ranked: two questions answered in `answer` fields named after them
/// (`capital`, `year`), and the tie-break question (question subsidiaire) in the `estimate`
/// field `beans`.
func rankQuiz(_ game: GameOperation, in brand: KimpleTenant) async throws -> [QuizRanking] {
    let quiz = Quiz(
        questions: [
            QuizQuestion(id: "capital", acceptedAnswers: ["Paris"], points: 2, matching: .lenient),
            QuizQuestion(id: "year", acceptedAnswers: ["1789"]),  // one of the field's options: 1 point
        ],
        tieBreak: TieBreakQuestion(id: "beans", answer: 1_234))
    // Points, then the closest estimate, then the earliest entry; the form must ask exactly these.
    return try await quiz.rank(entriesOf: game, in: brand.participations)
}
// Quiz: end

// Contest: begin
/// `game`'s entries ranked by a jury's `marks` (0 to 20), then by their estimate in `beans`.
func rankContest(_ game: GameOperation, marks: [JuryMark], in brand: KimpleTenant) async throws -> [ContestRanking] {
    let contest = Contest(
        jurors: ["chair", "chef", "critic"], lowestMark: 0, highestMark: 20,
        tieBreak: TieBreakQuestion(id: "beans", answer: 1_234))
    let entries = try await brand.participations.entries(of: game.id).map { entry in
        ContestEntry(
            entryID: entry.id.rawValue, enteredAt: entry.receivedAt,
            estimate: entry[field: "beans"].flatMap { Decimal(string: $0) })
    }
    return try contest.rank(entries, marks: marks)  // every juror marks every entry, or it throws
}
// Contest: end

// Votes: begin
/// A photo vote: `photos` were entered while `game` was open; people vote for a week after it
/// closes, once per photo and per day in the game's time zone.
func runPhotoVote(
    _ game: GameOperation, photos: [ContestEntry], ballots: [(photo: String, voter: String)],
    in brand: KimpleTenant, clock: ManualClock
) async throws -> (receipts: [VoteReceipt], standings: [VoteStanding]) {
    let rules = VoteRules(
        phases: VotePhases(
            entryOpensAt: game.opensAt, entryClosesAt: game.closesAt, votingOpensAt: game.closesAt,
            votingClosesAt: game.closesAt.addingTimeInterval(7 * 86_400)),
        period: .calendarDay(timeZone: game.timeZone), candidates: Set(photos.map(\.entryID)))
    clock.set(game.closesAt.addingTimeInterval(3_600))  // the voting phase
    var receipts: [VoteReceipt] = []
    for ballot in ballots {
        // The voter's key is the host's pseudonymous key for the person, never an e-mail in clear.
        let receipt = try await brand.votes.vote(
            operation: game.id, rules: rules, candidate: ballot.photo, personKey: ballot.voter,
            by: .system("games.vote"), instruction: game.instruction)
        receipts.append(receipt)  // .counted, or .duplicate: not counted again
    }
    // More votes first, then the earlier entry.
    let standings = try await brand.votes.results(operation: game.id, rules: rules, entries: photos)
    return (receipts, standings)
}
// Votes: end

// Exports: begin
/// `game`'s participants, and the winner of its quiz `ranking`, as CSV into two sinks.
func exportQuizResults(
    _ game: GameOperation, ranking: [QuizRanking], in brand: KimpleTenant, clock: any Clock,
    participants: some ExportSink, winners: some ExportSink
) async throws -> (participants: ExportReceipt, winners: ExportReceipt) {
    let staff = Principal.user("alice")
    let destination = TransferDestination(country: "FR", recipient: "controller")  // where the files go (P-8)
    // One row per stored entry, read page by page; the gate is asked under the game's instruction.
    let people = try await brand.exports.exportParticipants(
        of: game, from: brand.participations, format: .csv, by: staff, destination: destination, to: participants)
    let request = ExportRequest(
        schema: try ExportSchema.winners(), format: .csv, operation: game.id, principal: staff,
        instruction: game.instruction, destination: destination)
    let rows = WinnerRows.quiz(operation: game.id, ranking, places: 1, prizes: ["bike"], decidedAt: clock.now)
    let winning = try await brand.exports.export(request, rows: SequenceExportRows(rows), to: winners)
    return (people, winning)  // each with its row count and the SHA-256 recorded in the evidence log
}
// Exports: end
