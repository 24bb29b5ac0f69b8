import Testing

@testable import KimpleCore

extension CryptoTests {
    /// The seeded draw generator. Supports G-6 and G-7: a draw is reproducible from its published
    /// seed, and an outside party can recompute it from the documented rules.
    @Suite struct ChaCha20RandomTests {
        static let seed = SHA256.hash("kimple-draw-golden")
        static let zeroNonce = [UInt8](repeating: 0, count: 12)

        /// The first `blocks` keystream blocks for `key`, concatenated, straight from the block function.
        static func keystream(_ key: SHA256Digest, nonce: [UInt8] = zeroNonce, blocks: Int) throws -> [UInt8] {
            var stream: [UInt8] = []
            for counter in 0..<blocks {
                stream += try ChaCha20.block(key: key.bytes, counter: UInt32(counter), nonce: nonce)
            }
            return stream
        }

        /// `b0 + b1·2^8 + ... + b7·2^56` for the eight bytes starting at `offset`.
        static func littleEndian(_ bytes: [UInt8], at offset: Int) -> UInt64 {
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
        }

        /// The acceptance rule of `uniform(below:)` as documented, in 128-bit arithmetic:
        /// accept `x` when `x < n * floor(2^64 / n)`.
        static func referenceAccepts(_ x: UInt64, below n: UInt64) -> Bool {
            let twoTo64 = UInt128(1) << 64
            return UInt128(x) < UInt128(n) * (twoTo64 / UInt128(n))
        }

        // G-7: next() is the first 8 keystream bytes (block 0) read little-endian.
        @Test func firstValueIsFirstKeystreamBytesLittleEndian() throws {
            let block = try ChaCha20.block(key: Self.seed.bytes, counter: 0, nonce: Self.zeroNonce)
            var random = try ChaCha20Random(key: Self.seed)
            #expect(random.next() == Self.littleEndian(block, at: 0))
            #expect(random.next() == Self.littleEndian(block, at: 8))
        }

        // G-7: bytes are consumed in keystream order, once each, across block boundaries and
        // whichever method consumes them.
        @Test func keystreamIsConsumedInOrderAcrossBlocks() throws {
            let nonce: [UInt8] = (0..<12).map { UInt8($0) }
            let stream = try Self.keystream(Self.seed, nonce: nonce, blocks: 6)
            var random = try ChaCha20Random(key: Self.seed, nonce: nonce)
            var offset = 0
            #expect(random.nextBytes(3) == Array(stream[0..<3]))
            offset = 3
            for _ in 0..<10 {  // 3 ..< 83: the 8th value spans blocks 0 and 1
                #expect(random.next() == Self.littleEndian(stream, at: offset))
                offset += 8
            }
            #expect(random.nextBytes(0) == [])
            #expect(random.nextBytes(100) == Array(stream[offset..<(offset + 100)]))
            offset += 100
            #expect(random.nextBytes(1) == [stream[offset]])
            offset += 1
            while offset + 8 <= stream.count {
                #expect(random.next() == Self.littleEndian(stream, at: offset))
                offset += 8
            }
        }

        // G-6: the same key gives the same sequence; another key or nonce gives another; a copy forks.
        @Test func deterministicPerKeyAndNonce() throws {
            var first = try ChaCha20Random(key: Self.seed)
            var second = try ChaCha20Random(key: Self.seed.bytes)
            var otherKey = try ChaCha20Random(key: SHA256.hash("kimple-draw-golden."))
            var otherNonce = try ChaCha20Random(key: Self.seed, nonce: [UInt8](repeating: 0, count: 11) + [1])
            let a = (0..<1000).map { _ in first.next() }
            #expect(a == (0..<1000).map { _ in second.next() })
            #expect(a != (0..<1000).map { _ in otherKey.next() })
            #expect(a != (0..<1000).map { _ in otherNonce.next() })
            var fork = first
            #expect((0..<10).map { _ in first.uniform(below: 97) } == (0..<10).map { _ in fork.uniform(below: 97) })
        }

        // G-7: a key that is not 32 bytes or a nonce that is not 12 bytes throws core.invalid_argument.
        @Test func badKeyOrNonceThrows() {
            for (key, nonce) in [(31, 12), (33, 12), (32, 11), (32, 13), (32, 0)] {
                expectCode(.invalidArgument) {
                    _ = try ChaCha20Random(
                        key: [UInt8](repeating: 0, count: key), nonce: [UInt8](repeating: 0, count: nonce))
                }
            }
            expectCode(.invalidArgument) { _ = try ChaCha20Random(key: Self.seed, nonce: [1, 2, 3]) }
        }

