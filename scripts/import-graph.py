#!/usr/bin/env python3
"""Print the module dependency graph of a Rust crate and fail if it has a cycle.

    scripts/import-graph.py CRATE_SRC_DIR [--depth N] [--quiet]

Nodes are the crate's modules cut at --depth (1: top-level modules such as `store`; 2 also splits
`store::list` from `store::events`). The crate root (lib.rs, else main.rs) is the node `crate`;
it declares every module, so only the items it defines itself count as something to depend on
(its `pub use` re-exports are followed to the module that owns the item). With --depth 2 or more,
edges between a module and its own submodules are left out: a `mod.rs` owning what its children
share is the usual layout, not a cycle.

An edge A -> B means a file of A names a path into B: `use crate::B::...`, `crate::B::...` in
code, `super::...` / `self::...` resolved from the file's place, or a bare path through a child
module. Comments and string literals are ignored. Modules are found by following `mod x;`
declarations from the root, so files no root declares are left out (with both lib.rs and
main.rs, main.rs is a separate binary crate over the library and is not read).

Exit status: 0 without cycles, 1 with at least one (each printed with the edges that make it),
2 on bad usage.
"""

import argparse
import re
import sys
from pathlib import Path

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_comments_and_strings(text):
    """Blanks out comments, string and char literals, keeping newlines so line numbers hold."""
    out = []
    i, n = 0, len(text)

    def blank(s):
        return "".join(c if c == "\n" else " " for c in s)

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(blank(text[i:j]))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(blank(text[i:j]))
            i = j
        elif re.match(r'b?r#*"', text[i:i + 260]) and not _ident_before(text, i):
            m = re.match(r'b?r(#*)"', text[i:])
            hashes = m.group(1)
            end = text.find('"' + hashes, i + m.end())
            j = n if end < 0 else end + 1 + len(hashes)
            out.append(blank(text[i:j]))
            i = j
        elif c == '"' or (c == "b" and text.startswith('b"', i) and not _ident_before(text, i)):
            j = i + (2 if c == "b" else 1)
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(blank(text[i:j + 1]))
            i = j + 1
        elif c == "'":
            # A char literal ('a', '\n', '\u{1F600}') rather than a lifetime ('a).
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:i + 16])
            if m:
                out.append(blank(m.group(0)))
                i += m.end()
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _ident_before(text, i):
    return i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")


class Crate:
    def __init__(self, src):
        self.src = src
        root = src / "lib.rs"
        if not root.exists():
            root = src / "main.rs"
        if not root.exists():
            raise SystemExit(f"{src}: no lib.rs or main.rs")
        self.root = root
        self.files = {}  # module path (tuple) -> file
        self._collect((), root)

    def _collect(self, path, file):
        self.files[path] = file
        text = strip_comments_and_strings(file.read_text(encoding="utf-8"))
        if file.name in ("lib.rs", "main.rs", "mod.rs"):
            base = file.parent
        else:
            base = file.parent / file.stem
        # Only file-level `mod x;` declarations; inline `mod x { }` stays part of this file.
        decl = rf"(?m)^\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+({IDENT})\s*;"
        for m in re.finditer(decl, text):
            name = m.group(1)
            for cand in (base / f"{name}.rs", base / name / "mod.rs"):
                if cand.exists():
                    self._collect(path + (name,), cand)
                    break

    def is_module(self, path):
        return tuple(path) in self.files


def use_paths(tree):
    """Expands a use tree such as `crate::{a::B, c::{d, e}}` into its paths (as segment lists)."""
    tree = re.sub(rf"\s+as\s+{IDENT}", "", tree)
    tree = re.sub(r"\s+", "", tree)

    def split_top(s):
        parts, depth, cur = [], 0, ""
        for ch in s:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        if cur:
            parts.append(cur)
        return parts

    def expand(s, prefix):
        brace = s.find("{")
        if brace < 0:
            segs = [x for x in s.split("::") if x]
            return [prefix + segs]
        head = [x for x in s[:brace].split("::") if x]
        inner = s[brace + 1:s.rfind("}")]
        result = []
        for part in split_top(inner):
            if part == "self":
                result.append(prefix + head)
            else:
                result.extend(expand(part, prefix + head))
        return result

    return expand(tree, [])


def is_ancestor(a, b):
    """Whether module `a` contains `b` (`store` contains `store::list`). The root is nobody's
    ancestor here: a module reaching into the crate root for an item is a real dependency."""
    return a != "crate" and b.startswith(a + "::")


