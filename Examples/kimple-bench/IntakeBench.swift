import Foundation
import KimpleCore
import KimpleGames
import KimpleTesting

/// Bench suite `intake`: KimpleGames part 1 (intake). Each case runs the whole pipeline
/// (size checks, robot checks, window, gate, validation and normalisation, identity hash,
/// atomic limit-and-insert, traffic counters, outcome hook) on a stream with 10 %
/// duplicates and 1 % robots, on a fresh store.
func runIntakeBenchmarks() async throws {
    let tenant: TenantID = "bench"
    // KIMPLE_BENCH_INTAKE=memory, file, rss, or one case such as memory-8x32, runs only those.
    let only = ProcessInfo.processInfo.environment["KIMPLE_BENCH_INTAKE"]
    // First, while the heap is fresh: a resident-memory delta is meaningful only before
    // freed memory can be reused (run the suite alone for this figure).
    if only == nil || only == "rss" { try await memoryPerEntry(tenant: tenant) }
    if only == "rss" { return }
    // KIMPLE_BENCH_INTAKE_COUNT caps the submissions of every case (for profiling runs).
    let cap = ProcessInfo.processInfo.environment["KIMPLE_BENCH_INTAKE_COUNT"].flatMap { Int($0) } ?? 400_000
    let pool = IntakeStream.make(count: cap)
    print(
        "stream: \(pool.submissions.count) submissions, \(pool.duplicates) duplicates (10 %), \(pool.robots) robots (1 %), "
            + "4 form fields + 2 consents each")

    let cases: [(store: String, submitters: Int, inFlight: Int, count: Int)] = [
        ("memory", 1, 1, 200_000), ("memory", 8, 1, 400_000), ("memory", 8, 32, 400_000),
        ("file", 1, 1, 5_000), ("file", 8, 1, 50_000), ("file", 8, 32, 400_000), ("file", 8, 128, 400_000),
    ]
    if only == nil || only == "facade" { try await runFacadeIntakeBenchmarks(pool: pool) }
    if only == "facade" { return }
    for benchCase in cases
    where only == nil || only == benchCase.store
        || only == "\(benchCase.store)-\(benchCase.submitters)x\(benchCase.inFlight)"
    {
        try await Bench.inTemporaryDirectory { directory in
            let participations: any ParticipationStore
            var close: () -> Void = {}
            if benchCase.store == "memory" {
                participations = InMemoryParticipationStore(tenant: tenant, clock: SystemClock())
            } else {
                let store = try FileParticipationStore.open(
                    tenant: tenant, at: directory.appendingPathComponent("participations"),
                    options: .init(durability: .grouped), clock: SystemClock())
                participations = store
                close = { store.close() }
            }
            defer { close() }
            let intake = try await IntakeStream.intake(tenant: tenant, participations: participations)
            let submissions = pool.submissions.prefix(benchCase.count)
            let tasks = benchCase.submitters * benchCase.inFlight
            var latencies = Latencies(capacity: submissions.count)
            var accepted = 0
            let cpuBefore = cpuSeconds()
            let seconds = try await Bench.time {
                try await withThrowingTaskGroup(of: (Latencies, Int).self) { group in
                    for task in 0..<tasks {
                        group.addTask {
                            var local = Latencies(capacity: submissions.count / tasks + 1)
                            var accepted = 0
                            let clock = ContinuousClock()
                            var index = submissions.startIndex + task
                            while index < submissions.endIndex {
                                let start = clock.now
                                let result = try await intake.submit(submissions[index])
                                local.add(clock.now - start)
                                if result.isAccepted { accepted += 1 }
                                index += tasks
                            }
                            return (local, accepted)
                        }
                    }
                    for try await (local, count) in group {
                        latencies.merge(local)
                        accepted += count
                    }
                }
            }
            let label =
                "intake \(benchCase.store)\(benchCase.store == "file" ? " grouped" : ""), "
                + "\(benchCase.submitters) submitter(s) x \(benchCase.inFlight) in flight"
            let cpu = cpuSeconds() - cpuBefore
            Bench.report(label, operations: accepted, seconds: seconds, unit: "accepted")
            print(
                "    \(submissions.count) submissions = \(Bench.format(Double(submissions.count) / seconds))/s; "
                    + "latency \(latencies.summary); CPU \(String(format: "%.2f", cpu * 1e6 / Double(submissions.count))) µs "
                    + "per submission (process, all threads)")
        }
    }
}

/// Resident memory of the in-memory store per entry: 1,000,000 entries of the bench form.
private func memoryPerEntry(tenant: TenantID) async throws {
    let count = 1_000_000
    let store = InMemoryParticipationStore(tenant: tenant, clock: SystemClock())
    let secret = try IdentitySecret(Array(repeating: 42, count: 32))
    let hasher = IdentityHasher(secret: secret, operation: "tv-spot")
    let received = Date()
    let before = residentBytes()
    for n in 0..<count {
        let email = IntakeStream.email(n)
        let draft = EntryDraft(
            operation: "tv-spot", identity: hasher.key(for: email, source: .email), period: 0, receivedAt: received,
            fields: [
                EntryField(name: "email", value: email, category: .email),
                EntryField(
                    name: "first_name", value: IntakeStream.firstNames[n % IntakeStream.firstNames.count],
                    category: .name),
                EntryField(
                    name: "birth_date", value: "19\(50 + n % 50)-0\(1 + n % 9)-1\(n % 10)", category: .birthDate),
                EntryField(name: "postcode", value: String(75_001 + n % 900), category: .postalAddress),
            ], consents: n % 3 == 0 ? ["rules", "marketing"] : ["rules"])
        _ = try await store.insert(draft, maximumPerPeriod: 1)
    }
    let after = residentBytes()
    let perEntry = Double(after - before) / Double(count)
    print(
        "in-memory store: \(count) entries, resident memory +\((after - before) >> 20) MiB = "
            + "\(String(format: "%.0f", perEntry)) bytes per entry")
    _ = try await store.recordCount()
}

