#!/usr/bin/env python3
"""Fails on a public declaration of the SDK that has no documentation comment.

    python3 Documentation/check-docs.py             # scans Sources/, lists file:line of each miss
    python3 Documentation/check-docs.py PATH...     # scans these files or folders instead
    python3 Documentation/check-docs.py --self-test # proves the check on a built-in fixture

A declaration needs a `///` (or `/** */`) comment right above it, attributes allowed in between,
when it is part of the public API:
- a `public` or `open` declaration whose enclosing types are public;
- every case of a public enum;
- every requirement of a public protocol;
- every member of a `public extension` not marked private, fileprivate, internal or package.

It is a text scan, not a compiler pass: comments and string literals (with interpolations, raw and
multi-line strings) are blanked out first, then braces give the scopes. It runs in well under a
second, so CI runs it on every build. Standard library, Python 3.8 or later.
"""

import os
import re
import sys

TYPE_KEYWORDS = ("struct", "class", "enum", "actor", "protocol", "extension")
DECL_KEYWORDS = TYPE_KEYWORDS + (
    "func", "init", "deinit", "var", "let", "subscript", "case", "typealias", "associatedtype",
    "macro", "operator", "precedencegroup",
)
MODIFIERS = (
    "public", "open", "internal", "private", "fileprivate", "package", "final", "static", "class",
    "override", "required", "convenience", "mutating", "nonmutating", "lazy", "weak", "unowned",
    "indirect", "nonisolated", "isolated", "dynamic", "optional", "prefix", "postfix", "infix",
    "consuming", "borrowing", "distributed",
)
NON_PUBLIC = ("private", "fileprivate", "internal", "package")

ATTRIBUTE = r"@[A-Za-z_][A-Za-z0-9_]*(?:\([^()]*(?:\([^()]*\)[^()]*)*\))?"
MODIFIER = r"(?:%s)(?:\(\s*[A-Za-z_]+\s*\))?" % "|".join(MODIFIERS)
DECL_RE = re.compile(
    r"^((?:(?:%s|%s)\s+)*)(%s)\b(.*)$" % (ATTRIBUTE, MODIFIER, "|".join(DECL_KEYWORDS)))
ATTRIBUTE_LINE_RE = re.compile(r"^(?:%s\s*)+$" % ATTRIBUTE)
STRING_START_RE = re.compile(r'(#*)("""|")')
NAME_RE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_.]*)")


def blank_code(text):
    """Returns (code, line_kinds): the text with comments and string contents replaced by spaces
    (newlines kept), and per line whether it starts inside a documentation comment or holds one."""
    out = []
    doc_lines = set()
    i, n, line = 0, len(text), 0
    # Each frame: ("code", paren_depth_for_interpolation) or ("string", hashes, multiline).
    stack = [("code", 0)]
    while i < n:
        c = text[i]
        top = stack[-1]
        if c == "\n":
            out.append("\n")
            line += 1
            i += 1
            continue
        if top[0] == "code":
            if text.startswith("//", i):
                end = text.find("\n", i)
                end = n if end < 0 else end
                line_start = text.rfind("\n", 0, i) + 1
                if (text.startswith("///", i) and not text.startswith("////", i)
                        and not text[line_start:i].strip()):
                    doc_lines.add(line)
                out.append(" " * (end - i))
                i = end
                continue
            if text.startswith("/*", i):
                is_doc = text.startswith("/**", i) and not text.startswith("/**/", i)
                depth, j = 1, i + 2
                while j < n and depth:
                    if text.startswith("/*", j):
                        depth, j = depth + 1, j + 2
                    elif text.startswith("*/", j):
                        depth, j = depth - 1, j + 2
                    else:
                        j += 1
                for k in range(i, j):
                    if text[k] == "\n":
                        out.append("\n")
                        line += 1
                        if is_doc:
                            doc_lines.add(line)
                    else:
                        out.append(" ")
                if is_doc:
                    doc_lines.add(line)
                i = j
                continue
            m = STRING_START_RE.match(text, i) if c in '#"' else None
            if m:
                hashes, quote = len(m.group(1)), m.group(2)
                stack.append(("string", hashes, quote == '"""'))
                out.append(" " * hashes + quote)
                i += hashes + len(quote)
                continue
            if top[1] is not None and c in "()":
                if c == "(":
                    stack[-1] = ("code", top[1] + 1)
                elif top[1] == 0 and len(stack) > 1:
                    stack.pop()  # end of an interpolation
                    out.append(")")
                    i += 1
                    continue
                else:
                    stack[-1] = ("code", top[1] - 1)
            out.append(c)
            i += 1
            continue
        # Inside a string literal.
        _, hashes, multiline = top
        closing = ('"""' if multiline else '"') + "#" * hashes
        if text.startswith(closing, i):
            stack.pop()
            out.append(closing)
            i += len(closing)
            continue
        escape = "\\" + "#" * hashes
        if text.startswith(escape, i):
            after = i + len(escape)
            if after < n and text[after] == "(":
                stack.append(("code", 0))
                out.append(" " * len(escape) + "(")
                i = after + 1
                continue
            out.append(" " * len(escape))
            i = after
            if i < n and text[i] != "\n":
                out.append(" ")
                i += 1
            continue
        out.append(" ")
        i += 1
    return "".join(out), doc_lines


