import Foundation
import KimpleCore
import Testing

extension CryptoTests {
    /// HMAC-SHA256 (RFC 2104). Supports K-5 (authenticated evidence entries) and C-8 (the PRF of
    /// password hashing).
    @Suite struct HMACSHA256Tests {
        struct Vector: Sendable, CustomTestStringConvertible {
            let name: String
            let key: [UInt8]
            let data: [UInt8]
            let mac: String
            var testDescription: String { name }
        }

        /// RFC 4231 §4.2-4.8, test cases 1 to 7 (case 5 is published truncated to 128 bits).
        static let rfc4231: [Vector] = [
            Vector(
                name: "case 1", key: [UInt8](repeating: 0x0b, count: 20), data: CryptoTests.utf8("Hi There"),
                mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            Vector(
                name: "case 2", key: CryptoTests.utf8("Jefe"), data: CryptoTests.utf8("what do ya want for nothing?"),
                mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            Vector(
                name: "case 3", key: [UInt8](repeating: 0xaa, count: 20), data: [UInt8](repeating: 0xdd, count: 50),
                mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            Vector(
                name: "case 4", key: CryptoTests.bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                data: [UInt8](repeating: 0xcd, count: 50),
                mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            Vector(
                name: "case 5 (truncated to 128 bits)", key: [UInt8](repeating: 0x0c, count: 20),
                data: CryptoTests.utf8("Test With Truncation"), mac: "a3b6167473100ee06e0c796c2955552b"),
            Vector(
                name: "case 6 (131-byte key)", key: [UInt8](repeating: 0xaa, count: 131),
                data: CryptoTests.utf8("Test Using Larger Than Block-Size Key - Hash Key First"),
                mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            Vector(
                name: "case 7 (131-byte key, 152-byte data)", key: [UInt8](repeating: 0xaa, count: 131),
                data: CryptoTests.utf8(
                    "This is a test using a larger than block-size key and a larger than block-size data. "
                        + "The key needs to be hashed before being used by the HMAC algorithm."),
                mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]

        // K-5, C-8: the RFC 4231 vectors, with a prepared key, the streaming form and the one-shot form.
        @Test(arguments: rfc4231)
        func rfc4231Vectors(vector: Vector) {
            let prefixLength = vector.mac.count / 2
            let prepared = HMACSHA256Key(vector.key).authenticationCode(for: vector.data)
            #expect(Hex.string(prepared.bytes.prefix(prefixLength)) == vector.mac)
            var streaming = HMACSHA256(key: vector.key)
            for byte in vector.data { streaming.update([byte]) }
            #expect(streaming.finalize() == prepared)
            #expect(HMACSHA256.authenticationCode(for: Data(vector.data), key: Data(vector.key)) == prepared)
        }

        // K-5: one prepared key serves many messages, and String messages are their UTF-8 bytes.
        @Test func preparedKeyIsReusable() {
            let key = HMACSHA256Key(CryptoTests.utf8("Jefe"))
            let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
            for _ in 0..<3 {
                #expect(key.authenticationCode(for: "what do ya want for nothing?").hex == expected)
            }
            #expect(key.authenticationCode(for: "what do ya want for nothing!").hex != expected)
            let message = CryptoTests.utf8("what do ya want for nothing?")
            #expect(message.withUnsafeBytes { key.authenticationCode(bytes: $0) }.hex == expected)
        }

        // K-5: streaming in odd pieces matches one-shot, and finalize() leaves the computation usable.
        @Test func streamingMatchesOneShot() {
            let key = HMACSHA256Key([UInt8](repeating: 0x42, count: 64))
            let message = (0..<500).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            var mac = HMACSHA256(key: key)
            mac.update(message[0..<1])
            mac.update(Data(message[1..<64]))
            let partial = mac.finalize()
            mac.update(message[64..<130])
            mac.update(String(decoding: [UInt8](), as: UTF8.self))
            message[130...].withUnsafeBytes { mac.update(bytes: $0) }
            #expect(mac.finalize() == key.authenticationCode(for: message))
            #expect(partial == key.authenticationCode(for: message[0..<64]))
        }

        // C-8: a key of exactly 64 bytes is used as is, a 65-byte key is hashed first
        // (RFC 2104 §2), so the 65-byte key and its digest give the same code.
        @Test func keyLengthRules() {
            let long = [UInt8](repeating: 0x61, count: 65)
            let message = CryptoTests.utf8("message")
            #expect(
                HMACSHA256Key(long).authenticationCode(for: message)
                    == HMACSHA256Key(SHA256.hash(long).bytes).authenticationCode(for: message))
            let block = [UInt8](repeating: 0x61, count: 64)
            #expect(
                HMACSHA256Key(block).authenticationCode(for: message)
                    != HMACSHA256Key(SHA256.hash(block).bytes).authenticationCode(for: message))
            // Zero padding: a short key and the same key padded with zeros to 64 bytes agree.
            #expect(
                HMACSHA256Key([1, 2, 3]).authenticationCode(for: message)
                    == HMACSHA256Key([1, 2, 3] + [UInt8](repeating: 0, count: 61)).authenticationCode(for: message))
        }
    }
}
