// Generated from Documentation/Interoperability.md and the files it links to: do not edit by hand.
// To update it after changing the documentation, run
//     KIMPLE_REGENERATE_EMBEDDED_DOCUMENTATION=1 swift test --filter EmbeddedDocumentationTests
// (the test fails while this copy differs from the repository's files).

extension InteroperabilityDocumentation {
    static let files: [InteroperabilityDocument] = [
        InteroperabilityDocument(
            path: "Interoperability.md",
            text: #"""
                # Interoperability specification

                What a partner needs to read the SDK's data without Swift (§5 (iii) of the contract):
                the on-disk formats of the file stores, the evidence log, the export formats. All
                integers are little-endian unless stated otherwise; all text is UTF-8.

                ## File journal

                ## Document stores

                ## Evidence log

                ## File outbox

                ## Exports

                """#
        )
    ]
}
