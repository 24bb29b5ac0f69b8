import Foundation
import KimpleCore
import Testing

extension CryptoTests {
    /// The digest value type. Supports K-5 (digests stored and compared in the evidence log) and
    /// G-6 (the published entry-list hash).
    @Suite struct SHA256DigestTests {
        static let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

        // K-5: hex text, bytes and description agree and round-trip.
        @Test func hexAndBytesRoundTrip() throws {
            let digest = SHA256.hash("abc")
            #expect(digest.hex == Self.abc)
            #expect(digest.description == Self.abc)
            #expect(digest.bytes == CryptoTests.bytes(Self.abc))
            #expect(digest.bytes.count == SHA256Digest.byteCount)
            #expect(SHA256Digest(hex: Self.abc) == digest)
            #expect(SHA256Digest(hex: Self.abc.uppercased()) == digest)
            #expect(SHA256Digest(bytes: digest.bytes) == digest)
            #expect(digest.withUnsafeBytes { Array($0) } == digest.bytes)
        }

        // K-5: malformed digests are refused, never padded or truncated.
        @Test func invalidInputsAreRefused() {
            #expect(SHA256Digest(hex: String(Self.abc.dropLast())) == nil)
            #expect(SHA256Digest(hex: Self.abc + "00") == nil)
            #expect(SHA256Digest(hex: "g" + Self.abc.dropFirst()) == nil)
            #expect(SHA256Digest(hex: "") == nil)
            #expect(SHA256Digest(bytes: [UInt8](repeating: 0, count: 31)) == nil)
            #expect(SHA256Digest(bytes: [UInt8](repeating: 0, count: 33)) == nil)
        }

        // K-5: Codable as a single lowercase hex string; decoding rejects anything else.
        @Test func codableAsHexString() throws {
            let digest = SHA256.hash("abc")
            let json = try JSONEncoder().encode(["digest": digest])
            #expect(String(decoding: json, as: UTF8.self) == "{\"digest\":\"\(Self.abc)\"}")
            #expect(try JSONDecoder().decode([String: SHA256Digest].self, from: json) == ["digest": digest])
            #expect(throws: DecodingError.self) {
                try JSONDecoder().decode([SHA256Digest].self, from: Data("[\"abc\"]".utf8))
            }
            #expect(throws: DecodingError.self) {
                try JSONDecoder().decode([SHA256Digest].self, from: Data("[42]".utf8))
            }
        }

        // G-6: ordering is the lexicographic order of the bytes (and of the hex text), as a sorted
        // published list needs.
        @Test func orderingIsLexicographicOverBytes() throws {
            let digests = (0..<200).map { SHA256.hash("entry-\($0)") }
            for (a, b) in zip(digests, digests.dropFirst()) {
                #expect((a < b) == a.bytes.lexicographicallyPrecedes(b.bytes))
                #expect((a < b) == (a.hex < b.hex))
            }
            let low = try #require(SHA256Digest(bytes: [UInt8](repeating: 0, count: 31) + [1]))
            let high = try #require(SHA256Digest(bytes: [1] + [UInt8](repeating: 0, count: 31)))
            #expect(low < high)
            #expect(!(high < low))
        }

        // G-6: digests work as dictionary and set keys.
        @Test func hashableAsKey() {
            var seen: [SHA256Digest: Int] = [:]
            for index in 0..<100 { seen[SHA256.hash("entry-\(index)")] = index }
            #expect(seen.count == 100)
            #expect(seen[SHA256.hash("entry-42")] == 42)
            #expect(Set([SHA256.hash("a"), SHA256.hash("a"), SHA256.hash("b")]).count == 2)
        }
    }
}
