import Foundation
import KimpleCore
import Testing

extension CryptoTests {
    /// PBKDF2-HMAC-SHA256 (RFC 8018 §5.2). Supports C-8 (password hashes).
    @Suite struct PBKDF2Tests {
        // C-8: RFC 7914 §11, first PBKDF2-HMAC-SHA256 vector (P="passwd", S="salt", c=1, dkLen=64).
        @Test func rfc7914FirstVector() throws {
            let key = try PBKDF2.sha256(
                password: CryptoTests.utf8("passwd"), salt: CryptoTests.utf8("salt"), iterations: 1, keyLength: 64)
            #expect(
                key
                    == CryptoTests.bytes(
                        """
                        55 ac 04 6e 56 e3 08 9f ec 16 91 c2 25 44 b6 05
                        f9 41 85 21 6d de 04 65 e6 8b 9d 57 c2 0d ac bc
                        49 ca 9c cc f1 79 b6 45 99 16 64 b3 9d 77 ef 31
                        7c 71 b8 45 b1 e3 0b d5 09 11 20 41 d3 a1 97 83
                        """))
        }

        // C-8: RFC 7914 §11, second vector (P="Password", S="NaCl", c=80000, dkLen=64): 160,000
        // compressions, well under a second even in a debug build.
        @Test func rfc7914SecondVector() throws {
            let key = try PBKDF2.sha256(
                password: CryptoTests.utf8("Password"), salt: CryptoTests.utf8("NaCl"), iterations: 80_000,
                keyLength: 64)
            #expect(
                key
                    == CryptoTests.bytes(
                        """
                        4d dc d8 f6 0b 98 be 21 83 0c ee 5e f2 27 01 f9
                        64 1a 44 18 d0 4c 04 14 ae ff 08 87 6b 34 ab 56
                        a1 d4 25 a1 22 58 33 54 9a db 84 1b 51 c9 b3 17
                        6a 27 2b de bb a1 d0 78 47 8f 62 b3 97 f3 3c 8d
                        """))
        }

        // C-8: the widely published PBKDF2-HMAC-SHA256 vectors in the style of RFC 6070
        // ("password"/"salt" with c = 1, 2, 4096; longer inputs; embedded NUL bytes).
        @Test(arguments: [
            ("password", "salt", 1, 32, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"),
            ("password", "salt", 2, 32, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"),
            ("password", "salt", 4096, 32, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
            (
                "passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40,
                "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9"
            ),
            ("pass\0word", "sa\0lt", 4096, 16, "89b69d0516f829893c696226650a8687"),
        ])
        func publishedVectors(
            password: String, salt: String, iterations: Int, keyLength: Int, expected: String
        )
            throws
        {
            let key = try PBKDF2.sha256(
                password: Data(password.utf8), salt: Data(salt.utf8), iterations: iterations, keyLength: keyLength)
            #expect(Hex.string(key) == expected)
        }

        // C-8: a shorter key is the prefix of a longer one (T_1 ‖ T_2 ‖ ... truncated, RFC 8018 §5.2 step 4).
        @Test func shorterKeysArePrefixes() throws {
            let long = try PBKDF2.sha256(password: [1, 2, 3], salt: [4, 5], iterations: 3, keyLength: 100)
            for length in [1, 31, 32, 33, 64, 65] {
                let short = try PBKDF2.sha256(password: [1, 2, 3], salt: [4, 5], iterations: 3, keyLength: length)
                #expect(short == Array(long.prefix(length)))
            }
        }

        // C-8: invalid parameters throw core.invalid_argument instead of deriving a weak or wrong key.
        @Test(arguments: [(0, 32), (-1, 32), (1, 0), (1, -5), (1, Int.max)])
        func invalidParametersThrow(iterations: Int, keyLength: Int) {
            expectCode(.invalidArgument) {
                _ = try PBKDF2.sha256(password: [1], salt: [2], iterations: iterations, keyLength: keyLength)
            }
        }
    }
}
