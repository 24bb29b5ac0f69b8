import KimpleCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A set of whole minutes of real time, the unit in which the contract counts availability
/// ("la période, exprimée en minutes", §9.1).
///
/// A minute is numbered by the minutes elapsed since 1970-01-01T00:00Z, so minute `m` is the
/// instants `[m × 60 s, (m + 1) × 60 s)`. Europe/Paris is always a whole number of hours from
/// UTC, so a Paris minute (and a Paris day or month) is a whole range of these numbers, also on
/// the days the clocks change.
///
/// The set is kept as sorted, disjoint half-open ranges, and ranges that overlap **or touch** are
/// merged: `[10, 20) ∪ [20, 30)` is stored as `[10, 30)`. Every operation is a pure function
/// linear in the number of ranges.
public struct MinuteSet: Sendable, Hashable, CustomStringConvertible {
    /// The sorted, disjoint, non-adjacent, non-empty ranges of minute numbers.
    public private(set) var ranges: [Range<Int64>]

    /// The empty set.
    public init() { self.ranges = [] }

    /// The union of `ranges`, in any order, overlapping or not (empty ranges are ignored).
    public init(_ ranges: some Sequence<Range<Int64>>) {
        var sorted = ranges.filter { !$0.isEmpty }
        sorted.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int64>] = []
        merged.reserveCapacity(sorted.count)
        for range in sorted {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                if range.upperBound > last.upperBound { merged[merged.count - 1] = last.lowerBound..<range.upperBound }
            } else {
                merged.append(range)
            }
        }
        self.ranges = merged
    }

    /// Ranges already sorted, disjoint and non-adjacent (built by the operations below).
    private init(normalized: [Range<Int64>]) { self.ranges = normalized }

    // MARK: Instants

    /// The minute that contains `instant` (instants outside years 1...9999 are clamped).
    public static func minute(containing instant: Date) -> Int64 {
        floorDiv(clampedSeconds(instant, rounding: .down), 60)
    }

    /// The first instant of minute `minute`.
    public static func start(ofMinute minute: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(minute * 60))
    }

    /// Every minute that `interval` touches, even partly: an outage from 10:00:30 to 10:01:10
    /// makes the two minutes 10:00 and 10:01 unavailable. This is how outages are counted (a
    /// minute during which the platform was not accessible at some point is not a minute of
    /// availability). Empty when the interval is empty.
    public static func covering(_ interval: Range<Date>) -> MinuteSet {
        let start = floorDiv(clampedSeconds(interval.lowerBound, rounding: .down), 60)
        let end = ceilDiv(clampedSeconds(interval.upperBound, rounding: .up), 60)
        return start < end && interval.lowerBound < interval.upperBound
            ? MinuteSet(normalized: [start..<end]) : MinuteSet()
    }

    /// Only the minutes that lie wholly inside `interval`: a maintenance window from 02:00:30 to
    /// 03:00:00 excludes the 59 minutes 02:01 to 02:59. This is how maintenance is counted (a
    /// window never excludes more than its real length).
    public static func within(_ interval: Range<Date>) -> MinuteSet {
        let start = ceilDiv(clampedSeconds(interval.lowerBound, rounding: .up), 60)
        let end = floorDiv(clampedSeconds(interval.upperBound, rounding: .down), 60)
        return start < end ? MinuteSet(normalized: [start..<end]) : MinuteSet()
    }

    /// The minutes of `interval` whose bounds are whole minutes (a calendar month or day in Paris).
    /// Same as ``within(_:)``.
    public static func exactly(_ interval: Range<Date>) -> MinuteSet { within(interval) }

    /// The ranges as instants.
    public var intervals: [Range<Date>] {
        ranges.map { Self.start(ofMinute: $0.lowerBound)..<Self.start(ofMinute: $0.upperBound) }
    }

    // MARK: Measures

    /// The number of minutes in the set.
    public var count: Int64 { ranges.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) } }

    /// Whether the set holds no minute.
    public var isEmpty: Bool { ranges.isEmpty }

    /// Whether minute `minute` is in the set (binary search).
    public func contains(_ minute: Int64) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound <= minute {
                low = mid + 1
            } else {
                high = mid
            }
        }
        return low < ranges.count && ranges[low].contains(minute)
    }

    /// The seconds of the set that fall inside `interval` (in real seconds, exact to the
    /// millisecond): how long a window of time was covered by these minutes.
    public func seconds(overlapping interval: Range<Date>) -> TimeInterval {
        let lower = interval.lowerBound.timeIntervalSince1970
        let upper = interval.upperBound.timeIntervalSince1970
        guard lower < upper else { return 0 }
        var total: TimeInterval = 0
        for range in ranges {
            let start = max(lower, TimeInterval(range.lowerBound * 60))
            let end = min(upper, TimeInterval(range.upperBound * 60))
            if start < end { total += end - start }
            if TimeInterval(range.lowerBound * 60) >= upper { break }
        }
        return total
    }

    // MARK: Operations

    /// The minutes in `self`, in `other` or in both (overlapping and adjacent ranges merged).
    public func union(_ other: MinuteSet) -> MinuteSet {
        guard !other.isEmpty else { return self }
        guard !isEmpty else { return other }
        var merged: [Range<Int64>] = []
        merged.reserveCapacity(ranges.count + other.ranges.count)
        var i = 0
        var j = 0
        while i < ranges.count || j < other.ranges.count {
            let next: Range<Int64>
            if j >= other.ranges.count || (i < ranges.count && ranges[i].lowerBound <= other.ranges[j].lowerBound) {
                next = ranges[i]
                i += 1
            } else {
                next = other.ranges[j]
                j += 1
            }
            if let last = merged.last, next.lowerBound <= last.upperBound {
                if next.upperBound > last.upperBound { merged[merged.count - 1] = last.lowerBound..<next.upperBound }
            } else {
                merged.append(next)
            }
        }
        return MinuteSet(normalized: merged)
    }

    /// The minutes in both sets.
    public func intersection(_ other: MinuteSet) -> MinuteSet {
        var result: [Range<Int64>] = []
        var i = 0
        var j = 0
        while i < ranges.count, j < other.ranges.count {
            let low = max(ranges[i].lowerBound, other.ranges[j].lowerBound)
            let high = min(ranges[i].upperBound, other.ranges[j].upperBound)
            if low < high { result.append(low..<high) }
            if ranges[i].upperBound < other.ranges[j].upperBound { i += 1 } else { j += 1 }
        }
        return MinuteSet(normalized: result)
    }

    /// The minutes of `self` that are not in `other`.
    public func subtracting(_ other: MinuteSet) -> MinuteSet {
        guard !other.isEmpty, !isEmpty else { return self }
        var result: [Range<Int64>] = []
        var j = 0
        for range in ranges {
            var start = range.lowerBound
            while j < other.ranges.count, other.ranges[j].upperBound <= start { j += 1 }
            var k = j
            while k < other.ranges.count, other.ranges[k].lowerBound < range.upperBound {
                if other.ranges[k].lowerBound > start { result.append(start..<other.ranges[k].lowerBound) }
                start = max(start, other.ranges[k].upperBound)
                if other.ranges[k].upperBound > range.upperBound { break }
                k += 1
            }
            if start < range.upperBound { result.append(start..<range.upperBound) }
        }
        return MinuteSet(normalized: result)
    }

    /// The minutes of the set inside `bounds`.
    public func clipped(to bounds: Range<Int64>) -> MinuteSet {
        intersection(MinuteSet(normalized: bounds.isEmpty ? [] : [bounds]))
    }

    /// `{[start, end) ...}` in minute numbers.
    public var description: String {
        "{" + ranges.map { "[\($0.lowerBound), \($0.upperBound))" }.joined(separator: ", ") + "}"
    }

    // MARK: Arithmetic

    private static func clampedSeconds(_ instant: Date, rounding: FloatingPointRoundingRule) -> Int64 {
        let t = instant.timeIntervalSince1970
        guard !t.isNaN else { return -62_135_596_800 }
        let clamped = min(max(t, -62_135_596_800), 253_402_300_800).rounded(rounding)
        return Int64(clamped)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 {
        -floorDiv(-a, b)
    }
}
