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

/// The bench's submission stream and intake: KimpleTesting's `IntakeWorkload`, shared with the
/// PostgreSQL package's bench so both run one workload.
typealias IntakeStream = IntakeWorkload

/// Grants every request (the privacy module's own cost is its bench's business).
typealias BenchGate = IntakeWorkload.GrantingGate
