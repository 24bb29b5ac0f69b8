import Foundation
import KimpleAvailability
import KimpleCore
import KimpleGames
import Synchronization

/// Bench suite `availability`: monthly reports from per-minute probes, and the admission
/// controller's decision cost.
func runAvailabilityBenchmarks() async throws {
    try await benchProbeReports()
    try await benchAdmission()
}

/// A month (June 2026, 43,200 minutes) of per-minute probe results for 1,000 operations, each
/// with 0 to 5 random outages of 1 to 40 minutes, computed into monthly service reports
/// (availability, daily bar, outages, Markdown).
private func benchProbeReports() async throws {
    let operations = 1_000
    let calendar = FrenchCalendar.paris
    let month = try CalendarMonth(year: 2026, month: 6)
    let bounds = calendar.interval(of: month)
    let minutes = calendar.minutes(in: month)
    let maintenance = try MaintenanceWindow(
        id: "m-0607", kind: .scheduled, start: try ISO8601.instant("2026-06-07T00:00:00Z"),
        end: try ISO8601.instant("2026-06-07T02:00:00Z"))
    var random = try ChaCha20Random(key: SHA256.hash(Data("availability bench".utf8)))

    var series: [ProbeSeries] = []
    series.reserveCapacity(operations)
    let generation = await Bench.time {
        for _ in 0..<operations {
            var down = [Bool](repeating: false, count: minutes)
            for _ in 0..<Int(random.uniform(below: 6)) {
                let length = Int(random.uniform(below: 40)) + 1
                let start = Int(random.uniform(below: UInt64(minutes - length)))
                for minute in start..<start + length { down[minute] = true }
            }
            var probes = ProbeSeries(startingAt: bounds.lowerBound)
            for isDown in down { probes.append(up: !isDown) }
            series.append(probes)
        }
    }
    Bench.report(
        "probe series: \(operations) × \(minutes) per-minute results recorded", operations: operations * minutes,
        seconds: generation, unit: "results")

    let asOf = bounds.upperBound.addingTimeInterval(3_600)
    var met = 0
    let rates = await Bench.time {
        for probes in series {
            let availability = AvailabilityCalculator.monthly(
                month: month, outages: probes.outages(), maintenance: [maintenance], asOf: asOf, calendar: calendar)
            if availability.isMet { met += 1 }
        }
    }
    Bench.report(
        "monthly TxD from probes (outages derived, merged)", operations: operations, seconds: rates, unit: "months")

    var bytes = 0
    let reports = try await Bench.time {
        for (index, probes) in series.enumerated() {
            let report = try MonthlyServiceReport.build(
                ServiceReportInputs(
                    tenant: "bench", month: month, asOf: asOf, outages: probes.outages(idPrefix: "probe-\(index)"),
                    maintenance: [maintenance]))
            bytes += report.markdown().utf8.count
        }
    }
    Bench.report(
        "monthly service reports (value + Markdown)", operations: operations, seconds: reports, unit: "reports")
    print("  \(met) of \(operations) months met 99.9 %; \(bytes / operations) bytes of Markdown per report")
}

/// The admission controller's decision cost: `admit` then `release` per request, on one thread
/// and on two (same operation, and one operation each).
private func benchAdmission() async throws {
    let policy = try AdmissionPolicy(undeclaredRate: 1e9, undeclaredBurst: 1_000_000_000, initialLimit: 10_000)
    let requests = 10_000_000

    @Sendable func run(_ controller: AdmissionController, _ lane: AdmissionLane, start: Int64, clock: Bool) -> Int {
        var admitted = 0
        var now = start
        let monotonic = MonotonicTrafficClock()
        for _ in 0..<requests {
            let instant = clock ? monotonic.now() : TrafficInstant(nanoseconds: now)
            now &+= 1_000
            if case .admitted(let permit) = controller.admit(lane, at: instant) {
                admitted += 1
                controller.release(permit, at: instant)
            }
        }
        return admitted
    }

    func perDecision(_ seconds: Double) -> String { String(format: "%.1f ns", seconds * 1e9 / Double(requests)) }

    for clock in [false, true] {
        let controller = AdmissionController(policy: policy)
        let lane = controller.lane(tenant: "bench", operation: "op")
        var admitted = 0
        let seconds = await Bench.time { admitted = run(controller, lane, start: 1_000_000_000, clock: clock) }
        precondition(admitted == requests)
        print(
            "admission, 1 thread\(clock ? ", monotonic clock read per request" : ""): "
                + "\(perDecision(seconds)) per admit + release (\(Bench.format(Double(requests) / seconds)) decisions/s)"
        )
    }

    let refusing = AdmissionController(policy: try AdmissionPolicy(undeclaredRate: 1, undeclaredBurst: 1))
    let refusedLane = refusing.lane(tenant: "bench", operation: "op")
    let refusedSeconds = await Bench.time {
        var refused = 0
        for _ in 0..<requests {
            if case .refused = refusing.admit(refusedLane, at: TrafficInstant(nanoseconds: 5)) { refused += 1 }
        }
        precondition(refused == requests - 1)
    }
    print("admission, 1 thread, refused by the bucket: \(perDecision(refusedSeconds)) per decision")

    for shared in [true, false] {
        let controller = AdmissionController(policy: policy)
        let lanes = [
            controller.lane(tenant: "bench", operation: "op-0"),
            controller.lane(tenant: "bench", operation: shared ? "op-0" : "op-1"),
        ]
        let finished = Mutex<[Double]>([])
        let start = ContinuousClock.now
        let perThread: [Double] = await withCheckedContinuation { continuation in
            for lane in lanes {
                Thread {
                    let begin = ContinuousClock.now
                    let admitted = run(controller, lane, start: 0, clock: true)
                    precondition(admitted == requests)
                    let elapsed = Bench.seconds(ContinuousClock.now - begin)
                    let all = finished.withLock { values -> [Double]? in
                        values.append(elapsed)
                        return values.count == lanes.count ? values : nil
                    }
                    if let all { continuation.resume(returning: all) }
                }.start()
            }
        }
        let wall = Bench.seconds(ContinuousClock.now - start)
        print(
            "admission, 2 threads, \(shared ? "same operation" : "one operation each"), monotonic clock read per request: "
                + "\(perDecision(perThread.max() ?? 0)) per admit + release per thread, "
                + "\(Bench.format(Double(2 * requests) / wall)) decisions/s in total")
    }
}
