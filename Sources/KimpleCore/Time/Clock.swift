import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The source of "now" for every rule that depends on time (K-2).
///
/// Services take a clock in their initialiser. Production code uses ``SystemClock``;
/// tests use ``ManualClock`` and move time explicitly, so no test ever sleeps.
///
/// This protocol is named like the standard library's `Clock`; inside code that imports
/// KimpleCore, `Clock` means this protocol. The standard library's clocks stay reachable
/// as `ContinuousClock` and `SuspendingClock` for measuring durations.
public protocol Clock: Sendable {
    /// The current instant.
    var now: Date { get }
}

/// ``Clock`` under a name that no other module uses: for code that imports KimpleCore beside a
/// module that takes the standard library's `Clock` (a server framework, service lifecycle).
public typealias KimpleClock = Clock

/// The wall clock of the machine.
public struct SystemClock: Clock {
    /// The machine's clock.
    public init() {}
    /// `Date()`.
    public var now: Date { Date() }
}

/// A clock that only moves when told to: the clock of tests and simulations.
///
/// Safe to share between tasks; every read sees the latest `set` or `advance`.
public final class ManualClock: Clock {
    private let current: Mutex<Date>

    /// A clock stopped at `start`.
    public init(_ start: Date) {
        self.current = Mutex(start)
    }

    /// A clock stopped at an ISO 8601 instant such as `2026-03-29T01:30:00Z`.
    /// Throws `core.invalid_argument` when the text is not such an instant.
    public convenience init(iso8601 text: String) throws {
        self.init(try ISO8601.instant(text))
    }

    /// The instant the clock was last set or advanced to.
    public var now: Date { current.withLock { $0 } }

    /// Moves the clock to `instant` (backwards too: tests of clock skew need it).
    public func set(_ instant: Date) {
        current.withLock { $0 = instant }
    }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Moves the clock forward by `duration`.
    public func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        advance(by: TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18)
    }
}

/// Parsing and printing of ISO 8601 instants (`2026-03-29T01:30:00Z`, `2026-03-29T03:30:00+02:00`,
/// optional fractional seconds), independent of any locale.
public enum ISO8601 {
    /// Parses an instant with a `Z` or `±hh:mm` offset; throws `core.invalid_argument` otherwise.
    public static func instant(_ text: String) throws -> Date {
        guard let date = parse(text) else {
            throw KimpleError(
                .invalidArgument, "Expected an ISO 8601 instant such as 2026-03-29T01:30:00Z.",
                context: ["value": String(text.prefix(64))])
        }
        return date
    }

    /// The instant as `yyyy-MM-ddTHH:mm:ss[.SSS]Z` in UTC (milliseconds only when not zero).
    public static func string(_ date: Date) -> String {
        let totalMillis = (date.timeIntervalSince1970 * 1000).rounded(.down)
        let millis = Int64(totalMillis)
        let seconds = floorDiv(millis, 1000)
        let ms = millis - seconds * 1000
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let civil = CivilDate(daysSinceEpoch: days)
        var text =
            pad(civil.year, 4) + "-" + pad(civil.month, 2) + "-" + pad(civil.day, 2) + "T"
            + pad(Int(secondOfDay / 3600), 2) + ":" + pad(Int(secondOfDay % 3600 / 60), 2) + ":"
            + pad(Int(secondOfDay % 60), 2)
        if ms != 0 { text += "." + pad(Int(ms), 3) }
        return text + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        let sign = value < 0 ? "-" : ""
        return sign + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var value = 0
            for k in 0..<count {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            i += count
            return value
        }
        func expect(_ c: Character) -> Bool {
            guard i < b.count, b[i] == c.asciiValue else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ")
        else { return nil }
        i += 1
        guard let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2),
            hour < 24, minute < 60, second < 60,
            let date = try? CivilDate(year: year, month: month, day: day)
        else { return nil }
        var fraction = 0.0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "Z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = number(2), expect(":"), let om = number(2), oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
    }
}
