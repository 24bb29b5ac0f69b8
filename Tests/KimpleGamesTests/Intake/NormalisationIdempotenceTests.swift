import KimpleCore
import KimpleGames
import Testing

/// What the intake keeps, it would accept again: normalising a normalised value changes
/// nothing (found by fuzzing the submission decoder and validation).
@Suite("Normalisation idempotence")
struct NormalisationIdempotenceTests {
    // SPEC G-4
    @Test("an e-mail whose lower case outgrows the limits is refused, not kept longer than allowed")
    func lowerCaseLongerThanText() throws {
        // "İ" (2 bytes) lower-cases to "i" and U+0307 (3 bytes): 64 bytes of local part become 96.
        let long = String(repeating: "\u{130}", count: 32) + "@example.com"
        expectCode(.participationInvalidEmail) { try EmailAddress.normalize(long) }

        let short = "\u{130}ZMIR@Example.com"
        let once = try EmailAddress.normalize(short)
        #expect(once == "i\u{307}zmir@example.com")
        #expect(try EmailAddress.normalize(once) == once)
    }
}