        // G-7: uniform(below: n) never returns n or more, including the edge cases 1, 2, 3,
        // powers of two, 2^63 + 1 (about half of all draws rejected) and UInt64.max.
        @Test(
            arguments: [
                1, 2, 3, 5, 6, 7, 10, 1000, 1 << 32, (1 << 32) + 1, 1 << 63, (1 << 63) + 1, UInt64.max - 1, UInt64.max,
            ] as [UInt64])
        func uniformStaysBelowBound(n: UInt64) throws {
            var random = try ChaCha20Random(key: SHA256.hash("bound-\(n)"))
            for _ in 0..<2000 {
                #expect(random.uniform(below: n) < n)
            }
        }

        // G-7: with n = 1 there is one outcome and no rejection.
        @Test func uniformBelowOneIsZero() throws {
            var random = try ChaCha20Random(key: Self.seed)
            var reference = random
            for _ in 0..<100 {
                #expect(random.uniform(below: 1) == 0)
            }
            for _ in 0..<100 { _ = reference.next() }
            #expect(random.next() == reference.next())
        }

        // G-7: 60,000 draws below 6 (fixed seed, so deterministic) pass a chi-square test: with 5
        // degrees of freedom the 99.999th percentile is about 28.4; the bound 30 is generous.
        @Test func uniformChiSquareBelowSix() throws {
            var random = try ChaCha20Random(key: SHA256.hash("chi-square"))
            var counts = [Int](repeating: 0, count: 6)
            for _ in 0..<60_000 { counts[Int(random.uniform(below: 6))] += 1 }
            let expected = 10_000.0
            let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
            #expect(chiSquare < 30, "counts \(counts), chi-square \(chiSquare)")
        }

        // G-7: the acceptance predicate is exactly the documented one, x < n·floor(2^64 / n),
        // checked in 128-bit arithmetic at and around the limit for many n.
        @Test func acceptancePredicateMatchesDocumentedRule() {
            let bounds: [UInt64] = [
                1, 2, 3, 5, 6, 7, 10, 100, 1_000_000_007, 1 << 32, (1 << 32) + 1, 1 << 62, (1 << 62) + 3,
                1 << 63, (1 << 63) - 1, (1 << 63) + 1, UInt64.max / 3, UInt64.max - 1, UInt64.max,
            ]
            for n in bounds {
                let twoTo64 = UInt128(1) << 64
                let limit = UInt128(n) * (twoTo64 / UInt128(n))
                var probes: [UInt64] = [0, 1, n - 1, UInt64.max, UInt64.max - 1, UInt64.max / 2]
                for delta in 0..<3 as Range<UInt128> {
                    if limit >= delta + 1 { probes.append(UInt64(limit - delta - 1)) }  // last accepted values
                    if limit + delta < twoTo64 { probes.append(UInt64(limit + delta)) }  // first rejected values
                }
                for x in probes {
                    #expect(ChaCha20Random.accepts(x, below: n) == Self.referenceAccepts(x, below: n), "x \(x), n \(n)")
                }
            }
            // The rejected zone in numbers: for n = 3, only 2^64 - 1 is rejected (2^64 mod 3 = 1);
            // for n = 6, the top four values; for a power of two, none.
            #expect(!ChaCha20Random.accepts(UInt64.max, below: 3))
            #expect(ChaCha20Random.accepts(UInt64.max - 1, below: 3))
            #expect(!ChaCha20Random.accepts(UInt64.max - 3, below: 6))
            #expect(ChaCha20Random.accepts(UInt64.max - 4, below: 6))
            #expect(ChaCha20Random.accepts(UInt64.max, below: 1 << 40))
            #expect(!ChaCha20Random.accepts(1 << 63 + 1, below: (1 << 63) + 1))
            #expect(ChaCha20Random.accepts(1 << 63, below: (1 << 63) + 1))
        }

        // G-7: a draw in the rejected zone is really discarded. Seeds are explored until the first
        // draw is at or above the limit for n = 2^63 + 1; uniform(below:) must then skip it (its
        // x mod n would have been a valid-looking answer) and answer from the next accepted draw.
        @Test func drawInRejectedZoneIsDiscarded() throws {
            let n: UInt64 = (1 << 63) + 1
            var found = 0
            for index in 0..<64 {
                let key = SHA256.hash("reject-\(index)")
                var raw = try ChaCha20Random(key: key)
                let first = raw.next()
                guard !Self.referenceAccepts(first, below: n) else { continue }
                found += 1
                var expected = raw.next()
                while !Self.referenceAccepts(expected, below: n) { expected = raw.next() }
                var random = try ChaCha20Random(key: key)
                let value = random.uniform(below: n)
                #expect(value == expected % n)
                #expect(value != first % n)
                #expect(random.next() == raw.next())  // the rejected bytes stayed consumed
            }
            #expect(found > 10)  // about half of all seeds start with a rejected draw
        }