class Graph:
    def __init__(self, crate, depth):
        self.crate = crate
        self.depth = depth
        self.edges = {}  # (from, to) -> first "file:line"
        self.nodes = set()
        self.root_items = self._root_reexports()

    def node(self, path):
        path = tuple(path[: self.depth])
        return "::".join(path) if path else "crate"

    def _root_reexports(self):
        """Maps names the root re-exports (`pub use error::ApiError;`) to the module path they come from."""
        text = strip_comments_and_strings(self.crate.root.read_text(encoding="utf-8"))
        items = {}
        for m in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", text):
            for segs in use_paths(m.group(1)):
                if len(segs) >= 2:
                    resolved = self.resolve_module((), segs[:-1])
                    if resolved is not None:
                        items[segs[-1]] = resolved
        return items

    def resolve_module(self, scope, segs):
        """The module a path starting at `scope` reaches, or None if it is not a path into this crate."""
        if not segs:
            return None
        first, rest = segs[0], list(segs[1:])
        if first == "crate":
            cur = []
        elif first in ("self", "super"):
            cur = list(scope)
            if first == "super":
                if not cur:
                    return None
                cur.pop()
            while rest and rest[0] == "super":
                if not cur:
                    return None
                cur.pop()
                rest.pop(0)
        elif self.crate.is_module(list(scope) + [first]):
            cur = list(scope) + [first]
        else:
            return None  # an extern crate, a std path or a local item
        while rest and self.crate.is_module(cur + [rest[0]]):
            cur.append(rest.pop(0))
        if not cur and rest and rest[0] in self.root_items:
            return list(self.root_items[rest[0]])
        return cur

    def add(self, scope, segs, where):
        target = self.resolve_module(scope, segs)
        if target is None:
            return
        src, dst = self.node(scope), self.node(target)
        if src == dst or is_ancestor(src, dst) or is_ancestor(dst, src):
            return
        self.edges.setdefault((src, dst), where)

    def scan(self):
        for path, file in sorted(self.crate.files.items()):
            self.nodes.add(self.node(path))
            self.scan_file(path, file)

    def scan_file(self, path, file):
        text = strip_comments_and_strings(file.read_text(encoding="utf-8"))
        rel = file.relative_to(self.crate.src.parent)

        def line_of(pos):
            return text.count("\n", 0, pos) + 1

        # Inline `mod name {` blocks change what `self`/`super` mean inside them.
        inline = []  # (start, end, name)
        for m in re.finditer(rf"\bmod\s+({IDENT})\s*\{{", text):
            depth, j = 1, m.end()
            while j < len(text) and depth:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            inline.append((m.end(), j, m.group(1)))

        def scope_at(pos):
            scope = list(path)
            for start, end, name in inline:
                if start <= pos < end:
                    scope.append(name)
            return scope

        masked = list(text)
        for m in re.finditer(r"(?<![\w$])use\s+([^;]+);", text):
            for segs in use_paths(m.group(1)):
                self.add(scope_at(m.start()), segs, f"{rel}:{line_of(m.start())}")
            for k in range(m.start(), m.end()):
                if masked[k] != "\n":
                    masked[k] = " "
        body = "".join(masked)
        path_re = rf"(?<![\w$:])(?<!in\s)({IDENT}(?:\s*::\s*{IDENT})+)"
        for m in re.finditer(path_re, body):
            segs = [s.strip() for s in m.group(1).split("::")]
            self.add(scope_at(m.start()), segs, f"{rel}:{line_of(m.start())}")

    def cycles(self):
        """Strongly connected components with more than one node (Tarjan)."""
        adj = {n: [] for n in self.nodes}
        for a, b in self.edges:
            adj.setdefault(a, []).append(b)
            adj.setdefault(b, [])
        index, low, stack, on, out = {}, {}, [], set(), []
        counter = [0]

        def visit(v):
            index[v] = low[v] = counter[0]
            counter[0] += 1
            stack.append(v)
            on.add(v)
            for w in sorted(adj[v]):
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))

        sys.setrecursionlimit(10000)
        for v in sorted(adj):
            if v not in index:
                visit(v)
        return sorted(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path, help="the crate's src directory")
    ap.add_argument("--depth", type=int, default=1, help="module levels per node (default 1)")
    ap.add_argument("--quiet", action="store_true", help="print only the cycles")
    args = ap.parse_args()
    if not args.src.is_dir() or args.depth < 1:
        ap.print_usage(sys.stderr)
        return 2
    graph = Graph(Crate(args.src), args.depth)
    graph.scan()
    if not args.quiet:
        print(f"{args.src} (root {graph.crate.root.name}, depth {args.depth}): "
              f"{len(graph.nodes)} modules, {len(graph.edges)} edges")
        for n in sorted(graph.nodes):
            deps = sorted(b for a, b in graph.edges if a == n)
            print(f"  {n} -> {', '.join(deps) if deps else '(none)'}")
    cycles = graph.cycles()
    print(f"cycles: {len(cycles)}")
    for comp in cycles:
        print(f"  cycle {{{', '.join(comp)}}}:")
        for (a, b), where in sorted(graph.edges.items()):
            if a in comp and b in comp:
                print(f"    {a} -> {b}  ({where})")
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main())
