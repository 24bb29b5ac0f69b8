import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The results of a per-minute probe of the platform, one bit per minute, from which outages
/// are derived (SPEC A-2).
///
/// A failed probe makes its whole minute unavailable; consecutive failed minutes form one
/// outage. A month of results for one target takes 5.4 KB. The series holds only the minutes
/// it was given: a minute without a result is not evidence of an outage (the host's monitoring
/// must notice its own gaps; ``count`` tells how many minutes were probed).
public struct ProbeSeries: Sendable, Hashable {
    /// The first minute of the series.
    public let firstMinute: Int64
    /// The number of minutes recorded.
    public private(set) var count: Int = 0
    /// The number of failed minutes recorded.
    public private(set) var failedCount: Int = 0
    private var failed: [UInt64] = []

    /// An empty series whose first result is the probe of the minute containing `start`.
    public init(startingAt start: Date) {
        self.firstMinute = MinuteSet.minute(containing: start)
    }

    /// The first instant of the series.
    public var start: Date { MinuteSet.start(ofMinute: firstMinute) }

    /// The instant after the last recorded minute.
    public var end: Date { MinuteSet.start(ofMinute: firstMinute + Int64(count)) }

    /// Records the probe of the next minute: `up` when the platform answered.
    public mutating func append(up: Bool) {
        let word = count >> 6
        if word == failed.count { failed.append(0) }
        if !up {
            failed[word] |= 1 << UInt64(count & 63)
            failedCount += 1
        }
        count += 1
    }

    /// Records the probes of the next minutes, in order.
    public mutating func append(contentsOf results: some Sequence<Bool>) {
        for up in results { append(up: up) }
    }

    /// Whether the probe of the `index`-th minute of the series failed (`false` outside it).
    public func isDown(at index: Int) -> Bool {
        guard index >= 0, index < count else { return false }
        return failed[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    /// The failed minutes as a set (consecutive failures merged into one range).
    public var downMinutes: MinuteSet {
        var ranges: [Range<Int64>] = []
        var runStart: Int?
        for (wordIndex, word) in failed.enumerated() {
            let base = wordIndex << 6
            if word == 0 {
                if let start = runStart {
                    ranges.append(firstMinute + Int64(start)..<firstMinute + Int64(base))
                    runStart = nil
                }
                continue
            }
            if word == .max, runStart != nil { continue }
            var bits = word
            var position = 0
            while position < 64 {
                if runStart == nil {
                    if bits == 0 { break }
                    let skip = bits.trailingZeroBitCount
                    position += skip
                    bits >>= UInt64(skip)
                    runStart = base + position
                } else {
                    let ones = (~bits).trailingZeroBitCount
                    position += ones
                    if position >= 64 { break }
                    bits >>= UInt64(ones)
                    if let start = runStart {
                        ranges.append(firstMinute + Int64(start)..<firstMinute + Int64(base + position))
                    }
                    runStart = nil
                }
            }
        }
        if let start = runStart {
            ranges.append(firstMinute + Int64(start)..<firstMinute + Int64(count))
        }
        return MinuteSet(ranges)
    }

    /// One ``OutageImpact/inaccessible`` outage per run of failed minutes, with ids
    /// `<prefix>-<first minute number>` (stable: the same series gives the same ids).
    public func outages(idPrefix: String = "probe", summary: String = "Probe failures") -> [Outage] {
        downMinutes.ranges.compactMap { range in
            guard let id = OutageID(rawValue: "\(idPrefix)-\(range.lowerBound)") else { return nil }
            return try? Outage(
                id: id, start: MinuteSet.start(ofMinute: range.lowerBound),
                end: MinuteSet.start(ofMinute: range.upperBound), impact: .inaccessible, origin: .probe,
                summary: summary)
        }
    }
}
