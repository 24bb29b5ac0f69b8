import Foundation
import KimpleCore
import Testing

extension CryptoTests {
    /// SHA-256 (FIPS 180-4). Supports K-5 (evidence log hashes) and G-6 (entry-list hashes).
    @Suite struct SHA256Tests {
        // K-5, G-6: the FIPS 180-4 example messages (NIST "SHA256.pdf" examples).
        @Test func nistExampleMessages() {
            #expect(SHA256.hash("abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
            #expect(
                SHA256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hex
                    == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
            #expect(
                SHA256.hash(
                    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                        + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
                ).hex == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        }

        // K-5: the empty message has the published digest (an empty evidence payload still hashes).
        @Test func emptyMessage() {
            let expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            #expect(SHA256.hash("").hex == expected)
            #expect(SHA256.hash([UInt8]()).hex == expected)
            #expect(SHA256().finalize().hex == expected)
        }

        // K-5, G-6: one million 'a' (FIPS 180-4 long-message example), hashed in one call and
        // streamed in 1,000-byte pieces.
        @Test func oneMillionA() {
            let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
            let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
            var hasher = SHA256()
            for _ in 0..<1000 { hasher.update(piece) }
            #expect(hasher.finalize().hex == expected)
            #expect(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)).hex == expected)
        }

        // K-5: padding is right at every block boundary (lengths 55, 56, 57, 63, 64, 65, 119, 120:
        // the length field fits, just does not fit, and spills into a second padding block).
        @Test(arguments: [
            (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            (57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6"),
            (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
            (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
            (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
            (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
            (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
        ])
        func paddingBoundaries(length: Int, expected: String) {
            #expect(SHA256.hash(String(repeating: "a", count: length)).hex == expected)
        }

        // K-5, G-6: streaming in chunks of 1, 3, 63, 64 and 65 bytes gives the one-shot digest, so a
        // log or entry list can be hashed as it is written.
        @Test(arguments: [1, 3, 63, 64, 65])
        func streamingInChunksMatchesOneShot(chunkSize: Int) {
            let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            var hasher = SHA256()
            var start = 0
            while start < message.count {
                let end = min(start + chunkSize, message.count)
                hasher.update(message[start..<end])
                start = end
            }
            #expect(hasher.finalize() == SHA256.hash(message))
        }

        // G-6: the one-block fast path of the one-shot hash (messages up to 55 bytes) and the
        // streaming path agree at every length from 0 to 130 bytes.
        @Test func oneShotAndStreamingAgreeAtEveryLength() {
            let message = (0..<130).map { UInt8(truncatingIfNeeded: $0 &* 17 &+ 3) }
            for length in 0...message.count {
                var hasher = SHA256()
                for byte in message[0..<length] { hasher.update([byte]) }
                let streamed = hasher.finalize()
                #expect(SHA256.hash(message[0..<length]) == streamed, "length \(length)")
                #expect(message[0..<length].withUnsafeBytes { SHA256.hash(bytes: $0) } == streamed, "length \(length)")
            }
        }

        // K-5: finalize() does not consume the hasher — an intermediate digest can be read and
        // hashing continued (a running evidence log hash).
        @Test func finalizeLeavesTheHasherUsable() {
            var hasher = SHA256()
            hasher.update("abc")
            let first = hasher.finalize()
            let fork = hasher
            hasher.update("def")
            #expect(first == SHA256.hash("abc"))
            #expect(hasher.finalize() == SHA256.hash("abcdef"))
            #expect(fork.finalize() == first)
        }

        // K-5: every input form of the same bytes gives the same digest (String as UTF-8, Data,
        // arrays, slices with a non-zero start index, raw buffers).
        @Test func inputFormsAgree() {
            let text = "Évidence — naïve café ✓"
            let bytes = Array(text.utf8)
            let expected = SHA256.hash(bytes)
            #expect(SHA256.hash(text) == expected)
            #expect(SHA256.hash(Data(bytes)) == expected)
            #expect(SHA256.hash(([0xFF] + bytes)[1...]) == expected)
            #expect(SHA256.hash(Data([0xFF] + bytes).dropFirst()) == expected)
            #expect(bytes.withUnsafeBytes { SHA256.hash(bytes: $0) } == expected)
            var hasher = SHA256()
            hasher.update(String(text.prefix(5)))
            hasher.update(Data(String(text.dropFirst(5)).utf8))
            #expect(hasher.finalize() == expected)
            // A string bridged from NSString (its UTF-8 is not contiguous on Apple platforms, so it
            // takes the copying path there) and one built from a substring agree too.
            #expect(SHA256.hash(String(NSString(string: text))) == expected)
            #expect(SHA256.hash(String("xx\(text)xx".dropFirst(2).dropLast(2))) == expected)
        }

        // K-5: a Data value built from several regions hashes as its concatenation.
        @Test func discontiguousData() {
            var data = DispatchData.empty
            for part in ["abcdbcdecdefdefgefgh", "fghighijhijkijkljklm", "klmnlmnomnopnopq"] {
                Array(part.utf8).withUnsafeBytes { data.append($0) }
            }
            #expect(SHA256.hash(data).hex == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        }
    }
}
