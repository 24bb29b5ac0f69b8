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
                the on-disk formats of the file stores, the evidence log, the outbox, the export formats,
                the draw certificate and the instant-win schedule, the interoperability bundle, and how
                each of them is versioned. All integers are little-endian unless stated otherwise; all
                text is UTF-8.

                Every JSON the SDK writes for a partner has a JSON Schema (draft 2020-12) next to this
                file; the SDK's tests encode real values and check them against these schemas:

                | JSON | schema |
                |---|---|
                | a row of a participants export (JSON Lines) | [Schemas/participants.row.schema.json](Schemas/participants.row.schema.json) |
                | a row of a winners export (JSON Lines) | [Schemas/winners.row.schema.json](Schemas/winners.row.schema.json) |
                | a row of a draw-certificates export (JSON Lines) | [Schemas/draw-certificates.row.schema.json](Schemas/draw-certificates.row.schema.json) |
                | a draw certificate | [Schemas/draw-certificate.schema.json](Schemas/draw-certificate.schema.json) |
                | a file of the file outbox | [Schemas/outbox-message.schema.json](Schemas/outbox-message.schema.json) |
                | `MANIFEST.json` of an interoperability bundle | [Schemas/interoperability-manifest.schema.json](Schemas/interoperability-manifest.schema.json) |

                The evidence log, the journals and the instant-win schedule are binary or text formats,
                specified below byte by byte. Documents that stay inside the SDK's stores (operations,
                contracts, instructions...) are JSON of the SDK's types; their fields are those of the
                types' API documentation.

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
                <outbox>/damaged/<file name>                                    a pending file that did not decode, set aside
                ```

                Each file is a JSON object `{"acceptedAt": <date>, "message": {...}}` with the message's
                fields `idempotencyKey`, `tenant`, `kind`, `recipient`, `channel`, `subject`, `body`,
                `attributes`, `createdAt` (dates as in document values), and `dataSubject` when the message
                carries a person's data.

                **Messages about a person (P-3, P-9).** `dataSubject` is the hex SHA-256 of the person's
                canonical locator (`SubjectDigest`, e.g. of `email:jane.doe@example.com`): a pseudonymous
                reference. Such a message (a forwarded data subject request, the processor's answer to the
                person) keeps the person's data in `recipient` and `body` only; its `subject` line and
                `attributes` hold ids and dates. The outbox keeps it in `delivered/` **redacted**: `body`
                becomes `(redacted)`, `recipient` too unless it is a role (`controller`, `client`, `provider`,
                `host`), and the attributes `redacted_body_sha256` and `redacted_recipient_sha256` keep the hex
                SHA-256 of the UTF-8 text that was sent, as the delivery receipt. An erasure of the person (or
                the destruction of the tenant's data at the end of the contract) redacts the messages about
                them in `pending/` and `delivered/` alike; a redacted pending message is delivered redacted.
                No file of the outbox keeps an erased person's data.

                ## Store layout of `FileStorage`

                ```
                <root>/tenants/<tenant>/logs/<name>/        a journal
                <root>/tenants/<tenant>/documents/<name>/   a document store
                ```
                Tenant and store names are 1 to 128 characters from `A-Z a-z 0-9 . _ -`, not starting
                with a dot.

                ### The SDK's stores

                | store | kind | records or keys |
                |---|---|---|
                | `logs/evidence` | journal | evidence entries (above) |
                | `logs/participations` | journal | participation records (below) |
                | `logs/robot-events` | journal | one JSON robot event per record (below) |
                | `logs/instant-win` | journal | one JSON record per schedule installed or award made (below) |
                | `logs/votes` | journal | one JSON ballot per vote counted: `operation`, `candidate`, `personKey`, `period`, `castAtMilliseconds` |
                | `documents/operations` | document store | `operation/<id>`: an operation and its status history |
                | `documents/draws` | document store | `draw/<operation id>`: the commitment, the frozen list's summary and the certificate |
                | `documents/contracts` | document store | `contract/<id>`, `invoice/<number, 12 digits>`, quotes, users, notices |
                | `documents/privacy` | document store | instructions, data-subject requests, breaches, sub-processor changes, end of contract |
                | `documents/availability` | document store | `outage/<id>`, `maintenance/<id>`, `incident/<id>`, `suspension/<id>`, `declaration/<id>` |

                ### Participation records

                The participation journal holds one record per entry. Integers are LEB128 varints unless
                stated; strings are a varint length then UTF-8 bytes.

                ```
                u8      format = 1
                u8      kind: 1 entry, 2 identity-secret fingerprint
                kind 1: string   operation id
                        16 bytes identity key
                        varint   period, zig-zag encoded (0 for a limit per operation, else the local day
                                 number since 1970-01-01 or the ISO week number, week 0 starting 1969-12-29)
                        8 bytes  received-at: IEEE 754 double, little-endian, seconds since 2001-01-01T00:00:00Z
                        u8       flags: 1 participant id, 2 host key, 4 source
                        string   participant id, host key, source (each present when flagged, in that order)
                        varint   field count, then per field: string name, varint category code, [string
                                 category when the code is 0], string value
                        varint   consent count, then the consent names
                kind 2: 32 bytes fingerprint
                ```

                Category codes: 1 identity.name, 2 identity.birthdate, 3 contact.email, 4 contact.phone,
                5 contact.postal_address, 6 participation.answers, 7 participation.content,
                8 participation.consents, 9 online.ip_address, 10 online.device_id, 11 online.user_agent,
                12 identity, 13 contact, 14 participation, 15 online, 16 special, 17 special.health,
                18 special.biometric, 19 special.genetic, 20 special.racial_or_ethnic_origin,
                21 special.political_opinions, 22 special.religious_beliefs, 23 special.trade_union_membership,
                24 special.sex_life_or_orientation, 25 special.criminal_records; 0 any other (written out).

                An entry's id is `e<sequence>` (`e1`, `e2`...), the sequence being the record's sequence
                number in the journal.

                ### Robot events

                One JSON object per record (sorted keys, dates as in document values): `tenant`,
                `operation`, `source` (the address or key the signal was seen on), `signal`, `time`,
                `detail`, `count` (how many events this record aggregates).

                ### Instant-win ledger

                One JSON object per record, either `{"schedule": {"_0": <schedule>}}` when a schedule is
                installed or `{"award": {"_0": <award>}}` when a moment is won. An award holds `operation`,
                `momentIndex`, `momentAtMilliseconds`, `prize`, `entryID`, `personKey` and
                `wonAtMilliseconds` (milliseconds since 1970). The schedule's published form is its
                canonical text (below); the JSON holds the same values.

                ## Win receipts

                A receipt code (G-14) is computed, not stored; anyone holding the tenant's identity secret can
                recompute it:

                1. `key = HMAC-SHA-256(identitySecret, "kimple.games.win-receipt.key.v1:" + tenant)` (UTF-8).
                2. `message = "kimple.games.win-receipt.v1"` followed by six fields, each as its UTF-8 length
                   (4 bytes, big-endian) then its UTF-8 bytes: tenant, operation, entry id, prize code, moment
                   index (decimal), time of the award (`wonAtMilliseconds`, decimal).
                3. `mac = HMAC-SHA-256(key, message)`; its first 75 bits, most significant first, are 15 values
                   of 5 bits.
                4. A 16th value is the Luhn mod 32 check of the 15: from the last value backwards, double every
                   other value starting with the last, add each product's quotient and remainder by 32, and
                   take `(32 - sum mod 32) mod 32`.
                5. The 16 values in Crockford's alphabet `0123456789ABCDEFGHJKMNPQRSTVWXYZ`, after `KW-`, in
                   four groups of four separated by `-`.

                Readers accept lower case, spaces, no dashes, and `O`, `I`, `L` for `0`, `1`, `1`.

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

                ## Draw certificates

                A draw is published as a JSON certificate (`DrawCertificate.jsonData()`: keys sorted,
                instants in ISO 8601 UTC with milliseconds, digests and the seed in lowercase hexadecimal),
                specified field by field in [DrawAlgorithm.md](DrawAlgorithm.md) §7 and by
                [Schemas/draw-certificate.schema.json](Schemas/draw-certificate.schema.json). With the frozen
                entry list in its canonical form (`kimple-draw-entries/1`, DrawAlgorithm.md §1.3), anyone
                reproduces the winners and reserves; `Documentation/verify_draw.py` of the SDK's repository
                does it in Python without dependencies.

                ## Instant-win schedules

                An instant-win operation's winning moments are fixed before it goes live. The published
                form is the schedule's canonical text (`kimple-instant-win-schedule/1`, TAB-separated lines,
                DrawAlgorithm.md §8); its SHA-256 is the commitment published before the opening. After the
                closing the text (and, for a generated schedule, the seed) is revealed, so anyone can check
                the hash and regenerate the moments (`kimple-instant-win/1`).

                A host that imports its own moments passes them to `InstantWinSchedule.importing(...)` as
                values (an instant and a prize code each); the SDK reads no file for them, and the imported
                schedule is published through the same canonical text, with `origin TAB imported`.

                ## Interoperability bundle

                What a partner receives once the interoperability information is paid (§5 (iii)): this
                document and every file it links to (the JSON Schemas, DrawAlgorithm.md), plus

                - `MANIFEST.json` ([Schemas/interoperability-manifest.schema.json](Schemas/interoperability-manifest.schema.json)):
                  the format `kimple-interoperability-bundle/1`, the tenant, the contract, the request, when
                  it was generated, and each file's path, size and SHA-256;
                - `SHA256SUMS`: the digests of every file and of the manifest, in the format
                  `sha256sum -c SHA256SUMS` checks.

                ## Versioning

                The SDK follows semantic versioning (`MAJOR.MINOR.PATCH`, CHANGELOG.md); its formats carry
                their own version, independent of the SDK's:

                | format | version carried in | current |
                |---|---|---|
                | journal segment | header field `format version` | 1 |
                | document-store snapshot | header field `version` | 1 |
                | participation record | first byte | 1 |
                | evidence entry | magic `KEV1` | 1 |
                | export schemas | `ExportSchema.version`, the receipt in the evidence log | 1 |
                | draw certificate | `certificateVersion`; `algorithm` `kimple-draw/1` | 1 |
                | draw entry list | `kimple-draw-entries/1` | 1 |
                | instant-win schedule | header line `kimple-instant-win-schedule/1`; `kimple-instant-win/1` | 1 |
                | interoperability bundle | `format` in `MANIFEST.json` | 1 |
                | JSON Schemas | this repository, alongside the SDK | — |

                - **Readers accept every version they know and refuse the others.** A journal or snapshot
                  written by an unknown, newer version fails to open with `storage.unsupported_format`
                  rather than being misread; files are never rewritten to a newer version behind the host's
                  back.
                - **A format's version changes when an old reader would misread new data**: a field
                  removed, renamed, moved or reinterpreted, a new record kind, a changed canonical form or
                  algorithm. Adding a key to a JSON object is not such a change: readers must ignore keys
                  they do not know (the SDK's do). The schemas close their objects
                  (`additionalProperties: false`) so that the SDK's tests catch a field the documentation
                  does not describe; validate with them to check the SDK, not to reject a newer minor
                  version.
                - **What bumps the SDK's version.** A change of a format version, a removed or changed
                  public declaration, or a changed rule of the contract's behaviour is a MAJOR change (while
                  the SDK is at 0.x, a MINOR one, as semantic versioning allows, and always listed under
                  *Changed* in CHANGELOG.md). New public API, new optional fields, new error codes and new
                  formats alongside the old are MINOR. Fixes that change no format and no public
                  declaration are PATCH.
                - **Schemas follow the formats.** A schema changes in the same commit as its encoder (a
                  test fails otherwise); a schema of a new format version is a new file, the old one stays.
                - **Published artefacts stay verifiable.** Certificates, schedules and entry lists of an
                  older version remain checkable by the SDK and by `verify_draw.py`, whatever the SDK's
                  version.


                ## PostgreSQL schema

                The PostgreSQL backend (`Examples/kimple-postgres`, see `PostgreSQL.md`) keeps every store in
                the tables of one schema (`kimple` by default). A partner can read everything with SQL alone.
                The tenant (K-1) is the first column of every primary key. Text is UTF-8; `bytea` payloads of
                record logs and documents are the SDK's own JSON or binary records, the same bytes the file
                store writes (see the sections above for each store's format).

                | table | columns | meaning |
                |---|---|---|
                | `schema_migrations` | `version` integer, `description` text, `applied_at` timestamptz | the migrations applied (version 1 today) |
                | `record_log_heads` | `tenant`, `name`, `next_seq` bigint | one row per record log: the next sequence number; appends lock this row, so one log (one tenant's evidence chain) never forks |
                | `record_logs` | `tenant`, `name`, `seq` bigint, `payload` bytea | the records of every log (`evidence`, robot events, outbox history, availability...); key (`tenant`, `name`, `seq`); an erased record is deleted, gaps stay |
                | `document_versions` | `tenant`, `store`, `last_version` bigint | one row per document store: the last version handed out (versions are unique and increasing per store) |
                | `documents` | `tenant`, `store`, `key` text (C collation), `version` bigint, `value` bytea | every document store (`operations`, contracts, invoices, instructions, draws, privacy state...); compare-and-set is `UPDATE ... WHERE version = expected` |
                | `participation_tenants` | `tenant`, `identity_secret_fingerprint` bytea | the fingerprint of each tenant's identity secret (not personal data) |
                | `participations` | `tenant`, `seq` bigint, `operation`, `identity` bytea (16 bytes, the keyed identity hash), `period` bigint, `received_at` timestamptz, `received_since_2001` double precision (the exact instant, seconds since 2001-01-01 UTC), `participant`, `host_key`, `source` text (nullable), `fields` jsonb (`[{"name","value","category"}]`), `consents` jsonb (array of names) | the accepted entries; the entry id is `e` followed by `seq`; index (`tenant`, `operation`, `seq`) |
                | `participation_limits` | `tenant`, `operation`, `identity`, `period`, `used` integer | entries counted against a person in an operation and period; the limit is one statement on this row (`ON CONFLICT DO UPDATE ... WHERE used < max`) |
                | `instant_win_schedules` | `tenant`, `operation`, `commitment` bytea (SHA-256), `schedule` jsonb (the committed `InstantWinSchedule`), `award_count` integer | one committed schedule per operation; awards lock this row |
                | `instant_win_awards` | `tenant`, `operation`, `moment_index` integer, `moment_at_ms` bigint, `prize` text, `entry_id` text, `person_key` text, `won_at_ms` bigint | one row per awarded moment; unique per moment and per entry |
                | `votes` | `tenant`, `operation`, `candidate`, `person_key`, `period` | one row per counted vote (insert-if-absent on the whole key) |

                Example: the entries of an operation, oldest first.

                ```sql
                SELECT 'e' || seq AS entry_id, received_at, fields, consents
                FROM kimple.participations WHERE tenant = 'brand' AND operation = 'tv-spot' ORDER BY seq;
                ```

                """#
        ),
        InteroperabilityDocument(
            path: "Schemas/participants.row.schema.json",
            text: #"""
                {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "title": "Participants export row (participants, version 1)",
                  "description": "One line of a JSON Lines export of the participants schema: the leading columns, then one key per form field, named after the field, holding the value given (null when none). Special-category fields are absent unless pseudonymised or allowed in clear.",
                  "type": "object",
                  "properties": {
                    "operation_id": {
                      "type": "string",
                      "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$",
                      "description": "An identifier: 1 to 128 characters from A-Z a-z 0-9 . _ -, not starting with a dot."
                    },
                    "entry_id": {
                      "type": "string"
                    },
                    "entered_at": {
                      "type": "string",
                      "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                      "description": "ISO 8601 in UTC with milliseconds."
                    }
                  },
                  "required": [
                    "entered_at",
                    "entry_id",
                    "operation_id"
                  ],
                  "additionalProperties": {
                    "type": [
                      "string",
                      "number",
                      "boolean",
                      "null"
                    ]
                  }
                }

                """#
        ),
        InteroperabilityDocument(
            path: "Schemas/winners.row.schema.json",
            text: #"""
                {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "title": "Winners export row (winners, version 1)",
                  "description": "One line of a JSON Lines export of the winners schema: a winner, reserve or disqualified entry of a draw, instant win, quiz, contest or vote; extra columns (contact details joined from the participations) may follow.",
                  "type": "object",
                  "properties": {
                    "operation_id": {
                      "type": "string",
                      "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$",
                      "description": "An identifier: 1 to 128 characters from A-Z a-z 0-9 . _ -, not starting with a dot."
                    },
                    "source": {
                      "enum": [
                        "draw",
                        "instant_win",
                        "quiz",
                        "contest",
                        "vote"
                      ]
                    },
                    "place": {
                      "type": [
                        "integer",
                        "null"
                      ],
                      "minimum": 1
                    },
                    "status": {
                      "enum": [
                        "winner",
                        "reserve",
                        "disqualified"
                      ]
                    },
                    "entry_id": {
                      "type": "string"
                    },
                    "person_key": {
                      "type": [
                        "string",
                        "null"
                      ]
                    },
                    "prize": {
                      "type": [
                        "string",
                        "null"
                      ]
                    },
                    "decided_at": {
                      "type": "string",
                      "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                      "description": "ISO 8601 in UTC with milliseconds."
                    },
                    "note": {
                      "type": [
                        "string",
                        "null"
                      ]
                    }
                  },
                  "required": [
                    "decided_at",
                    "entry_id",
                    "note",
                    "operation_id",
                    "person_key",
                    "place",
                    "prize",
                    "source",
                    "status"
                  ],
                  "additionalProperties": {
                    "type": [
                      "string",
                      "number",
                      "boolean",
                      "null"
                    ]
                  }
                }

                """#
        ),
        InteroperabilityDocument(
            path: "Schemas/draw-certificates.row.schema.json",
            text: #"""
                {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "title": "Draw certificates export row (draw_certificates, version 1)",
                  "description": "One line of a JSON Lines export of the draw_certificates schema.",
                  "type": "object",
                  "properties": {
                    "operation_id": {
                      "type": "string",
                      "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$",
                      "description": "An identifier: 1 to 128 characters from A-Z a-z 0-9 . _ -, not starting with a dot."
                    },
                    "algorithm": {
                      "const": "kimple-draw/1"
                    },
                    "method": {
                      "enum": [
                        "uniform",
                        "weighted"
                      ]
                    },
                    "rules_document_sha256": {
                      "type": "string",
                      "pattern": "^[0-9a-f]{64}$"
                    },
                    "commitment_kind": {
                      "enum": [
                        "secret-seed",
                        "public-beacon"
                      ]
                    },
                    "commitment": {
                      "type": "string",
                      "description": "The seed's SHA-256, or source#round for a beacon."
                    },
                    "committed_at": {
                      "type": "string",
                      "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                      "description": "ISO 8601 in UTC with milliseconds."
                    },
                    "closes_at": {
                      "type": "string",
                      "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                      "description": "ISO 8601 in UTC with milliseconds."
                    },
                    "seed": {
                      "type": "string",
                      "pattern": "^([0-9a-f]{2})+$"
                    },
                    "entry_list_sha256": {
                      "type": "string",
                      "pattern": "^[0-9a-f]{64}$"
                    },
                    "entry_count": {
                      "type": "integer",
                      "minimum": 0
                    },
                    "frozen_at": {
                      "type": "string",
                      "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                      "description": "ISO 8601 in UTC with milliseconds."
                    },
                    "drawn_at": {
                      "type": "string",
                      "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                      "description": "ISO 8601 in UTC with milliseconds."
                    },
                    "winners": {
                      "type": "string",
                      "description": "Entry ids as drawn, separated by one space."
                    },
                    "reserves": {
                      "type": "string",
                      "description": "Entry ids as drawn, separated by one space."
                    },
                    "replacements": {
                      "type": "string",
                      "description": "<disqualified>-><replacement or none>, separated by one space."
                    },
                    "certificate_sha256": {
                      "type": "string",
                      "pattern": "^[0-9a-f]{64}$"
                    }
                  },
                  "required": [
                    "algorithm",
                    "certificate_sha256",
                    "closes_at",
                    "commitment",
                    "commitment_kind",
                    "committed_at",
                    "drawn_at",
                    "entry_count",
                    "entry_list_sha256",
                    "frozen_at",
                    "method",
                    "operation_id",
                    "replacements",
                    "reserves",
                    "rules_document_sha256",
                    "seed",
                    "winners"
                  ],
                  "additionalProperties": false
                }

                """#
        ),
        InteroperabilityDocument(
            path: "Schemas/draw-certificate.schema.json",
            text: ##"""
                {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "title": "Draw certificate",
                  "description": "A draw certificate as published by DrawCertificate.jsonData(): everything needed, with the frozen entry list and DrawAlgorithm.md, to reproduce the winners and reserves. Keys sorted; certificateVersion 1.",
                  "type": "object",
                  "properties": {
                    "certificateVersion": {
                      "const": 1
                    },
                    "operation": {
                      "$ref": "#/$defs/identifier"
                    },
                    "rulesDocumentSHA256": {
                      "$ref": "#/$defs/sha256"
                    },
                    "commitment": {
                      "oneOf": [
                        {
                          "type": "object",
                          "properties": {
                            "kind": {
                              "const": "secret-seed"
                            },
                            "seedSHA256": {
                              "$ref": "#/$defs/sha256"
                            }
                          },
                          "required": [
                            "kind",
                            "seedSHA256"
                          ],
                          "additionalProperties": false
                        },
                        {
                          "type": "object",
                          "properties": {
                            "kind": {
                              "const": "public-beacon"
                            },
                            "source": {
                              "type": "string"
                            },
                            "round": {
                              "type": "string"
                            }
                          },
                          "required": [
                            "kind",
                            "round",
                            "source"
                          ],
                          "additionalProperties": false
                        }
                      ]
                    },
                    "committedAt": {
                      "$ref": "#/$defs/instant"
                    },
                    "closesAt": {
                      "$ref": "#/$defs/instant"
                    },
                    "seed": {
                      "type": "string",
                      "pattern": "^([0-9a-f]{2}){1,1024}$",
                      "description": "The revealed seed (or beacon value), lowercase hexadecimal."
                    },
                    "entryList": {
                      "type": "object",
                      "properties": {
                        "sha256": {
                          "$ref": "#/$defs/sha256"
                        },
                        "count": {
                          "type": "integer",
                          "minimum": 0
                        },
                        "frozenAt": {
                          "$ref": "#/$defs/instant"
                        }
                      },
                      "required": [
                        "count",
                        "frozenAt",
                        "sha256"
                      ],
                      "additionalProperties": false
                    },
                    "algorithm": {
                      "const": "kimple-draw/1"
                    },
                    "method": {
                      "enum": [
                        "uniform",
                        "weighted"
                      ]
                    },
                    "streamKey": {
                      "$ref": "#/$defs/sha256"
                    },
                    "rules": {
                      "type": "object",
                      "properties": {
                        "winners": {
                          "type": "integer",
                          "minimum": 1
                        },
                        "reserves": {
                          "type": "integer",
                          "minimum": 0
                        },
                        "oneWinPerPerson": {
                          "type": "boolean"
                        }
                      },
                      "required": [
                        "oneWinPerPerson",
                        "reserves",
                        "winners"
                      ],
                      "additionalProperties": false
                    },
                    "drawnAt": {
                      "$ref": "#/$defs/instant"
                    },
                    "drawnBy": {
                      "$ref": "#/$defs/principal"
                    },
                    "winners": {
                      "type": "array",
                      "items": {
                        "$ref": "#/$defs/pick"
                      }
                    },
                    "reserves": {
                      "type": "array",
                      "items": {
                        "$ref": "#/$defs/pick"
                      }
                    },
                    "replacements": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "properties": {
                          "position": {
                            "type": "integer",
                            "minimum": 1,
                            "description": "The winner's place the disqualified entry held; absent for a reserve."
                          },
                          "disqualified": {
                            "$ref": "#/$defs/pick"
                          },
                          "reason": {
                            "type": "string"
                          },
                          "replacement": {
                            "$ref": "#/$defs/pick",
                            "description": "The reserve promoted; absent when none was left or a reserve was disqualified."
                          },
                          "at": {
                            "$ref": "#/$defs/instant"
                          },
                          "by": {
                            "$ref": "#/$defs/principal"
                          }
                        },
                        "required": [
                          "at",
                          "by",
                          "disqualified",
                          "reason"
                        ],
                        "additionalProperties": false
                      }
                    }
                  },
                  "required": [
                    "algorithm",
                    "certificateVersion",
                    "closesAt",
                    "commitment",
                    "committedAt",
                    "drawnAt",
                    "drawnBy",
                    "entryList",
                    "method",
                    "operation",
                    "replacements",
                    "reserves",
                    "rules",
                    "rulesDocumentSHA256",
                    "seed",
                    "streamKey",
                    "winners"
                  ],
                  "additionalProperties": false,
                  "$defs": {
                    "sha256": {
                      "type": "string",
                      "pattern": "^[0-9a-f]{64}$"
                    },
                    "instant": {
                      "type": "string",
                      "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                      "description": "ISO 8601 in UTC with milliseconds."
                    },
                    "identifier": {
                      "type": "string",
                      "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$",
                      "description": "An identifier: 1 to 128 characters from A-Z a-z 0-9 . _ -, not starting with a dot."
                    },
                    "principal": {
                      "type": "object",
                      "properties": {
                        "kind": {
                          "enum": [
                            "user",
                            "system",
                            "host"
                          ]
                        },
                        "id": {
                          "type": "string"
                        }
                      },
                      "required": [
                        "id",
                        "kind"
                      ],
                      "additionalProperties": false,
                      "description": "Who acted: an authorised user's login, a component of the SDK, or the host."
                    },
                    "pick": {
                      "type": "object",
                      "properties": {
                        "index": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Position in the canonical entry list, from 0."
                        },
                        "entryID": {
                          "type": "string"
                        },
                        "personKey": {
                          "type": "string"
                        }
                      },
                      "required": [
                        "entryID",
                        "index",
                        "personKey"
                      ],
                      "additionalProperties": false
                    }
                  }
                }

                """##
        ),
        InteroperabilityDocument(
            path: "Schemas/outbox-message.schema.json",
            text: #"""
                {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "title": "File outbox message",
                  "description": "A file of a FileOutbox, pending/<hex SHA-256 of the idempotency key>.json or delivered/<same>.json: the message and when the outbox accepted it.",
                  "type": "object",
                  "properties": {
                    "acceptedAt": {
                      "type": "number",
                      "description": "Seconds since 2001-01-01T00:00:00Z (add 978307200 for Unix time)."
                    },
                    "message": {
                      "type": "object",
                      "properties": {
                        "idempotencyKey": {
                          "type": "string",
                          "minLength": 1,
                          "description": "1 to 512 bytes; a second message with the same key is not delivered again."
                        },
                        "tenant": {
                          "type": "string",
                          "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$",
                          "description": "An identifier: 1 to 128 characters from A-Z a-z 0-9 . _ -, not starting with a dot."
                        },
                        "kind": {
                          "type": "string",
                          "description": "A stable code such as privacy.request.forwarded."
                        },
                        "recipient": {
                          "type": "string",
                          "description": "A role (controller, client, provider, host) or an address."
                        },
                        "channel": {
                          "type": "string",
                          "description": "email, registered_letter, webhook, event, or one of the host's."
                        },
                        "subject": {
                          "type": "string",
                          "minLength": 1
                        },
                        "body": {
                          "type": "string"
                        },
                        "attributes": {
                          "type": "object",
                          "additionalProperties": {
                            "type": "string"
                          }
                        },
                        "createdAt": {
                          "type": "number",
                          "description": "Seconds since 2001-01-01T00:00:00Z (add 978307200 for Unix time)."
                        },
                        "dataSubject": {
                          "type": "string",
                          "pattern": "^[0-9a-f]{64}$",
                          "description": "Present when the recipient or body carries a person's data: the SHA-256 (hex) of the person's canonical locator (SubjectDigest). Such a message is kept redacted once delivered and when the person's data is erased."
                        }
                      },
                      "required": [
                        "attributes",
                        "body",
                        "channel",
                        "createdAt",
                        "idempotencyKey",
                        "kind",
                        "recipient",
                        "subject",
                        "tenant"
                      ],
                      "additionalProperties": false
                    }
                  },
                  "required": [
                    "acceptedAt",
                    "message"
                  ],
                  "additionalProperties": false
                }

                """#
        ),
        InteroperabilityDocument(
            path: "Schemas/interoperability-manifest.schema.json",
            text: #"""
                {
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "title": "Interoperability bundle manifest",
                  "description": "MANIFEST.json of an interoperability bundle (kimple-interoperability-bundle/1): the documents delivered, with their sizes and SHA-256. SHA256SUMS lists the same digests, plus the manifest's, in the format sha256sum -c reads.",
                  "type": "object",
                  "properties": {
                    "format": {
                      "const": "kimple-interoperability-bundle/1"
                    },
                    "tenant": {
                      "type": "string",
                      "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$",
                      "description": "An identifier: 1 to 128 characters from A-Z a-z 0-9 . _ -, not starting with a dot."
                    },
                    "contract": {
                      "type": "string",
                      "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$",
                      "description": "An identifier: 1 to 128 characters from A-Z a-z 0-9 . _ -, not starting with a dot."
                    },
                    "request": {
                      "type": "string",
                      "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$",
                      "description": "An identifier: 1 to 128 characters from A-Z a-z 0-9 . _ -, not starting with a dot."
                    },
                    "generatedAt": {
                      "type": "string",
                      "description": "When the bundle was produced, ISO 8601 in UTC."
                    },
                    "files": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "properties": {
                          "path": {
                            "type": "string"
                          },
                          "bytes": {
                            "type": "integer",
                            "minimum": 0
                          },
                          "sha256": {
                            "type": "string",
                            "pattern": "^[0-9a-f]{64}$"
                          }
                        },
                        "required": [
                          "bytes",
                          "path",
                          "sha256"
                        ],
                        "additionalProperties": false
                      }
                    }
                  },
                  "required": [
                    "contract",
                    "files",
                    "format",
                    "generatedAt",
                    "request",
                    "tenant"
                  ],
                  "additionalProperties": false
                }

                """#
        ),
        InteroperabilityDocument(
            path: "DrawAlgorithm.md",
            text: #"""
                # Draw algorithm (`kimple-draw/1`) and instant-win schedules (`kimple-instant-win/1`)

                This document is the specification of how the Kimple SDK picks winners at random (SPEC G-7)
                and how it places instant-win moments (SPEC G-6). It is written so that anyone holding a draw
                certificate and the published entry list can reproduce the winners and reserves, in the same
                order, in any language, without the SDK (contract §5 (iii), interoperability information).

                Two things back this claim:

                - `Tests/KimpleGamesTests/Vectors/draw-vectors.json` — published test vectors (seeds, entries,
                  expected hashes, keys, winners and reserves; instant-win schedules and their commitments);
                - `Documentation/verify_draw.py` — an independent verifier written from this document with
                  the Python 3 standard library only (SHA-256 from `hashlib`, ChaCha20 implemented from RFC
                  8439). The SDK's tests run it against the vectors and against a real certificate whenever
                  `python3` is installed.

                ```
                python3 Documentation/verify_draw.py certificate certificate.json entries.txt
                python3 Documentation/verify_draw.py vectors Tests/KimpleGamesTests/Vectors/draw-vectors.json
                ```

                ## 0. Conventions

                - `||` is concatenation of byte strings. Text is UTF-8, never normalised: the bytes given are
                  the bytes used.
                - SHA-256 is FIPS 180-4. ChaCha20 is the block function of RFC 8439 §2.3 (20 rounds, 32-byte
                  key, 32-bit block counter in state word 12, 12-byte nonce in words 13–15).
                - Integers in text are decimal, without leading zeros or `+`; a negative number starts with
                  `-`. Instants are whole milliseconds since 1970-01-01T00:00:00Z (Unix time × 1000), rounded
                  down; certificates print them as ISO 8601 UTC with three decimals
                  (`2026-06-08T01:00:00.000Z`).
                - Hexadecimal is lowercase, two digits per byte, most significant nibble first.

                ## 1. The entry list

                ### 1.1 Entries

                Each eligible entry of the draw is four values:

                | field | rule |
                |---|---|
                | entry id | 1 to 128 bytes of UTF-8; no space, no control character (no byte 0x00–0x20 or 0x7F); unique in the list |
                | person key | 1 to 256 bytes of UTF-8; no control character (no byte 0x00–0x1F or 0x7F); spaces allowed |
                | weight | integer, 1 to 4,294,967,295 — the entry's number of chances |
                | entered at | the participation instant, milliseconds since 1970 (may be negative) |

                The person key is an opaque, pseudonymous key of the person behind the entry (for example
                a keyed hash of the normalised e-mail address). Two entries with the same key belong to the
                same person. It never holds personal data in clear: it is printed on the certificate.

                A list breaking a rule is refused as a whole (`draw.invalid_entry`); nothing is drawn.

                ### 1.2 Canonical order

                Entries are sorted by *entered at* ascending, then by *entry id* ascending, comparing the
                UTF-8 bytes as unsigned numbers, byte by byte, a shorter id that is a prefix of a longer one
                first. Entry ids are unique, so the order is total. An entry's **index** is its position in
                this order, from 0.

                ### 1.3 Canonical form and entry-list hash

                The canonical form is this text, every line ending with one line feed (0x0A):

                ```
                kimple-draw-entries/1
                <entry id> TAB <person key> TAB <weight> TAB <entered at>      one line per entry, canonical order
                ```

                TAB is 0x09. The **entry-list hash** is SHA-256 of the whole canonical form, hashed as one
                stream. The canonical form is also the file format in which a frozen list is published
                (`ExportService.exportEntryList`): `sha256sum entries.txt` prints the hash on the certificate.

                Example (four entries given in any order):

                ```
                kimple-draw-entries/1
                z	old	1	-5
                é	k1	1	1000
                a	k1	1	2000
                b	k 2	3	2000
                ```

                Bytes (hex): `6b696d706c652d647261772d656e74726965732f310a 7a096f6c640931092d350a
                c3a9096b31093109313030300a 61096b31093109323030300a 62096b2032093309323030300a`
                (spaces added for reading). SHA-256:
                `825de4fd4b0ff2a62b2ca6151747cc07e3027bbc40a9c91115a22e3f602b1974`. `é` (0xC3 0xA9) comes
                first at 1000 ms; at 2000 ms `a` (0x61) comes before `b` (0x62).

                The empty list is the header line alone; its hash is SHA-256(`kimple-draw-entries/1\n`).

                ## 2. Commit, freeze, reveal

                1. **Commit — before the operation closes.** The operator publishes either
                   - `secret-seed`: SHA-256 of a secret seed (1 to 1,024 bytes; the SDK makes 32 random
                     bytes with `DrawSeed.random()`). The SDK stores only this digest; the seed stays with the
                     operator (or a bailiff) until the draw; or
                   - `public-beacon`: the name of a public randomness beacon and the round whose output will
                     be the seed, a round published *after* closing (for example `drand quicknet#9876543`).
                   The rules (winners, reserves, one win per person) and the SHA-256 of the rules document
                   (règlement) are recorded with the commitment.
                2. **Freeze — at or after closing.** The eligible entries are put in canonical order; the
                   entry-list hash and count are recorded. The list can no longer change.
                3. **Reveal and draw.** The seed is revealed. For a secret seed, SHA-256(seed) must equal the
                   committed digest (else `draw.seed_mismatch`, nothing drawn). For a beacon, the value is the
                   beacon's output for the committed round; anyone checks it against the beacon. The draw
                   then runs once; it is never run again (`draw.already_drawn`).

                Every step is written to the tenant's hash-chained evidence log (`games.draw.commit`,
                `games.draw.freeze`, `games.draw.run` with the certificate's SHA-256 as payload digest,
                `games.draw.disqualify`).

                ## 3. The random stream

                **Key.**

                ```
                stream key = SHA-256( "kimple-draw/1" || 0x00 || entry-list hash (32 bytes) || seed )
                ```

                `"kimple-draw/1"` is the 13 ASCII bytes of the algorithm name. The fixed-length parts come
                first and the seed last, so no two (hash, seed) pairs give the same input.

                **Keystream.** ChaCha20 with the stream key, a nonce of twelve zero bytes, and block counters
                0, 1, 2, …: each block is the 16 output words serialised little-endian (64 bytes); the blocks
                are concatenated. This is the keystream RFC 8439 §2.4 would XOR with a plaintext, starting at
                counter 0. Bytes are consumed in order, each exactly once.

                **`next()`.** The next 8 keystream bytes `b0 … b7` read little-endian:
                `x = b0 + b1·2^8 + … + b7·2^56`, so `0 ≤ x < 2^64`.

                **`uniform(n)`, a number in `[0, n)` for `n ≥ 1`, without modulo bias (rejection sampling).**

                ```
                limit = n × floor(2^64 / n)            the largest multiple of n not above 2^64
                repeat: x = next(); if x < limit: return x mod n
                ```

                A rejected `x` stays consumed. For `n = 1`, `limit = 2^64` and one `next()` is consumed.
                Rejection is rare (probability `(2^64 mod n) / 2^64` per draw).

                **`unit()`, a number in the open interval (0, 1).** `x = next()`, then
                `((x >> 12) + 0.5) / 2^52` computed in IEEE 754 binary64 — every step is exact.

                Worked example (first vector: seed `000102…1f`, entries `e01`…`e10`):
                entry-list hash `515f3707e0901581b0a842e296ba6203c3224a449387a34992cb11a03f2da2d4`, stream
                key `5a1c48fcbb3fd99ca1b6d1a465831ebcee9111612dc16bf822473bb19433db68`, first keystream bytes
                `e5fd46662d4e22ab…`, so the first `next()` is 12331504686590262757.

                ## 4. Uniform draw (every weight is 1)

                Let `n` be the number of entries and `k = winners + reserves`. A partial Fisher–Yates shuffle of
                the positions `0 … n−1` (position `p` initially holds index `p`):

                ```
                picked = []; persons = {}
                for i = 0, 1, 2, … while i < n and len(picked) < k:
                    j = i + uniform(n − i)
                    swap the values at positions i and j
                    candidate = the value now at position i
                    if one win per person and person(candidate) in persons: continue    (passed over)
                    persons.add(person(candidate)); picked.append(candidate)
                ```

                An implementation need not hold the `n` positions: only displaced positions differ from their
                index (the verifier keeps them in a dictionary), so memory depends on `k`, not `n`.

                Continuing the worked example (`n = 10`): the first `next()` values give `j` = 0 + 7, 1 + 5,
                2 + 0, 3 + 3, 4 + 2, so the candidates are the indices 7, 6, 2, 1, 3: `e08`, `e07`, `e03`,
                `e02`, `e04`. With 3 winners and 2 reserves: winners `e08 e07 e03`, reserves `e02 e04`.

                ## 5. Weighted draw (some weight differs from 1): Efraimidis–Spirakis A-Res

                ```
                for each entry, in canonical order (index 0, 1, …):
                    u = unit(); key = ln(u) / weight                (binary64: ln, then one division)
                candidates = indices by decreasing key; equal keys by increasing index
                walk the candidates, passing over persons already picked (one win per person), until k are picked
                ```

                `ln(u)/w` orders entries exactly as the A-Res key `u^(1/w)` does (the logarithm is
                increasing), and avoids underflow. The probability of being picked first is `w / Σw`; the
                order of the picks is that of successive weighted sampling without replacement.

                `ln` must be the correctly rounded natural logarithm (what every mainstream C library returns
                for these arguments; `math.log` in Python calls it). Two keys closer than one unit in the last
                place are astronomically unlikely among the top `k` (the gaps there are around `1/n`); should a
                verifier's `ln` ever differ by one ulp, only such a near-tie could change.

                ## 6. Winners, reserves, replacements

                The first `winners` picks are the winners (place 1, 2, …), the next `reserves` picks the
                reserves, in order. When candidates run out (fewer entries, or fewer distinct persons, than
                `k`), fewer are picked; the certificate shows what was picked.

                **Disqualification** (with a reason, by an authorised user) never re-runs the draw:

                - a standing winner's place goes to the first remaining reserve; with no reserve left the place
                  stays vacant;
                - a remaining reserve is taken out of the reserve queue;
                - a promoted reserve is a standing winner and can be disqualified in turn.

                Each disqualification is appended to the certificate's `replacements`, in order.

                ## 7. The draw certificate (JSON)

                Keys sorted; instants ISO 8601 UTC with milliseconds; digests, key and seed in hexadecimal.

                | key | meaning |
                |---|---|
                | `certificateVersion` | 1 |
                | `operation` | the operation id |
                | `rulesDocumentSHA256` | SHA-256 of the rules document |
                | `commitment` | `{"kind": "secret-seed", "seedSHA256": …}` or `{"kind": "public-beacon", "source": …, "round": …}` |
                | `committedAt`, `closesAt` | when the commitment was recorded; the closing it preceded |
                | `seed` | the revealed seed (or beacon value) |
                | `entryList` | `{"sha256": …, "count": …, "frozenAt": …}` |
                | `algorithm` | `kimple-draw/1` |
                | `method` | `uniform` or `weighted` |
                | `streamKey` | the ChaCha20 key of §3 |
                | `rules` | `{"winners": …, "reserves": …, "oneWinPerPerson": …}` |
                | `drawnAt`, `drawnBy` | when and by whom (`{"kind": "user", "id": …}`) |
                | `winners`, `reserves` | as drawn, in order: `{"index": …, "entryID": …, "personKey": …}` |
                | `replacements` | in order: `{"position": place or absent for a reserve, "disqualified": pick, "reason": …, "replacement": pick or absent, "at": …, "by": …}` |

                To verify: hash the published entry list file (must equal `entryList.sha256`), check the
                seed against the commitment, redo §3–§5, compare with `winners` and `reserves`.
                `verify_draw.py certificate` does exactly that. In Swift, read the entry list file with
                `FrozenEntryList(canonicalForm:)` and call `certificate.verify(entries:)`: it also replays the
                `replacements` and throws `draw.certificate_mismatch` naming the first difference.

                ## 8. Instant-win schedules (`kimple-instant-win/1`)

                An instant-win operation's winning moments are fixed before it goes live; the SHA-256 of the
                schedule's canonical text is the **commitment** published then. After closing the schedule is
                revealed (and, for a generated one, the seed), so anyone can check the hash and regenerate the
                moments.

                **Generation from a seed.**

                ```
                stream key = SHA-256( "kimple-instant-win/1" || 0x00 || seed ); nonce = 12 zero bytes
                start = opens + margin at start;  end = closes − margin at end;  span = end − start (≥ 1 ms)
                units = the prize codes in canonical order (by UTF-8 bytes), each repeated `quantity` times; N = len(units)
                for i = 0 … N−1:                                  (times, in this order)
                    uniform spread: t[i] = start + uniform(span)
                    even spread:    low = start + floor(i·span/N); high = start + floor((i+1)·span/N)   (span ≥ N)
                                    t[i] = low + uniform(high − low)
                for i = 0 … N−2:  j = i + uniform(N − i); swap units[i], units[j]      (prize shuffle)
                moments = pairs (t[i], units[i]) sorted by instant, then prize code bytes
                ```

                An **imported** schedule lists its moments (instant, prize code) directly; several moments may
                name one prize, at most its quantity is ever awarded.

                **Canonical text** (lines end with 0x0A; TAB-separated):

                ```
                kimple-instant-win-schedule/1
                operation TAB <operation id>
                window TAB <opens ms> TAB <closes ms>
                expiry TAB roll-over                      or   expiry TAB window TAB <seconds>
                max-wins-per-person TAB <n>               or   max-wins-per-person TAB unlimited
                origin TAB generated TAB <uniform|even> TAB <margin start ms> TAB <margin end ms> TAB <SHA-256 of the seed>
                                                          or   origin TAB imported
                prize TAB <code> TAB <quantity> TAB <priority>      per prize, by code bytes
                moment TAB <ms> TAB <prize code>                    per moment, canonical order
                ```

                A moment's **index** is its line's position among the `moment` lines, from 0.

                **Who wins** (`InstantWinBook`): a participation at instant `t` inside `[opens, closes)` wins
                when a moment is *due* for it — not awarded yet, `m ≤ t`, still open (roll-over, or
                `t < m + window`), its prize still in stock, and the person below the operation's most wins.
                Among due moments: the highest prize priority, then the earliest moment, then the lowest
                index. A participation wins at most one moment; the other due moments wait for the next
                players. "First" means first decided by the ledger, which decides one claim at a time; an
                award is durable before the participant is told.

                ## 9. Decisions

                Each decision names the clause of the contract (`/contract`, French) it follows.

                1. **The tenant chooses the rules of each game** — roll-over or win window, most wins per
                   person, prize priorities, whether one person may win a draw twice, the number of reserves.
                   The SDK supplies defaults (roll-over; unlimited wins per person for instant wins; one win per
                   person in draws) and enforces what is chosen. §2.3: "Le Client détermine seul les conditions
                   de mise en oeuvre de chaque Opération".
                2. **Everything needed to check a draw is published in plain formats** (this document, the
                   entry-list file, the certificate, the vectors, the verifier), because partners are entitled
                   to interoperability information and a brand must be able to explain a winner. §5 (iii).
                3. **Each step is written to the evidence log** — commit, freeze, draw, disqualification,
                   schedule commitment and reveal, every export and every failed export — which is the proof
                   the contract agrees on. §14.5 "Convention de preuve"; §11.2.6 "maintenir une piste d'audit".
                4. **The SDK never stores a secret seed before the reveal**, and certificates carry only
                   pseudonymous person keys and entry ids, never personal data in clear: a certificate may be
                   shown to third parties (a bailiff, participants). §11.2.6 (confidentiality), §11.2.9
                   (communication à des tiers).
                5. **Both commitments are supported.** A secret seed needs trust in whoever holds it (they
                   could enter knowing it); a public beacon round published after closing removes that trust.
                   The SDK cannot fetch a beacon: it records source, round and value, and anyone checks them.
                6. **A draw is never run twice**; a disqualified winner is replaced by the next reserve, so a
                   draw cannot be repeated until a preferred result comes out. SPEC G-7.
                7. **Weights are integers** and a draw is weighted exactly when some weight differs from 1, so
                   the method follows from the published list. The floating-point step of A-Res is specified
                   as one `ln` and one division in binary64 (§5).
                8. **"The first valid participation" is the first the ledger decides.** Intake stamps the
                   instant; claims reach the ledger concurrently and are decided one at a time, in arrival
                   order. A claim stamped at or after a moment can win it even if a later-stamped claim was
                   decided first, as long as the moment is still due. A participation stamped before the
                   moment never wins it.
                9. **An award is durable before the participant is told.** If writing an award fails, the claim
                   fails, the moment is never given to anyone else, and the entry's award is reported "in
                   doubt" (`instant_win.award_in_doubt`) until the ledger is reopened and its journal says
                   whether the award was written. Never "you may have won". §11.2.6 (integrity).
                10. **Exports: special categories are dropped by default**, can be pseudonymised (HMAC-SHA256
                    under the host's key), and go out in clear only when the processing grant allows it. Every
                    export passes the processing gate (purpose `export`, categories of the columns, the
                    destination country). §11.2.7 "Données sensibles", §11.2.10 (transfers), §12 (exports of
                    the reversibility period happen "dans les conditions définies à l'article 11", so through
                    the same gate).
                11. **Votes**: entry and voting phases may not overlap, and "one vote per person per candidate
                    per period" is counted atomically by the vote store; the period is the whole vote or a
                    calendar day in the operation's time zone. SPEC G-21 (Games.md, "Rules added by the SDK").

                """#
        ),
    ]
}
