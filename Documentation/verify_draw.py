#!/usr/bin/env python3
"""Independent verifier of Kimple draws and instant-win schedules.

Written from Documentation/DrawAlgorithm.md alone, with the Python 3 standard library only
(hashlib for SHA-256; ChaCha20 is implemented below from RFC 8439). It shares no code with
the Swift SDK, so agreement between the two shows the document is enough to reproduce a
draw.

Usage:
  verify_draw.py certificate CERTIFICATE.json ENTRIES.txt
      Checks a published draw: the entry list file hashes to the certificate's entry-list
      hash, the seed matches the commitment (secret seed), and drawing again gives the same
      winners and reserves in the same order.
  verify_draw.py schedule SCHEDULE.txt SEED_HEX
      Checks a revealed instant-win schedule (its canonical text, as published after closing)
      against the seed revealed with it: the seed matches the SHA-256 the schedule committed
      to, and regenerating from the seed gives exactly its moments. Prints the commitment
      (SHA-256 of the file) to compare with the one published before the operation opened.
  verify_draw.py vectors VECTORS.json
      Checks every test vector (draws and instant-win schedules) of the file.
  verify_draw.py generate VECTORS.json
      Writes the expected results of every vector of the file (its "expected" members),
      computed by this verifier from the vectors' inputs alone. This is how the SDK's
      published vectors (Tests/KimpleGamesTests/Vectors/draw-vectors.json) get their
      expected winners, reserves and instant-win moments: from this independent
      implementation of DrawAlgorithm.md, never from the Swift engine they test.
  verify_draw.py selftest
      Checks the ChaCha20 implementation against RFC 8439.

Exit status: 0 when everything matches, 1 on a mismatch, 2 on bad usage or input.
"""

import hashlib
import json
import math
import struct
import sys

ALGORITHM = b"kimple-draw/1"
ENTRY_LIST_HEADER = b"kimple-draw-entries/1"
SCHEDULE_ALGORITHM = b"kimple-instant-win/1"
SCHEDULE_HEADER = "kimple-instant-win-schedule/1"
MASK32 = 0xFFFFFFFF


# ---------------------------------------------------------------------------------------
# ChaCha20 (RFC 8439 section 2.3) and the generator of DrawAlgorithm.md section 2
# ---------------------------------------------------------------------------------------

def _rotl(x, n):
    return ((x << n) & MASK32) | (x >> (32 - n))


