import Dispatch
import Synchronization

/// An instant of a monotonic clock in nanoseconds: the time admission control works in. Cheap to
/// read and to compare; not a date (it never goes backwards and says nothing of the wall clock).
public struct TrafficInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since the clock's origin.
    public var nanoseconds: Int64

    /// The instant `nanoseconds` after the clock's origin.
    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The instant `seconds` after the origin (for tests).
    public static func seconds(_ seconds: Double) -> TrafficInstant {
        TrafficInstant(nanoseconds: Int64((seconds * 1e9).rounded()))
    }

    /// `instant` moved by `duration` (saturating).
    public static func + (instant: TrafficInstant, duration: Duration) -> TrafficInstant {
        TrafficInstant(nanoseconds: instant.nanoseconds.addingSaturating(duration.nanoseconds))
    }

    /// The duration from `rhs` to `lhs`.
    public static func - (lhs: TrafficInstant, rhs: TrafficInstant) -> Duration {
        .nanoseconds(lhs.nanoseconds.subtractingSaturating(rhs.nanoseconds))
    }

    /// Earlier instants first.
    @inlinable public static func < (lhs: TrafficInstant, rhs: TrafficInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// `12.345678901s`.
    public var description: String { "\(Double(nanoseconds) / 1e9)s" }
}

/// The source of ``TrafficInstant``s for admission control. Reading it must be cheap (tens of
/// nanoseconds): it is read on every request.
public protocol TrafficClock: Sendable {
    /// The current instant.
    func now() -> TrafficInstant
}

/// The machine's monotonic clock (`DispatchTime`: CLOCK_MONOTONIC on Linux, the uptime clock on
/// Darwin).
public struct MonotonicTrafficClock: TrafficClock {
    /// The machine's monotonic clock.
    public init() {}

    /// The current instant of the monotonic clock.
    @inlinable public func now() -> TrafficInstant {
        TrafficInstant(nanoseconds: Int64(truncatingIfNeeded: DispatchTime.now().uptimeNanoseconds))
    }
}

/// A traffic clock that only moves when told to (tests and simulations).
public final class ManualTrafficClock: TrafficClock {
    private let current: Atomic<Int64>

    /// A clock stopped at `start`.
    public init(_ start: TrafficInstant = TrafficInstant(nanoseconds: 0)) {
        self.current = Atomic(start.nanoseconds)
    }

    /// The instant the clock is stopped at.
    public func now() -> TrafficInstant { TrafficInstant(nanoseconds: current.load(ordering: .acquiring)) }

    /// Moves the clock forward by `duration` (never backwards: a negative duration is ignored).
    public func advance(by duration: Duration) {
        let step = max(0, duration.nanoseconds)
        current.wrappingAdd(step, ordering: .acquiringAndReleasing)
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating at the bounds of `Int64`.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingSaturating(attoseconds / 1_000_000_000)
    }

    /// The duration in seconds as a `Double`.
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension Int64 {
    @usableFromInline func addingSaturating(_ other: Int64) -> Int64 {
        let (result, overflow) = addingReportingOverflow(other)
        return overflow ? (other < 0 ? .min : .max) : result
    }

    @usableFromInline func subtractingSaturating(_ other: Int64) -> Int64 {
        let (result, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : result
    }
}