class Scope:
    def __init__(self, kind, visible, implicit_public=False, public_enum=False, paren=0):
        self.kind = kind  # "file", "type", "protocol", "extension", "body"
        self.visible = visible  # members can be part of the public API
        self.implicit_public = implicit_public  # members are public without saying so
        self.public_enum = public_enum  # cases are public
        self.paren = paren  # paren depth when the scope opened


def parse_declaration(stripped):
    """(modifiers, keyword, rest) of a declaration line, or None."""
    m = DECL_RE.match(stripped)
    if not m:
        return None
    prefix, keyword, rest = m.group(1), m.group(2), m.group(3)
    words = set(re.findall(r"(?<!@)\b(%s)\b" % "|".join(MODIFIERS), re.sub(ATTRIBUTE, " ", prefix)))
    # `class func`, `class var`: `class` as a modifier of the declaration that follows.
    if keyword == "class":
        follow = re.match(r"\s+(%s)\b" % "|".join(DECL_KEYWORDS + MODIFIERS), rest)
        if follow:
            return parse_declaration(stripped.replace("class", "static", 1))
    if keyword in ("func", "var", "let", "init", "subscript", "case") or keyword in TYPE_KEYWORDS:
        # An identifier such as `open:` or `case.` is not a declaration.
        if rest[:1] not in ("", " ", "(", "<", "?", "!", "\t"):
            return None
    return words, keyword, rest


def collect_type_names(files):
    """Names of the types declared public and of those declared non-public, across all files."""
    public, hidden = set(), set()
    for _, code_lines, _ in files:
        for raw in code_lines:
            parsed = parse_declaration(raw.strip())
            if not parsed:
                continue
            words, keyword, rest = parsed
            if keyword in ("struct", "class", "enum", "actor", "protocol", "typealias"):
                name = NAME_RE.match(rest)
                if name:
                    (public if words & {"public", "open"} else hidden).add(name.group(1))
    return public, hidden


def check_file(path, code_lines, doc_lines, public_types, hidden_types):
    missing = []
    stack = [Scope("file", True)]
    paren = 0
    pending = None  # the declaration whose `{` may come next: (keyword, scope to open)
    for number, raw in enumerate(code_lines):
        stripped = raw.strip()
        scope = stack[-1]
        at_member_level = scope.kind != "body" and paren == scope.paren
        if at_member_level and stripped and not stripped.startswith("#"):
            parsed = parse_declaration(stripped)
            if parsed:
                words, keyword, rest = parsed
                explicit_public = bool(words & {"public", "open"})
                is_public = False
                if scope.visible:
                    if explicit_public:
                        is_public = True
                    elif keyword == "case" and scope.public_enum:
                        is_public = True
                    elif scope.implicit_public and not (words & set(NON_PUBLIC)):
                        is_public = True
                if keyword in ("extension", "deinit"):
                    needs_doc = False
                else:
                    needs_doc = is_public
                if needs_doc and not has_doc(number, code_lines, doc_lines):
                    missing.append((path, number + 1, stripped))
                # What a `{` opened by this declaration is.
                if keyword in TYPE_KEYWORDS:
                    name_match = NAME_RE.match(rest)
                    name = name_match.group(1) if name_match else ""
                    if keyword == "extension":
                        base = name.split(".")[-1]
                        extended_visible = not (base in hidden_types and base not in public_types)
                        visible = scope.visible and extended_visible
                        pending = Scope(
                            "extension", visible, implicit_public=visible and "public" in words)
                    elif keyword == "protocol":
                        pending = Scope("protocol", is_public, implicit_public=is_public)
                    else:
                        pending = Scope(
                            "type", is_public, public_enum=is_public and keyword == "enum")
                else:
                    pending = Scope("body", False)
        # Braces and parentheses of the line.
        for c in raw:
            if c in "([":
                paren += 1
            elif c in ")]":
                paren -= 1
            elif c == "{":
                top = stack[-1]
                if top.kind != "body" and paren == top.paren and pending is not None:
                    opened = pending
                else:
                    opened = Scope("body", False)
                opened.paren = paren
                stack.append(opened)
                pending = None
            elif c == "}":
                if len(stack) > 1:
                    stack.pop()
                pending = None
            elif c == ";":
                pending = None
    return missing


