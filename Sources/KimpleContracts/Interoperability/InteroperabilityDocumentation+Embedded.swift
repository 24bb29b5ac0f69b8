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

                Every append-only store of the SDK (participations, robot events, the evidence log...)
                is a *journal*: a directory holding segment files, a `LOCK` file and, after damage was
                found, a `quarantine/` folder.

                ```
                <store>/LOCK                          exclusive lock (flock); holds the owner's process id
                <store>/00000000000000000001.kjl      segment whose first sequence is 1
                <store>/00000000000000052347.kjl      next segment
                <store>/quarantine/<segment>.<offset>.damaged   damaged bytes set aside on reopening
                ```

                A segment file is named after its first sequence number in 20 decimal digits with the
                extension `.kjl`. Read the segments in name order.

                ### Segment header (40 bytes)

                | offset | size | field |
                |---|---|---|
                | 0 | 4 | magic `KJNL` (ASCII) |
                | 4 | 2 | format version, `1` |
                | 6 | 2 | flags, `0` |
                | 8 | 8 | first sequence (a lower bound of the segment's sequences; equals the file name) |
                | 16 | 8 | sequence floor: the next sequence the store hands out is at least this (keeps the numbers of erased records from being reused) |
                | 24 | 8 | creation time, signed milliseconds since 1970-01-01T00:00:00Z (information only) |
                | 32 | 4 | reserved, `0` |
                | 36 | 4 | CRC-32C of bytes 0 to 35 |

                ### Frames

                After the header come frames, back to back, each a 20-byte header followed by the
                payload:

                | offset | size | field |
                |---|---|---|
                | 0 | 4 | bits 0–30: payload length in bytes; bit 31: set when the next frame belongs to the same atomic batch |
                | 4 | 8 | sequence number |
                | 12 | 4 | CRC-32C of the payload |
                | 16 | 4 | CRC-32C of bytes 0 to 15 of this frame |
                | 20 | n | payload |

                CRC-32C is the Castagnoli CRC (reflected polynomial `0x82F63B78`, initial value and
                final XOR `0xFFFFFFFF`; the check value of the ASCII bytes `123456789` is `0xE3069283`).

                Sequence numbers strictly increase through the journal; they may have gaps (records
                erased by a rewrite). They are at most 2^64 − 2: a frame claiming 2^64 − 1 is invalid. A *batch* is a run of frames whose bit 31 is set, closed by a frame
                whose bit 31 is clear; a batch counts only when its closing frame is present.

                ### Reading a journal without the SDK

                1. List the `.kjl` files, sort them by name, check each header (magic, version 1, CRC).
                2. Read frames from offset 40: check the header CRC, the length (at most 16 MiB by
                   default), the payload CRC, and that the sequence is greater than the previous one
                   (and at most 2^64 − 2).
                3. Stop a segment at its end or at the first invalid frame. Frames of a batch whose
                   closing frame is missing at the end of the last segment were never acknowledged:
                   ignore them.

                What each payload holds depends on the store; the formats are below.

                ### Binary conventions of payloads

                Integers are little-endian. A *varint* is an unsigned LEB128 number (7 bits per byte,
                least significant group first, high bit set on every byte but the last). A *string* is
                a varint byte length followed by UTF-8 bytes; *bytes* is a varint length followed by the
                bytes.

                ## Document stores

                A document store (operations, contracts, invoices, instructions...) is a journal whose
                payloads are commits, plus an optional snapshot `snapshot.kds` in the same directory.

                ### Commit payload

                ```
                u8      1                      record kind: commit
                varint  number of writes
                per write:
                  u8      operation            1 = put, 2 = delete
                  string  key
                  bytes   value                (put only)
                ```

                The version of every document written by a commit is the commit's sequence number.

                ### Snapshot `snapshot.kds`

                | part | content |
                |---|---|
                | header, 32 bytes | magic `KSNP`, u16 version `1`, u16 flags `0`, u64 covered sequence, u64 document count, u32 reserved `0`, u32 CRC-32C of the header's first 28 bytes |
                | documents | in ascending key order (UTF-8 bytes): u64 version, string key, bytes value |
                | footer, 8 bytes | u32 CRC-32C of the documents part, magic `KEND` |

                To rebuild a store: load the snapshot (if any), then apply the commits of the journal
                whose sequence is greater than the covered sequence, in order.

                ### Document values

                Values written by the SDK's services are JSON (UTF-8, keys sorted). Dates in them are
                numbers: seconds since 2001-01-01T00:00:00Z (add 978,307,200 for Unix time). Amounts of
                money are objects `{"amount": "1234.56", "currency": "EUR"}` with the amount as a
                string. Civil dates are strings `YYYY-MM-DD`; months `YYYY-MM`.

                ## Evidence log

                The evidence log of a tenant is the journal `tenants/<tenant>/logs/evidence`. Each
                record is one entry: its canonical encoding followed by its 32-byte hash.

                ```
                "KEV1"                         4 ASCII bytes
                u64     index                  position in the chain, from 0
                i64     time                   microseconds since 1970-01-01T00:00:00Z
                string  tenant
                string  principal kind         user | system | host
                string  principal id
                string  action                 e.g. operation.suspend
                string  subject                e.g. operation:summer-2026
                string  details
                32 bytes payload digest        SHA-256 of the data acted on, or 32 zero bytes
                32 bytes previous hash         hash of the entry before, 32 zero bytes for index 0
                ```

                `hash` = SHA-256 of the canonical encoding (everything above). To verify: read the
                entries in order; each index must be the previous plus one, each previous hash must be
                the hash of the entry before, and each hash must be the SHA-256 of its entry's
                encoding. A head `(index, hash)` published earlier (on a certificate, a monthly report)
                proves that nothing up to it was removed, not even at the end.

                ## File outbox

                ```
                <outbox>/LOCK
                <outbox>/pending/<sha256 of the idempotency key, hex>.json     accepted, not yet delivered
                <outbox>/delivered/<sha256 of the idempotency key, hex>.json   delivered
                ```

                Each file is a JSON object `{"acceptedAt": <date>, "message": {...}}` with the message's
                fields `idempotencyKey`, `tenant`, `kind`, `recipient`, `channel`, `subject`, `body`,
                `attributes`, `createdAt` (dates as in document values).

                ## Store layout of `FileStorage`

                ```
                <root>/tenants/<tenant>/logs/<name>/        a journal
                <root>/tenants/<tenant>/documents/<name>/   a document store
                ```
                Tenant and store names are 1 to 128 characters from `A-Z a-z 0-9 . _ -`, not starting
                with a dot.

                ## Exports

                Participants, winners and draw certificates leave the SDK as CSV or JSON Lines (SPEC G-11,
                contract §12), through `ExportService`. An export is streamed: the rows are read from their
                source and written to the destination in chunks of 64 KiB, so memory stays flat whatever the
                number of rows.

                ### Formats

                **CSV** (RFC 4180):

                - UTF-8 without byte-order mark; a header line with the column names; one line per row; fields
                  separated by `,`; every line (the last one included) ends with CR LF.
                - A field holding `,`, `"`, CR or LF is enclosed in double quotes, and a `"` inside it is
                  doubled. Other fields are written as they are.
                - **Formula injection is neutralised**: a text value whose first character is `=`, `+`, `-`,
                  `@`, TAB or CR gets a `'` put in front of it (then quoted if needed): `=1+1` is written
                  `'=1+1`, `-2+3` is written `'-2+3`, `=1,2` is written `"'=1,2"`, and a value starting with a
                  carriage return is written as `"'` + the value + `"`. Spreadsheets then show the text instead
                  of evaluating it. Numbers, booleans and instants are written by the SDK and are
                  not changed (`-5` in an integer column stays `-5`). Column names are restricted so that no
                  header starts a formula.
                - No value (`null`) is an empty field; an empty text is `""`, so the two stay apart.

                **JSON Lines**: one JSON object per row, keys in column order, a line feed (0x0A) after each
                object, UTF-8. Strings escape `"` `\` and control characters (`\n`, `\r`, `\t`, `\b`, `\f`,
                `\u00XX`); other characters are written as they are. JSON is not interpreted by spreadsheets, so
                no formula neutralisation is applied.

                **Values**

                | kind | CSV | JSON Lines |
                |---|---|---|
                | text | the text (neutralised, quoted as above) | string |
                | integer | decimal, `-` if negative | number |
                | decimal | decimal with `.`, no exponent | number |
                | boolean | `true` / `false` | `true` / `false` |
                | instant | ISO 8601 UTC with milliseconds, `2026-06-01T10:00:00.123Z` | the same, as a string |
                | none | empty field | `null` |

                ### Schemas (version 1)

                **`participants`** — one row per participation:

                | column | kind | content |
                |---|---|---|
                | `operation_id` | text | the operation |
                | `entry_id` | text | the participation's id |
                | `entered_at` | instant | when it was accepted |
                | then one column per form field, in the form's order, named after the field | as typed | the value given |

                **`winners`** — one row per winner (or reserve, or disqualified entry):

                | column | kind | content |
                |---|---|---|
                | `operation_id` | text | the operation |
                | `source` | text | `draw`, `instant_win`, `quiz`, `contest`, `vote` |
                | `place` | integer | the winner's place (a draw's reserves: their promotion order; an instant win: the moment's index + 1) |
                | `status` | text | `winner`, `reserve`, `disqualified` |
                | `entry_id` | text | the winning participation |
                | `person_key` | text | its pseudonymous person key (empty for quizzes, contests, votes) |
                | `prize` | text | the prize code, when known |
                | `decided_at` | instant | when the place was decided (the draw, the promotion, the winning participation) |
                | `note` | text | the disqualification reason, `replaces <entry>` for a promoted reserve, the score, the moment |
                | then extra columns (contact details joined from the participations) | | |

                **`draw_certificates`** — one row per draw certificate (the full certificate is the JSON of
                `Documentation/DrawAlgorithm.md` §7):

                `operation_id`, `algorithm`, `method`, `rules_document_sha256`, `commitment_kind`
                (`secret-seed` / `public-beacon`), `commitment` (the seed's SHA-256, or `source#round`),
                `committed_at`, `closes_at`, `seed`, `entry_list_sha256`, `entry_count`, `frozen_at`,
                `drawn_at`, `winners` and `reserves` (entry ids as drawn, separated by one space),
                `replacements` (`<disqualified>-><replacement or none>`, separated by one space),
                `certificate_sha256` (SHA-256 of the certificate JSON as published).

                **Draw entry list** — the frozen list of a draw exports in its canonical form
                (`kimple-draw-entries/1`, `Documentation/DrawAlgorithm.md` §1.3): its SHA-256 is the entry-list
                hash of the certificate.

                ### Personal data in exports

                Each column carries the category of personal data it holds (`contact.email`,
                `special.health`...). Before anything is written, the export asks the processing gate
                (purpose `export`, the categories, the destination country and recipient). Columns of a special
                category (GDPR art. 9 and 10; contract §11.2.7) are:

                - **dropped** by default (their categories are not even requested);
                - or **pseudonymised** on request: each value is replaced by the lowercase hexadecimal
                  HMAC-SHA256 of its text under a key the host keeps (equal values stay equal);
                - or exported **in clear** only when the grant says special categories may be processed in
                  clear; otherwise the export is refused (`export.special_category_not_allowed`) before
                  anything is written.

                ### Evidence

                Every export is written to the tenant's evidence log: action `games.export`, the principal who
                exported, the subject (`operation:<id>`), and in the details the schema, format, row count,
                byte count and the SHA-256 of every byte written; the payload digest is the SHA-256 of the
                export receipt (JSON). An export that fails after it started writing is recorded as
                `games.export.failed` with what was written before the failure. A file export is written to
                `<name>.partial` and renamed only once complete and fsynced.

                """#
        )
    ]
}
