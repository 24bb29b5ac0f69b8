import Foundation
import KimpleCore
import Testing

extension CryptoTests {
    /// Constant-time comparison. Supports K-5 (checking evidence authentication codes) and C-8
    /// (checking password hashes) without a timing side channel on the matching prefix.
    @Suite struct ConstantTimeTests {
        // K-5, C-8: equal bytes compare equal whatever their container.
        @Test func equalBytes() {
            let bytes: [UInt8] = [1, 2, 3, 4, 5]
            #expect(constantTimeEquals(bytes, bytes))
            #expect(constantTimeEquals(bytes, Data(bytes)))
            #expect(constantTimeEquals(([0] + bytes)[1...], bytes))
            #expect(constantTimeEquals([UInt8](), Data()))
        }

        // K-5, C-8: a difference anywhere, including the first and last byte, is found.
        @Test func differentBytes() {
            let bytes: [UInt8] = [1, 2, 3, 4, 5]
            for index in bytes.indices {
                var changed = bytes
                changed[index] ^= 0x80
                #expect(!constantTimeEquals(bytes, changed))
            }
        }

        // K-5, C-8: different lengths compare unequal (a prefix is not a match).
        @Test func lengthMismatch() {
            #expect(!constantTimeEquals([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
            #expect(!constantTimeEquals([UInt8](), [0] as [UInt8]))
        }

        // K-5: digests compare on all 32 bytes.
        @Test func digests() throws {
            let digest = SHA256.hash("abc")
            #expect(constantTimeEquals(digest, SHA256.hash("abc")))
            #expect(!constantTimeEquals(digest, SHA256.hash("abd")))
            for index in 0..<SHA256Digest.byteCount {
                var bytes = digest.bytes
                bytes[index] ^= 1
                #expect(!constantTimeEquals(digest, try #require(SHA256Digest(bytes: bytes))))
            }
        }
    }
}