def has_doc(number, code_lines, doc_lines):
    """Whether the declaration at `number` has a documentation comment above it (attributes between)."""
    j = number - 1
    while j >= 0:
        stripped = code_lines[j].strip()
        if j in doc_lines:
            return True
        if stripped and ATTRIBUTE_LINE_RE.match(stripped):
            j -= 1
            continue
        return False
    return False


def load(paths):
    files = []
    for root in paths:
        candidates = []
        if os.path.isdir(root):
            for directory, _, names in os.walk(root):
                candidates += [os.path.join(directory, name) for name in names if name.endswith(".swift")]
        else:
            candidates.append(root)
        for path in sorted(candidates):
            with open(path, encoding="utf-8") as handle:
                code, doc_lines = blank_code(handle.read())
            files.append((path, code.split("\n"), doc_lines))
    return files


def check(files):
    public_types, hidden_types = collect_type_names(files)
    missing = []
    for path, code_lines, doc_lines in files:
        missing += check_file(path, code_lines, doc_lines, public_types, hidden_types)
    return missing


# A fixture with every case the scan has to get right; `# miss` marks the lines it must report.
FIXTURE = r'''
/// Documented.
public struct Documented {
    /// Documented.
    public var a: Int
    public var b: Int  # miss
    var internalOne: Int
    @discardableResult
    public func noDoc() -> Int { 1 }  # miss
    nonisolated(nonsending) public func modifierWithArgument() async {}  # miss
    /// Documented.
    public private(set) var restricted: Int
    /// Documented, with an attribute in between.
    @inlinable
    public func withDoc() -> Int {
        let text = "public func notADeclaration() { {"
        let other = "\(text) \("}") public var nope = 1"
        return 2
    }
    /// Documented.
    public init(
        open: Int,
        case: Int
    ) {
        self.a = open
        self.b = case
        self.internalOne = 0
    }
    private struct Hidden {
        public var invisible: Int
    }
}

public enum Kind {  # miss
    /// Documented.
    case one
    case two, three  # miss
    // A plain comment is not documentation.
    case four  # miss
    /** Documented in a block. */
    case five(Int)
}

/// Documented.
public protocol Service {
    /// Documented.
    func run() async throws
    var name: String { get }  # miss
    associatedtype Item  # miss
}

public extension Documented {
    var implicitlyPublic: Int { a }  # miss
    private var notPublic: Int { a }
    /// Documented.
    static var documented: Int { 1 }
}

extension Documented {
    public func explicitInExtension() {}  # miss
    func internalInExtension() {}
}

struct InternalType {
    public var invisibleToo: Int
}

extension InternalType {
    public func stillInvisible() {}
}

let multiline = """
    public func insideAString() {}
    """
let raw = #"""
    public var insideARawString = "\(x)" }
    """#

/// Documented.
public final class Engine {
    public static let shared = Engine()  # miss
    /// Documented.
    public class func make() -> Engine { Engine() }
    public class var count: Int { 0 }  # miss
}

/// Documented.
open class Base {
    open func override() {}  # miss
}

/*
 public func insideABlockComment() {}
 */
'''


def self_test():
    lines = FIXTURE.split("\n")
    expected = {number + 1 for number, line in enumerate(lines) if line.rstrip().endswith("# miss")}
    source = "\n".join(line.replace("  # miss", "") for line in lines)
    code, doc_lines = blank_code(source)
    files = [("fixture.swift", code.split("\n"), doc_lines)]
    found = {line for _, line, _ in check(files)}
    if found != expected:
        print("check-docs self-test FAILED")
        print("  reported but documented or not public: %s" % sorted(found - expected))
        print("  undocumented public but not reported:  %s" % sorted(expected - found))
        return 1
    print("check-docs self-test: %d undocumented public declarations found, as expected" % len(found))
    return 0


def main(arguments):
    if arguments[:1] == ["--self-test"]:
        return self_test()
    repository = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    roots = arguments or [os.path.join(repository, "Sources")]
    missing = check(load(roots))
    for path, line, text in missing:
        shown = os.path.relpath(path) if os.path.isabs(path) else path
        print("%s:%d: undocumented public declaration: %s" % (shown, line, text[:100]))
    if missing:
        print("%d public declarations have no documentation comment (///)." % len(missing))
        return 1
    print("Every public declaration has a documentation comment.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
