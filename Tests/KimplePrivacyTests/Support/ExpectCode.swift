import KimpleCore
import Testing

/// Expects `body` to throw a `KimpleError` whose stable code is `code` (the code the SPEC or
/// the guides name), and returns that error. `#expect(throws: KimpleError.self)` passes for
/// any code; this fails for the wrong one, for another error, and when nothing is thrown.
@discardableResult
func expectCode<R>(
    _ code: KimpleError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    performing body: () throws -> R
) -> KimpleError? {
    do {
        _ = try body()
    } catch let error as KimpleError {
        #expect(error.code == code, comment, sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record(error, comment, sourceLocation: sourceLocation)
        return nil
    }
    Issue.record(nothingThrown(code, comment), sourceLocation: sourceLocation)
    return nil
}

/// ``expectCode(_:_:sourceLocation:performing:)`` for an asynchronous `body`.
@discardableResult
nonisolated(nonsending) func expectCode<R>(
    _ code: KimpleError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    performing body: () async throws -> R
) async -> KimpleError? {
    do {
        _ = try await body()
    } catch let error as KimpleError {
        #expect(error.code == code, comment, sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record(error, comment, sourceLocation: sourceLocation)
        return nil
    }
    Issue.record(nothingThrown(code, comment), sourceLocation: sourceLocation)
    return nil
}

private func nothingThrown(_ code: KimpleError.Code, _ comment: Comment?) -> Comment {
    Comment(rawValue: "Expected \(code) to be thrown; nothing was" + (comment.map { ": " + $0.rawValue } ?? "."))
}