def _quarter_round(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & MASK32
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & MASK32
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & MASK32
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & MASK32
    s[b] = _rotl(s[b] ^ s[c], 7)


def chacha20_block(key, counter, nonce):
    """The 64-byte keystream block `counter` for a 32-byte key and a 12-byte nonce."""
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    state += list(struct.unpack("<8I", key))
    state += [counter & MASK32]
    state += list(struct.unpack("<3I", nonce))
    working = list(state)
    for _ in range(10):
        _quarter_round(working, 0, 4, 8, 12)
        _quarter_round(working, 1, 5, 9, 13)
        _quarter_round(working, 2, 6, 10, 14)
        _quarter_round(working, 3, 7, 11, 15)
        _quarter_round(working, 0, 5, 10, 15)
        _quarter_round(working, 1, 6, 11, 12)
        _quarter_round(working, 2, 7, 8, 13)
        _quarter_round(working, 3, 4, 9, 14)
    return struct.pack("<16I", *[(working[i] + state[i]) & MASK32 for i in range(16)])


class Generator:
    """The ChaCha20 keystream read as described in DrawAlgorithm.md: blocks 0, 1, 2, ...
    concatenated; each byte used once."""

    def __init__(self, key, nonce=bytes(12)):
        self.key = key
        self.nonce = nonce
        self.counter = 0
        self.buffer = b""
        self.position = 0

    def next_bytes(self, count):
        out = b""
        while len(out) < count:
            if self.position == len(self.buffer):
                self.buffer = chacha20_block(self.key, self.counter, self.nonce)
                self.counter += 1
                self.position = 0
            take = min(count - len(out), len(self.buffer) - self.position)
            out += self.buffer[self.position:self.position + take]
            self.position += take
        return out

    def next_u64(self):
        return int.from_bytes(self.next_bytes(8), "little")

    def uniform(self, n):
        """A number in [0, n) without modulo bias: rejection sampling."""
        limit = (2 ** 64 // n) * n
        while True:
            x = self.next_u64()
            if x < limit:
                return x % n

    def unit_interval(self):
        """A double in (0, 1): the top 52 bits plus one half, over 2^52."""
        x = self.next_u64()
        return ((x >> 12) + 0.5) / 2 ** 52


def selftest():
    # RFC 8439 section 2.3.2.
    key = bytes(range(32))
    nonce = bytes.fromhex("000000090000004a00000000")
    expected = bytes.fromhex(
        "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
        "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e")
    if chacha20_block(key, 1, nonce) != expected:
        raise SystemExit("ChaCha20 self-test failed (RFC 8439 2.3.2)")
    # RFC 8439 section A.1, test vector 1: key and nonce all zero, block 0.
    expected0 = bytes.fromhex(
        "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
        "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586")
    if chacha20_block(bytes(32), 0, bytes(12)) != expected0:
        raise SystemExit("ChaCha20 self-test failed (RFC 8439 A.1)")


# ---------------------------------------------------------------------------------------
# Entry lists (DrawAlgorithm.md section 1)
# ---------------------------------------------------------------------------------------

def canonical_order(entries):
    """Entries sorted by instant (ms), then entry id as UTF-8 bytes."""
    return sorted(entries, key=lambda e: (e["enteredAtMs"], e["entryID"].encode("utf-8")))


def canonical_bytes(entries):
    lines = [ENTRY_LIST_HEADER + b"\n"]
    for e in entries:
        lines.append(b"%s\t%s\t%d\t%d\n" % (
            e["entryID"].encode("utf-8"), e["personKey"].encode("utf-8"), e["weight"], e["enteredAtMs"]))
    return b"".join(lines)


def parse_entry_list(data):
    """Reads a published entry list file (the canonical form); returns its entries."""
    lines = data.split(b"\n")
    if lines[0] != ENTRY_LIST_HEADER or lines[-1] != b"":
        raise ValueError("not a kimple-draw-entries/1 file")
    entries = []
    for number, line in enumerate(lines[1:-1], start=2):
        fields = line.split(b"\t")
        if len(fields) != 4:
            raise ValueError("line %d does not have 4 fields" % number)
        entries.append({
            "entryID": fields[0].decode("utf-8"), "personKey": fields[1].decode("utf-8"),
            "weight": int(fields[2]), "enteredAtMs": int(fields[3])})
    if canonical_order(entries) != entries:
        raise ValueError("the entries are not in canonical order")
    return entries


# ---------------------------------------------------------------------------------------
# The draw (DrawAlgorithm.md sections 2 to 5)
# ---------------------------------------------------------------------------------------

def stream_key(list_hash, seed):
    return hashlib.sha256(ALGORITHM + b"\x00" + list_hash + seed).digest()


def uniform_picks(entries, wanted, distinct, gen):
    n = len(entries)
    displaced = {}
    persons = set()
    picks = []
    i = 0
    while i < n and len(picks) < wanted:
        j = i + gen.uniform(n - i)
        at_i = displaced.get(i, i)
        at_j = displaced.get(j, j)
        displaced[j] = at_i
        displaced.pop(i, None)
        i += 1
        person = entries[at_j]["personKey"]
        if distinct and person in persons:
            continue
        persons.add(person)
        picks.append(at_j)
    return picks


def weighted_picks(entries, wanted, distinct, gen):
    keys = [math.log(gen.unit_interval()) / e["weight"] for e in entries]
    order = sorted(range(len(entries)), key=lambda i: (-keys[i], i))
    persons = set()
    picks = []
    for i in order:
        if len(picks) == wanted:
            break
        person = entries[i]["personKey"]
        if distinct and person in persons:
            continue
        persons.add(person)
        picks.append(i)
    return picks


def draw(entries, seed, winners, reserves, one_win_per_person):
    """Runs the draw on entries in canonical order; returns (method, key, list hash, winners,
    reserves) with winners and reserves as lists of canonical positions."""
    list_hash = hashlib.sha256(canonical_bytes(entries)).digest()
    key = stream_key(list_hash, seed)
    gen = Generator(key)
    wanted = winners + reserves
    weighted = any(e["weight"] != 1 for e in entries)
    if weighted:
        picks = weighted_picks(entries, wanted, one_win_per_person, gen)
    else:
        picks = uniform_picks(entries, wanted, one_win_per_person, gen)
    count = min(winners, len(picks))
    return ("weighted" if weighted else "uniform", key, list_hash, picks[:count], picks[count:])


# ---------------------------------------------------------------------------------------
# Instant-win schedules (DrawAlgorithm.md section 7)
# ---------------------------------------------------------------------------------------

def schedule_moments(seed, start_ms, end_ms, prizes, spread):
    """Moments (ms, prize code) of a generated schedule, in canonical order."""
    key = hashlib.sha256(SCHEDULE_ALGORITHM + b"\x00" + seed).digest()
    gen = Generator(key)
    units = []
    for prize in sorted(prizes, key=lambda p: p["code"].encode("utf-8")):
        units += [prize["code"]] * prize["quantity"]
    n = len(units)
    span = end_ms - start_ms
    times = []
    for i in range(n):
        if spread == "uniform":
            times.append(start_ms + gen.uniform(span))
        else:
            low = start_ms + (i * span) // n
            high = start_ms + ((i + 1) * span) // n
            times.append(low + gen.uniform(high - low))
    for i in range(n - 1):
        j = i + gen.uniform(n - i)
        units[i], units[j] = units[j], units[i]
    return sorted(zip(times, units), key=lambda m: (m[0], m[1].encode("utf-8")))


def schedule_text(vector, moments):
    policy = vector["policy"]
    window = policy.get("winWindowSeconds")
    max_wins = policy.get("maxWinsPerPerson")
    seed_digest = hashlib.sha256(bytes.fromhex(vector["seed"])).hexdigest()
    lines = [SCHEDULE_HEADER,
             "operation\t%s" % vector["operation"],
             "window\t%d\t%d" % (vector["opensAtMs"], vector["closesAtMs"]),
             "expiry\troll-over" if window is None else "expiry\twindow\t%d" % window,
             "max-wins-per-person\t%s" % ("unlimited" if max_wins is None else str(max_wins)),
             "origin\tgenerated\t%s\t%d\t%d\t%s" % (
                 vector["spread"], vector["marginStartMs"], vector["marginEndMs"], seed_digest)]
    for prize in sorted(vector["prizes"], key=lambda p: p["code"].encode("utf-8")):
        lines.append("prize\t%s\t%d\t%d" % (prize["code"], prize["quantity"], prize["priority"]))
    for at, code in moments:
        lines.append("moment\t%d\t%s" % (at, code))
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------

def check_draw_vector(vector):
    entries = canonical_order(vector["entries"])
    rules = vector["rules"]
    seed = bytes.fromhex(vector["seed"])
    method, key, list_hash, winners, reserves = draw(
        entries, seed, rules["winners"], rules["reserves"], rules["oneWinPerPerson"])
    expected = vector.get("expected") or {}
    got = {
        "entryListSHA256": list_hash.hex(),
        "streamKey": key.hex(),
        "method": method,
        "winners": [entries[i]["entryID"] for i in winners],
        "reserves": [entries[i]["entryID"] for i in reserves],
    }
    return [name for name in got if got[name] != expected[name]], got


def check_schedule_vector(vector):
    start = vector["opensAtMs"] + vector["marginStartMs"]
    end = vector["closesAtMs"] - vector["marginEndMs"]
    moments = schedule_moments(bytes.fromhex(vector["seed"]), start, end, vector["prizes"], vector["spread"])
    text = schedule_text(vector, moments)
    expected = vector.get("expected") or {}
    got = {
        "moments": [{"atMs": at, "prize": code} for at, code in moments],
        "commitment": hashlib.sha256(text).hexdigest(),
    }
    return [name for name in got if got[name] != expected[name]], got


def command_vectors(path):
    with open(path, "rb") as handle:
        document = json.load(handle)
    failures = 0
    total = 0
    for kind, check in (("draws", check_draw_vector), ("schedules", check_schedule_vector)):
        for vector in document.get(kind, []):
            total += 1
            mismatched, got = check(vector)
            if mismatched:
                failures += 1
                print("MISMATCH %s %r: %s" % (kind, vector["name"], ", ".join(mismatched)))
                for name in mismatched:
                    print("  expected %s = %r" % (name, vector["expected"][name]))
                    print("  computed %s = %r" % (name, got[name]))
            else:
                print("ok %s %r" % (kind, vector["name"]))
    print("%d vector(s), %d mismatch(es)" % (total, failures))
    return 1 if failures else 0


def command_generate(path):
    with open(path, "rb") as handle:
        document = json.load(handle)
    total = 0
    for kind, check in (("draws", check_draw_vector), ("schedules", check_schedule_vector)):
        for vector in document.get(kind, []):
            total += 1
            vector["expected"] = check(vector)[1]
    text = json.dumps(document, indent=2, sort_keys=True, separators=(",", " : "), ensure_ascii=False)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    print("%d vector(s) written" % total)
    return 0


def command_certificate(certificate_path, entries_path):
    with open(certificate_path, "rb") as handle:
        certificate = json.load(handle)
    with open(entries_path, "rb") as handle:
        data = handle.read()
    problems = []
    list_hash = hashlib.sha256(data).hexdigest()
    if list_hash != certificate["entryList"]["sha256"]:
        problems.append("the entry list file hashes to %s, the certificate says %s"
                        % (list_hash, certificate["entryList"]["sha256"]))
    entries = parse_entry_list(data)
    if len(entries) != certificate["entryList"]["count"]:
        problems.append("the file has %d entries, the certificate says %d"
                        % (len(entries), certificate["entryList"]["count"]))
    if certificate["algorithm"] != ALGORITHM.decode():
        problems.append("unknown algorithm %r" % certificate["algorithm"])
    seed = bytes.fromhex(certificate["seed"])
    commitment = certificate["commitment"]
    if commitment["kind"] == "secret-seed":
        if hashlib.sha256(seed).hexdigest() != commitment["seedSHA256"]:
            problems.append("the seed does not match the commitment published before closing")
    else:
        print("note: check by hand that %s round %s published the value %s"
              % (commitment["source"], commitment["round"], certificate["seed"]))
    rules = certificate["rules"]
    method, key, _, winners, reserves = draw(
        entries, seed, rules["winners"], rules["reserves"], rules["oneWinPerPerson"])
    if method != certificate["method"]:
        problems.append("method %s, the certificate says %s" % (method, certificate["method"]))
    if key.hex() != certificate["streamKey"]:
        problems.append("stream key %s, the certificate says %s" % (key.hex(), certificate["streamKey"]))
    got_winners = [entries[i]["entryID"] for i in winners]
    got_reserves = [entries[i]["entryID"] for i in reserves]
    if got_winners != [p["entryID"] for p in certificate["winners"]]:
        problems.append("winners %r differ from the certificate's" % got_winners)
    if got_reserves != [p["entryID"] for p in certificate["reserves"]]:
        problems.append("reserves %r differ from the certificate's" % got_reserves)
    for problem in problems:
        print("MISMATCH " + problem)
    if problems:
        return 1
    print("ok: %d winner(s) and %d reserve(s) among %d entries reproduced"
          % (len(got_winners), len(got_reserves), len(entries)))
    for replacement in certificate.get("replacements", []):
        promoted = replacement.get("replacement")
        print("note: %s disqualified (%s)%s" % (
            replacement["disqualified"]["entryID"], replacement["reason"],
            ", replaced by reserve %s" % promoted["entryID"] if promoted else ""))
    return 0


def command_schedule(schedule_path, seed_hex):
    with open(schedule_path, "rb") as handle:
        data = handle.read()
    lines = data.decode("utf-8").split("\n")
    if lines[0] != SCHEDULE_HEADER or lines[-1] != "":
        raise ValueError("not a %s file" % SCHEDULE_HEADER)
    fields = [line.split("\t") for line in lines[1:-1]]
    window = next(f for f in fields if f[0] == "window")
    origin = next(f for f in fields if f[0] == "origin")
    if origin[1] != "generated":
        print("the schedule was imported: there is no seed to check; commitment %s" % hashlib.sha256(data).hexdigest())
        return 0
    spread, margin_start, margin_end, seed_digest = origin[2], int(origin[3]), int(origin[4]), origin[5]
    seed = bytes.fromhex(seed_hex)
    problems = []
    if hashlib.sha256(seed).hexdigest() != seed_digest:
        problems.append("the seed's SHA-256 is not the one the schedule committed to")
    prizes = [{"code": f[1], "quantity": int(f[2]), "priority": int(f[3])} for f in fields if f[0] == "prize"]
    moments = [(int(f[1]), f[2]) for f in fields if f[0] == "moment"]
    start = int(window[1]) + margin_start
    end = int(window[2]) - margin_end
    if schedule_moments(seed, start, end, prizes, spread) != moments:
        problems.append("the seed does not give the schedule's moments")
    for problem in problems:
        print("MISMATCH " + problem)
    if problems:
        return 1
    print("ok: %d moment(s) regenerated from the seed; commitment %s" % (len(moments), hashlib.sha256(data).hexdigest()))
    return 0


def main(arguments):
    selftest()
    if len(arguments) == 1 and arguments[0] == "selftest":
        print("ok: ChaCha20 matches RFC 8439")
        return 0
    if len(arguments) == 2 and arguments[0] == "vectors":
        return command_vectors(arguments[1])
    if len(arguments) == 2 and arguments[0] == "generate":
        return command_generate(arguments[1])
    if len(arguments) == 3 and arguments[0] == "certificate":
        return command_certificate(arguments[1], arguments[2])
    if len(arguments) == 3 and arguments[0] == "schedule":
        return command_schedule(arguments[1], arguments[2])
    print(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (OSError, ValueError, KeyError, IndexError, StopIteration) as error:
        print("error: %s" % error)
        sys.exit(2)