/// CPU time used by this process so far (user and system, all threads), in seconds.
private func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

/// The resident set size of this process, from /proc/self/statm (0 where unavailable).
private func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * 4096
}

/// The bench's submission stream and intake.
enum IntakeStream {
    static let firstNames = ["Jeanne", "Louis", "Amélie", "Noah", "Chloé", "Lucas", "Inès", "Hugo", "Léa", "Jules"]
    static let browsers = [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    ]

    static func email(_ n: Int) -> String { "participant.\(n)@example.com" }

    struct Pool: Sendable {
        var submissions: [ParticipationSubmission]
        var duplicates: Int
        var robots: Int
    }

    /// `count` submissions: every tenth repeats an earlier person, every hundredth is a robot
    /// (a filled honeypot or a load-testing agent), sources spread over 100,000 addresses.
    static func make(count: Int) -> Pool {
        var submissions: [ParticipationSubmission] = []
        submissions.reserveCapacity(count)
        let started = Date().addingTimeInterval(-30)
        var duplicates = 0
        var robots = 0
        var person = 0
        for n in 0..<count {
            var fields: [String: FieldInput] = [:]
            let identity: Int
            if n % 10 == 9, person > 0 {
                identity = (n * 7919) % person
                duplicates += 1
            } else {
                identity = person
                person += 1
            }
            fields["email"] = .text(email(identity))
            fields["first_name"] = .text(firstNames[identity % firstNames.count])
            fields["birth_date"] = .text("19\(50 + identity % 50)-0\(1 + identity % 9)-1\(identity % 10)")
            fields["postcode"] = .text(String(75_001 + identity % 900))
            fields["rules"] = .flag(true)
            if identity % 3 == 0 { fields["marketing"] = .flag(true) }
            var agent = browsers[n % browsers.count]
            if n % 100 == 42 {
                robots += 1
                if n % 200 == 42 {
                    fields["website"] = "http://spam.example"
                } else {
                    agent = "k6/0.49.0 (https://k6.io/)"
                }
            }
            let source = "10.\(n % 100_000 / 65_536).\(n % 65_536 / 256).\(n % 256)"
            submissions.append(
                ParticipationSubmission(
                    operation: "tv-spot", fields: fields,
                    context: SubmissionContext(source: source, userAgent: agent, formStartedAt: started)))
        }
        return Pool(submissions: submissions, duplicates: duplicates, robots: robots)
    }

    /// An intake on `participations` with a live operation `tv-spot`.
    static func intake(tenant: TenantID, participations: any ParticipationStore) async throws -> IntakeService {
        let operations = DocumentOperationStore(tenant: tenant, documents: InMemoryDocumentStore())
        _ = try await operations.insert(liveOperation(tenant: tenant))
        return try IntakeService(
            operations: operations, participations: participations,
            robotEvents: RobotEventJournal(tenant: tenant, log: InMemoryRecordLog(), clock: SystemClock()),
            gate: BenchGate(), transport: InMemoryTransport(),
            identitySecret: IdentitySecret(Array(repeating: 42, count: 32)), clock: SystemClock())
    }

    /// The live operation `tv-spot` of `tenant`, open from an hour ago for a day, under instruction `bench`.
    static func liveOperation(tenant: TenantID) -> KimpleGames.Operation {
        var operation = KimpleGames.Operation(
            id: "tv-spot", tenant: tenant, advertiser: Advertiser(name: "Brand", registration: "FR-1"),
            kind: .randomDraw, title: "TV spot", opensAt: Date().addingTimeInterval(-3_600),
            closesAt: Date().addingTimeInterval(86_400),
            form: EntryForm(
                fields: [
                    FormField(name: "email", label: "E-mail", type: .email),
                    FormField(name: "first_name", label: "First name", type: .text, category: .name),
                    FormField(name: "birth_date", label: "Birth date", type: .birthDate),
                    FormField(
                        name: "postcode", label: "Postcode", type: .text, maximumLength: 10, category: .postalAddress),
                ], consents: [.rules(), .marketing(text: "News")], honeypotField: "website"),
            prizes: [Prize(id: "car", name: "A car", quantity: 1, unitValue: Money(cents: 2_000_000))],
            audience: AudienceDeclaration(expectedParticipants: 500_000), instruction: "bench")
        operation.status = .live
        return operation
    }
}

/// Grants every request (the privacy module's own cost is its bench's business).
struct BenchGate: ProcessingGate {
    func authorize(_ request: ProcessingRequest) async throws -> ProcessingGrant {
        ProcessingGrant(
            instruction: request.instruction, instructionVersion: 1, purpose: request.purpose, grantedAt: Date())
    }
}
