import KimpleCore

/// Small text checks shared by the module's validations.
enum Text {
    /// Whether `text` is empty or only white space.
    static func isBlank(_ text: String) -> Bool {
        text.allSatisfy(\.isWhitespace)
    }

    /// Throws `code` with `message` unless `text` has 1 to `limit` bytes and is not blank.
    static func require(
        _ text: String, _ what: String, limit: Int = 10_000, code: KimpleError.Code
    ) throws {
        guard !isBlank(text), text.utf8.count <= limit else {
            throw KimpleError(code, "\(what) must be given, in 1 to \(limit) bytes.", context: ["field": what])
        }
    }
}