        // G-6, G-7: uniform(below:) equals an outside reimplementation built only from the block
        // function and the documented rule, for small, large and high-rejection bounds.
        @Test(arguments: [6, 10_000_000, (1 << 63) + 1, UInt64.max] as [UInt64])
        func uniformMatchesReferenceFromKeystream(n: UInt64) throws {
            let stream = try Self.keystream(Self.seed, blocks: 64)
            var offset = 0
            var random = try ChaCha20Random(key: Self.seed)
            for _ in 0..<200 {
                var x = Self.littleEndian(stream, at: offset)
                offset += 8
                while !Self.referenceAccepts(x, below: n) {
                    x = Self.littleEndian(stream, at: offset)
                    offset += 8
                }
                #expect(random.uniform(below: n) == x % n)
            }
        }

        // G-6: golden values computed by an independent Python implementation of the documented
        // rules (the `cryptography` package's ChaCha20 keystream, `limit = (2**64 // n) * n`,
        // `((x >> 12) + 0.5) / 2**52`): a partner's verifier gets the same draws.
        @Test func goldenValuesFromOutsideImplementation() throws {
            var random = try ChaCha20Random(key: Self.seed)
            #expect(
                (0..<3).map { _ in random.next() } == [
                    0x9fac_a561_17ac_934d, 0x7897_54b8_de2e_325c, 0x7ff7_4f9a_0826_e1c1,
                ])
            random = try ChaCha20Random(key: Self.seed)
            #expect((0..<12).map { _ in random.uniform(below: 10) } == [7, 4, 1, 9, 2, 9, 2, 9, 5, 8, 9, 1])
            random = try ChaCha20Random(key: Self.seed)
            #expect(
                (0..<6).map { _ in random.uniform(below: (1 << 63) + 1) } == [
                    8_689_507_159_012_946_524, 9_220_926_285_044_703_681, 447_829_973_745_962_682,
                    5_232_745_538_589_026_889, 2_239_604_273_320_494_321, 2_432_780_215_539_967_952,
                ])
            random = try ChaCha20Random(key: Self.seed)
            #expect(
                (0..<4).map { _ in random.unitInterval() } == [
                    0.6237281190912419, 0.4710591269815091, 0.49986741552870806, 0.7573804298669505,
                ])
            random = try ChaCha20Random(key: Self.seed, nonce: (0..<12).map { UInt8($0) })
            #expect(
                (0..<5).map { _ in random.uniform(below: 1_000_000) } == [938_851, 630_590, 542_424, 540_254, 598_529])
        }

        // G-7: unitInterval() stays in the open interval (0, 1) even at the extreme draws, and
        // follows the documented formula ((x >> 12) + 1/2) / 2^52 exactly.
        @Test func unitIntervalIsOpenAndExact() throws {
            let smallest = ChaCha20Random.unitInterval(from: 0)
            let largest = ChaCha20Random.unitInterval(from: UInt64.max)
            #expect(smallest == 0x1p-53)
            #expect(largest == 1 - 0x1p-53)
            #expect(smallest > 0 && largest < 1)
            #expect(ChaCha20Random.unitInterval(from: 0xFFF) == smallest)  // the low 12 bits are ignored
            #expect(ChaCha20Random.unitInterval(from: 1 << 63) == 0.5 + 0x1p-53)
            var random = try ChaCha20Random(key: Self.seed)
            var reference = random
            for _ in 0..<10_000 {
                let value = random.unitInterval()
                #expect(value > 0 && value < 1)
                #expect(value == (Double(reference.next() >> 12) + 0.5) / 4_503_599_627_370_496)
            }
        }

        // G-7: the generator plugs into the standard library as a RandomNumberGenerator, and stays
        // reproducible there.
        @Test func worksAsRandomNumberGenerator() throws {
            var first = try ChaCha20Random(key: Self.seed)
            var second = try ChaCha20Random(key: Self.seed)
            #expect(Array(0..<50).shuffled(using: &first) == Array(0..<50).shuffled(using: &second))
        }
    }
}
