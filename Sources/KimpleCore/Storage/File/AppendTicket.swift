import Synchronization

/// The promise of one enqueued append: completed by the journal's flusher once the batch
/// is durable (or failed), awaited by the appender.
package final class AppendTicket: Sendable {
    private enum State {
        case pending(CheckedContinuation<Void, any Error>?)
        case done(Result<Void, KimpleError>)
    }

    /// The sequence numbers of the batch.
    package let range: ClosedRange<UInt64>
    private let state = Mutex(State.pending(nil))

    init(range: ClosedRange<UInt64>) {
        self.range = range
    }

    /// Marks the batch durable (or failed) and wakes its appender.
    func complete(_ result: Result<Void, KimpleError>) {
        let waiter: CheckedContinuation<Void, any Error>? = state.withLock { state in
            guard case .pending(let continuation) = state else { return nil }
            state = .done(result)
            return continuation
        }
        waiter?.resume(with: result.mapError { $0 as any Error })
    }

    /// Waits until the batch is durable; returns its sequence numbers.
    package func durable() async throws -> ClosedRange<UInt64> {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let finished: Result<Void, KimpleError>? = state.withLock { state in
                switch state {
                case .done(let result):
                    return result
                case .pending:
                    state = .pending(continuation)
                    return nil
                }
            }
            if let finished { continuation.resume(with: finished.mapError { $0 as any Error }) }
        }
        return range
    }
}
